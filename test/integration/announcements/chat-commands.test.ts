import { markdownToHtml } from '../../../adapters/matrix/html.ts';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createBotApplication, type BotApplication } from '../../../app/bot-application.ts';
import { PasserelleError } from '../../../bots/errors.ts';
import { silentLogger } from '../../../bots/logger.ts';
import type { IncomingMessage } from '../../../bots/message.ts';
import type { Reply } from '../../../bots/reply.ts';
import { loadConfig } from '../../../config/load-config.ts';
import { InProcessJobQueue } from '../../../queue/in-process-job-queue.ts';
import { inProcessQueues, type AnnouncementJob } from '../../../bots/announcements/fanout-queues.ts';
import { RecordingAnnounceChannel } from './recording-channel.ts';
import { matrixReference, teamsReference } from './rig.ts';

const ADMIN = 'chef@douane.finances.gouv.fr';
const ADMIN_CHAT = { key: 'teams:a:admin-chat', reference: { conversation: { id: 'a:admin-chat' } } };

describe('announcements / chat commands through the bot pipeline', function () {
  this.timeout(20_000);
  let dir: string;
  let app: BotApplication;
  let teams: RecordingAnnounceChannel;
  let matrix: RecordingAnnounceChannel;
  let counter = 0;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'passerelle-announce-chat-'));
    const config = loadConfig({ env: { PASSERELLE_DATA_DIR: join(dir, 'data'), PASSERELLE_LOG_LEVEL: 'silent', PASSERELLE_RATE_LIMIT_PER_MINUTE: '1000', PASSERELLE_ADMINS: ADMIN, PASSERELLE_ADMIN_GROUPS: 'grp-admins' } });
    app = await createBotApplication(config, silentLogger, {
      model: null,
      announcements: {
        channels: ['teams', 'matrix'],
        queues: inProcessQueues(new InProcessJobQueue<AnnouncementJob>('t'), new InProcessJobQueue<AnnouncementJob>('m')),
        rates: { teamsPerSecond: 1_000, matrixPerSecond: 1_000 },
        fanout: { tickMs: 50, backoffMs: 20 },
      },
    });
    teams = new RecordingAnnounceChannel('teams');
    matrix = new RecordingAnnounceChannel('matrix');
    app.bot.register(teams);
    app.bot.register(matrix);
    for (const n of [1, 2, 3]) await app.state.saveReference(teamsReference(n));
    for (const n of [1, 2]) await app.state.saveReference(matrixReference(n));
    app.startJobs();
    await app.announcements.start();
  });
  afterEach(async () => {
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Sends `text` as `sender` in the admin's chat; returns the replies it got. */
  async function say(text: string, sender = ADMIN, extra: Partial<IncomingMessage> = {}): Promise<Reply[]> {
    const before = teams.delivered.length;
    await app.bot.handle({
      channel: 'teams', id: `m-${++counter}`, conversation: ADMIN_CHAT, sender: { id: sender }, text, addressedToBot: true, isDirect: true,
      attachments: [], receivedAt: new Date().toISOString(), ...extra,
    });
    return teams.delivered.slice(before).filter((delivery) => delivery.key === ADMIN_CHAT.key).map((delivery) => delivery.reply);
  }
  const lastText = (replies: Reply[]) => replies.at(-1)?.text ?? '';
  const sentToRecipients = () => [...teams.delivered, ...matrix.delivered].filter((delivery) => delivery.key !== ADMIN_CHAT.key);

  it('previews, then sends on confirmation; the admin is told when it is over', async () => {
    const preview = await say('annonce tous : **Coupure réseau** samedi de 8 h à 10 h.');
    const text = lastText(preview);
    const id = /Aperçu de l’annonce ([A-Z2-9]{8})/.exec(text)?.[1];
    assert.ok(id, text);
    assert.match(text, /5 destinataire\(s\)/);
    assert.match(text, /- Teams : 3 destinataire\(s\)/);
    assert.match(text, /- Tchap : 2 destinataire\(s\)/);
    const received = `**📢 Annonce** — de la part de ${ADMIN}\n\n**Coupure réseau** samedi de 8 h à 10 h.`;
    assert.ok(text.includes(received), `the preview shows the message exactly as received:\n${text}`);
    assert.equal(text.split(`annonce confirmer ${id}`).length - 1, 1, 'the confirm command is given once');
    assert.deepEqual(preview.at(-1)?.suggestedActions, [], 'not repeated as suggested actions');
    const html = markdownToHtml(text);
    assert.doesNotMatch(html, /<h\d/, 'no paragraph of the message turns into a heading');
    assert.ok(html.includes(markdownToHtml(received)), 'the message renders in the preview as it will be received');
    assert.equal(sentToRecipients().length, 0, 'nothing sent before confirmation');

    assert.match(lastText(await say(`annonce confirmer ${id!.toLowerCase()}`)), /en cours d’envoi à 5 destinataire/);
    const deadline = Date.now() + 5_000;
    while (!teams.delivered.some((d) => d.key === ADMIN_CHAT.key && /terminée/.test(d.reply.text)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    assert.equal(sentToRecipients().length, 5);
    assert.ok(sentToRecipients().every((delivery) => delivery.reply.text === received && delivery.reply.aiGenerated === false && delivery.reply.notify === true));
    assert.match(teams.delivered.findLast((d) => d.key === ADMIN_CHAT.key)!.reply.text, /Annonce .* terminée : 5 envoyé\(s\), 0 en échec/);
    assert.match(lastText(await say(`annonce statut ${id}`)), /terminée\.\n5 envoyé\(s\), 0 en échec, 0 bloqué\(s\), 0 en attente — sur 5/);
    assert.match(lastText(await say(`annonce confirmer ${id}`)), /déjà terminée/);
  });

  it('status lists blocked recipients with their reason', async () => {
    teams.failNext('teams:a:personal-2', new PasserelleError('RECIPIENT_UNREACHABLE'));
    const id = /annonce ([A-Z2-9]{8})/i.exec(lastText(await say('annonce utilisateurs:aad-1,aad-2 : Test')))?.[1];
    await say(`annonce confirmer ${id}`);
    let status = '';
    for (let i = 0; i < 100 && !/terminée/.test(status); i++) {
      status = lastText(await say(`annonce statut ${id}`));
      await new Promise((r) => setTimeout(r, 20));
    }
    assert.match(status, /1 envoyé\(s\), 0 en échec, 1 bloqué\(s\)/);
    assert.match(status, /- aad-2 : Destinataire injoignable/);
  });

  it('a cancelled draft is never sent; a scheduled one says when', async () => {
    const id = /annonce ([A-Z2-9]{8})/.exec(lastText(await say('annonce salons:!salle:tchap.example : Rien')))?.[1];
    assert.equal(lastText(await say(`annonce annuler ${id}`)), `Annonce ${id} abandonnée : elle n’a été envoyée à personne.`);
    assert.match(lastText(await say(`annonce confirmer ${id}`)), /déjà annulée/);
    const at = new Date(Date.now() + 3_600_000).toISOString();
    const scheduled = lastText(await say(`annonce tous à:${at} : Demain`));
    assert.match(scheduled, /envoi programmé le/);
    const later = /annonce ([A-Z2-9]{8})/.exec(scheduled)?.[1];
    assert.match(lastText(await say(`annonce confirmer ${later}`)), /programmée pour le/);
    assert.equal(sentToRecipients().length, 0);
  });

  it('only in a direct chat: a preview in a channel would show the announcement before it is sent', async () => {
    assert.match(lastText(await say('annonce tous : Dans le canal', ADMIN, { isDirect: false })), /conversation privée/);
    assert.deepEqual(await app.announcements.store.listAnnouncements(), []);
  });

  it('admins by group are admins too', async () => {
    assert.match(lastText(await say('annonce tous : Par groupe', 'agent@douane.finances.gouv.fr', { groups: ['grp-admins'] })), /Aperçu/);
  });

  it('refuses anyone else, and writes the attempt to the audit log', async () => {
    const replies = await say('annonce tous : Je ne suis pas admin', 'agent@douane.finances.gouv.fr');
    assert.match(lastText(replies), /réservées aux administrateurs/);
    const audit = await app.state.listAudit(10);
    assert.ok(audit.some((record) => record.kind === 'announce-refused' && record.channel === 'teams' && record.userHash.length === 24));
    assert.match(lastText(await say('annonce statut ABCDEFGH', 'agent@douane.finances.gouv.fr')), /réservées/);
    assert.deepEqual(await app.announcements.store.listAnnouncements(), []);
    assert.equal(sentToRecipients().length, 0);
  });

  it('bad input gets a clear answer, and nothing is stored or sent', async () => {
    const cases: Array<[string, RegExp]> = [
      ['annonce', /Annonces \(administrateurs\)/],
      ['annonce aide', /annonce confirmer <id>/],
      ['annonce tous', /Écrivez les destinataires, puis « : »/],
      ['annonce tous :   ', /message de l’annonce est vide/],
      ['annonce collegues:1 : Bonjour', /Destinataires inconnus « collegues:1 »/],
      ['annonce utilisateurs: : Bonjour', /Destinataires inconnus|identifiants/],
      ['annonce tous à:2020-01-01T00:00Z : Bonjour', /est déjà passée/],
      ['annonce tous à:bientôt : Bonjour', /Date d’envoi illisible/],
      ['annonce membres:!salle:tchap.example : Bonjour', /membres d’un salon Tchap n’est pas disponible/],
      ['annonce equipe:19:abc : Bonjour', /Microsoft Graph n’est pas configuré/],
      ['annonce confirmer', /Précisez l’identifiant/],
      ['annonce statut NOPE2345', /Je ne trouve pas d’annonce « NOPE2345 »/],
      ['annonce annuler ../../etc', /Je ne trouve pas d’annonce/],
      [`annonce tous : ${'a'.repeat(1_000_000)}`, /trop long \(1000015 caractères, maximum 4000\)/],
    ];
    for (const [text, expected] of cases) assert.match(lastText(await say(text)), expected, text.slice(0, 60));
    assert.deepEqual(await app.announcements.store.listAnnouncements(), []);
    assert.equal(sentToRecipients().length, 0);
  });
});
