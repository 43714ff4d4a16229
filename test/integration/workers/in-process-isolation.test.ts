import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Attachment, ConversationAddress } from '../../../bots/message.ts';
import { startFakeModelServer, type FakeModelServer } from '../../fakes/model-server.ts';
import { chatRequests, message, RecordingChannel, withoutNotice } from '../bot/harness.ts';
import { waitFor } from './redis-helpers.ts';
import { startRig, type Rig } from './worker-rig.ts';

/**
 * The embedded set-up (no Redis): a large document is summarised in a child process, so the bot answers
 * other agents meanwhile; the acknowledgement names the job, `annule <id>` stops it (the busy child is killed).
 */

class FileChannel extends RecordingChannel {
  async download(attachment: Attachment): Promise<Buffer> {
    return readFileSync(attachment.locator as string);
  }
  async history(_address: ConversationAddress) {
    return [];
  }
}

/** About `bytes` of Markdown whose extractive summary keeps a CPU busy for a good while. */
function writeLargeNote(path: string, bytes: number): void {
  const words = ['contrôle', 'marchandises', 'déclarant', 'agents', 'bureau', 'douane', 'transit', 'entrepôt', 'procès-verbal', 'saisie', 'tabac', 'alcool', 'voyageur', 'franchise', 'importation'];
  const parts = ['# Note volumineuse\n\n'];
  let size = 0;
  for (let n = 1; size < bytes; n++) {
    let section = `## Section ${n}\n\n`;
    for (let p = 0; p < 5; p++) section += `${Array.from({ length: 6 }, (_, i) => `Le ${words[(n + i) % 15]} et la ${words[(n * 3 + i + p) % 15]} du poste ${n}-${p}-${i} sont vérifiés par les ${words[(i * 7 + p) % 15]} avant le départ.`).join(' ')}\n\n`;
    parts.push(section);
    size += section.length;
  }
  writeFileSync(path, parts.join(''));
}

describe('in-process queue: summaries off the bot’s event loop', function () {
  this.timeout(120_000);
  let rig: Rig;
  let channel: FileChannel;
  before(async () => {
    rig = await startRig({ redis: false, queue: { maxDocumentBytes: 40 * 1024 * 1024, attempts: 1 } });
    channel = new FileChannel('teams');
    rig.app.bot.register(channel);
  });
  after(async () => rig.close());

  it('answers « tâches » while a 16 MB document is being summarised, names the job, and « annule <id> » stops it', async () => {
    const path = join(rig.dir, 'note-volumineuse.md');
    writeLargeNote(path, 16 * 1024 * 1024);
    const address = { key: 'teams:isolation', reference: {} };
    const say = async (text: string, attachments: Attachment[] = []) => {
      const before = channel.sent.length;
      await rig.app.bot.handle(message(text, { conversation: address, attachments }));
      return channel.sent.slice(before).map((entry) => ({ ...entry, reply: withoutNotice(entry.reply) })).filter((entry) => entry.reply.text !== '');
    };
    const [ack] = await say('résume ce document', [{ name: 'note-volumineuse.md', contentType: 'text/markdown', locator: path }]);
    const job = await waitFor(async () => (await rig.queues.work.pending()).find((entry) => entry.state === 'active'), 'the job to start');
    // The acknowledgement names the job and how to cancel it.
    const acknowledged = await waitFor(() => channel.updates.filter((entry) => entry.id === ack?.id).map((entry) => entry.reply.text).find((text) => text.includes(`annule ${job.id}`)), 'the acknowledgement with the job id');
    assert.match(acknowledged, new RegExp(`Tâche ${job.id} enregistrée`));
    await waitFor(() => channel.updates.some((entry) => entry.id === ack?.id && entry.reply.text === `⏳ Tâche ${job.id} : 0 %`), 'the progress edit');

    // Another request is answered while the summary is still being computed.
    const [list] = await say('tâches');
    assert.equal((await rig.queues.work.get(job.id))?.state, 'active', 'answered before the summary was done');
    assert.match(list?.reply.text ?? '', new RegExp(`\`${job.id}\` — résumé de « note-volumineuse\\.md » — en cours`));

    const [cancelled] = await say(`annule ${job.id}`);
    assert.equal(cancelled?.reply.text, `Tâche ${job.id} annulée.`);
    await waitFor(async () => ['cancelled', 'failed'].includes((await rig.queues.work.get(job.id))?.state ?? ''), 'the job to stop');
    await new Promise((resolve) => setTimeout(resolve, 500));
    assert.ok(!channel.sent.some((entry) => entry.reply.kind === 'answer' && entry.reply.text.includes('Résumé')), 'no summary after the cancellation');
  });

  describe('with a model', () => {
    let server: FakeModelServer;
    let modelRig: Rig;
    before(async () => {
      server = await startFakeModelServer();
      modelRig = await startRig({ redis: false, model: { provider: 'openai-compatible', server, ceiling: 'interne' }, queue: { attempts: 2, backoffMs: 100 } });
    });
    after(async () => {
      await modelRig.close();
      await server.close();
    });

    it('a retry in a child process does not ask again for the map step finished before the failure', async () => {
      server.queueChat({ content: '- Visite des marchandises (art. 60).' }, { status: 503 });
      server.onChat(() => ({ content: '- Visite des marchandises (art. 60).' }));
      const id = await modelRig.enqueue({ kind: 'summarise-code', kb: 'legal', code: 'Code des douanes', part: { type: 'heading', label: 'titre II' } });
      assert.equal((await modelRig.settled(id, 60_000)).state, 'completed');
      assert.equal(chatRequests(server).length, 3, 'map, failed final; then the final only');
      assert.equal(modelRig.sent().length, 1);
    });
  });
});
