import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Attachment, ConversationAddress, IncomingMessage } from '../../../bots/message.ts';
import { formatBytes } from '../../../bots/errors.ts';
import { message, RecordingChannel, withoutNotice } from '../bot/harness.ts';
import { waitFor } from './redis-helpers.ts';
import { startRig, type Rig } from './worker-rig.ts';

/** « résume » with an attachment or on a conversation, through the whole bot: size limits, uploads, history. */

const FIXTURES = fileURLToPath(new URL('../../fixtures/files/', import.meta.url));
const MAX = 100_000;

/** A channel that can download attachments (the locator is a local path) and read the conversation's history. */
class FileChannel extends RecordingChannel {
  downloads = 0;
  async download(attachment: Attachment, maxBytes: number): Promise<Buffer> {
    this.downloads++;
    // "big": a document larger than allowed, whose size the channel did not announce.
    return attachment.locator === 'big' ? Buffer.alloc(maxBytes + 1, 0x20) : readFileSync(attachment.locator as string);
  }
  async history(_address: ConversationAddress, limit: number) {
    return [
      { sender: 'Agent Martin', text: 'Le contrôle des bagages du vol de Tunis commence à quatorze heures au terminal deux.', at: '2026-03-12T09:00:00Z' },
      { sender: 'Agent Durand', text: '   ', at: '2026-03-12T09:05:00Z' },
      { sender: 'Agent Durand', text: 'Je prépare les procès-verbaux de constat pour les saisies de tabac de la matinée.', at: '2026-03-12T10:30:00Z' },
    ].slice(0, limit);
  }
}

const attachment = (name: string, path: string, size?: number): Attachment => ({ name, contentType: 'application/octet-stream', locator: path, ...(size === undefined ? {} : { size }) });

describe('document and conversation requests through the whole bot', function () {
  // In-process, the first summary starts its child process (tsx included): slow on a loaded machine.
  this.timeout(90_000);
  let rig: Rig;
  let channel: FileChannel;
  let uploads: string;
  let conversation = 0;
  const say = async (text: string, options: Partial<IncomingMessage> = {}) => {
    const before = channel.sent.length;
    await rig.app.bot.handle(message(text, { conversation: { key: `teams:docs-${++conversation}`, reference: {} }, ...options }));
    return channel.sent.slice(before).map((entry) => ({ ...entry, reply: withoutNotice(entry.reply) })).filter((entry) => entry.reply.text !== '');
  };
  const results = () => channel.sent.map((entry) => entry.reply).filter((reply) => reply.kind === 'answer' || reply.kind === 'error');

  for (const durable of [true, false]) {
    describe(durable ? 'bull queue' : 'in-process queue', () => {
      before(async () => {
        rig = await startRig({ redis: durable, queue: { maxDocumentBytes: MAX } });
        channel = new FileChannel('teams');
        rig.app.bot.register(channel);
        uploads = join(rig.config.dataDir, 'uploads');
      });
      after(async () => rig.close());
      beforeEach(() => {
        channel.sent.length = 0;
        channel.updates.length = 0;
        channel.downloads = 0;
      });

      it('refuses a document announced above maxDocumentBytes before downloading it', async () => {
        const [reply] = await say('résume ce document', { attachments: [attachment('gros.pdf', join(FIXTURES, 'sample.pdf'), 60 * 1024 * 1024)] });
        assert.equal(reply?.reply.kind, 'error');
        assert.equal(reply?.reply.text, `Le fichier gros.pdf est trop volumineux (60 Mo, maximum ${formatBytes(MAX)}).`);
        assert.equal(channel.downloads, 0);
        assert.deepEqual(await rig.queues.work.pending(), []);
      });

      it('refuses a document whose size was unknown once the download shows it is too large', async () => {
        const [reply] = await say('résume ce document', { attachments: [attachment('sans-taille.pdf', 'big')] });
        assert.equal(channel.downloads, 1);
        assert.match(reply?.reply.text ?? '', /^Le fichier sans-taille\.pdf est trop volumineux \([\d,]+ Ko, maximum 98 Ko\)\.$/);
        assert.deepEqual(await rig.queues.work.pending(), []);
        assert.ok(!existsSync(uploads) || readdirSync(uploads).length === 0);
      });

      it('summarises an attached document, posts the result, and keeps no copy of it', async () => {
        const [ack] = await say('résume ce document', { attachments: [attachment('Fiche contrôle (v2).pdf', join(FIXTURES, 'sample.pdf'), 2_219)] });
        assert.equal(ack?.reply.text, '🕑 Demande reçue : résumé court du document « Fiche contrôle _v2_.pdf » (2,2 Ko). Mise en file…');
        await waitFor(() => results().length === 1, 'the result', durable ? 10_000 : 60_000);
        assert.match(results()[0]?.text ?? '', /^\*\*Résumé court — Fiche contrôle _v2_\.pdf\*\*\n[\s\S]*La fiche de contrôle doit être signée par le chef de poste\./);
        const registered = channel.updates.find((entry) => entry.id === ack?.id && entry.reply.text.startsWith('🕑 Tâche'))?.reply.text ?? '';
        assert.match(registered, /^🕑 Tâche res-document-[0-9a-f]{10} enregistrée/);
        assert.ok(!registered.includes('File locale'), 'how the queue is run is the operator’s business, not the agent’s');
        await waitFor(() => readdirSync(uploads).length === 0, 'the upload to be deleted');
      });

      it('summarises the conversation from the channel history, skipping blank messages', async () => {
        const [ack] = await say('résume la conversation');
        assert.equal(ack?.reply.text, '🕑 Demande reçue : résumé court des 2 derniers messages de cette conversation. Mise en file…');
        await waitFor(() => results().length === 1, 'the result', durable ? 10_000 : 60_000);
        assert.match(results()[0]?.text ?? '', /^\*\*Résumé court — Conversation \(2 messages, 12\/03\/2026\)\*\*\n\n\*\*Participants\*\* : Agent Martin \(1\), Agent Durand \(1\)\n\n[\s\S]*Le contrôle des bagages du vol de Tunis commence à quatorze heures au terminal deux\. — _Agent Martin, 10:00_/);
      });
    });
  }

  describe('a duplicate request while the first is pending (no worker)', () => {
    before(async () => {
      rig = await startRig({ worker: false, queue: { maxDocumentBytes: MAX } });
      channel = new FileChannel('teams');
      rig.app.bot.register(channel);
      uploads = join(rig.config.dataDir, 'uploads');
    });
    after(async () => rig.close());

    it('answers « déjà en cours » and deletes the duplicate copy; cancelling the job deletes the first', async () => {
      const file = attachment('note.docx', join(FIXTURES, 'sample.docx'), 9_937);
      const address = { key: 'teams:dup', reference: {} };
      await rig.app.bot.handle(message('résume ce document', { conversation: address, attachments: [file] }));
      await rig.app.bot.handle(message('résume ce document', { conversation: address, attachments: [file] }));
      const [job] = await rig.queues.work.pending();
      assert.ok(job);
      assert.equal((await rig.queues.work.pending()).length, 1);
      assert.ok(channel.updates.some((entry) => entry.reply.text === `Cette demande est déjà en cours (tâche ${job.id}) : le résultat sera publié ici.`));
      assert.equal(readdirSync(uploads).length, 1);
      await rig.app.bot.handle(message(`annule ${job.id}`, { conversation: address }));
      assert.equal(readdirSync(uploads).length, 0);
    });
  });
});
