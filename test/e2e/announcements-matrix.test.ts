import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { startAdminApi } from '../../app/admin-surface.ts';
import { attachChannels } from '../../app/serve.ts';
import { silentLogger } from '../../bots/logger.ts';
import type { FakeHomeserver } from '../fakes/homeserver/index.ts';
import type { MatrixUser } from '../fakes/homeserver/matrix-user.ts';
import type { MatrixBot } from '../fakes/homeserver/passerelle-bot.ts';
import { loadTestKit, type TestKit } from '../fakes/homeserver/test-kit.ts';

/**
 * Announcements end to end on Tchap: the real application and Matrix adapter (Rust crypto) against the
 * fake homeserver, agents as real encrypted clients. Faults are injected on the bot's sends (429
 * M_LIMIT_EXCEEDED, 403 M_FORBIDDEN, 500); every agent must see the announcement exactly once, decrypted,
 * or be reported.
 */
describe('announcements end to end: Tchap (fake homeserver)', function () {
  this.timeout(90_000);
  let kit: TestKit;
  let fake: FakeHomeserver;
  let bot: MatrixBot;
  let surface: Awaited<ReturnType<typeof startAdminApi>>;
  const users = new Map<string, MatrixUser>();
  const dms = new Map<string, string>();

  before(async () => {
    kit = await loadTestKit();
    fake = await kit.startFakeHomeserver();
    bot = await kit.startMatrixBot(fake, { env: { PASSERELLE_ADMINS: '@chef:test.local', ANNOUNCE_MATRIX_PER_SECOND: '20' } });
    bot.app.startJobs();
    attachChannels(bot.app, { matrix: bot.adapter });
    surface = await startAdminApi(bot.app, silentLogger);
    for (const name of ['chef', 'agent1', 'agent2', 'agent3', 'agent4']) {
      const user = await kit.MatrixUser.start(fake, `@${name}:test.local`);
      users.set(name, user);
      if (name === 'agent4') continue; // no direct chat yet: the announcement opens one
      const roomId = await user.createDirectChat(kit.BOT_USER_ID);
      dms.set(name, roomId);
      await user.send(roomId, 'Bonjour');
      // The AI notice, then the answer: both sent before faults are injected.
      await user.waitFor(() => user.eventsFrom(roomId, kit.BOT_USER_ID).length >= 2, 20_000, 'the AI notice and the answer');
    }
  });
  after(async () => {
    for (const user of users.values()) user.stop();
    await surface?.close();
    await bot?.close();
    await fake?.close();
  });

  const chef = () => users.get('chef')!;
  const sendPath = (roomId: string) => new RegExp(`^/rooms/(${escape(roomId)}|${escape(encodeURIComponent(roomId))})/send/`);
  /** The announcement itself as `name` sees it (not the chef's preview, which quotes it). */
  const received = (name: string, marker: string) =>
    users.get(name)!.eventsFrom(dms.get(name)!, kit.BOT_USER_ID).filter((event) => String(event.latest.body ?? '').includes(marker) && !String(event.latest.body).includes('Aperçu'));

  /** The chef writes to the bot; resolves with the first later answer matching `expected`. */
  async function chefSays(text: string, expected: RegExp): Promise<string> {
    const roomId = dms.get('chef')!;
    const before = new Set(chef().eventsFrom(roomId, kit.BOT_USER_ID).map((event) => event.eventId));
    await chef().send(roomId, text);
    const answer = await chef().waitForMessage(roomId, kit.BOT_USER_ID, (event) => !before.has(event.eventId) && expected.test(String(event.latest.body ?? '')), 20_000);
    return String(answer.latest.body);
  }

  async function completed(id: string): Promise<void> {
    const deadline = Date.now() + 45_000;
    while ((await bot.app.announcements.store.getAnnouncement(id))?.status !== 'completed') {
      if (Date.now() > deadline) throw new Error(JSON.stringify(await bot.app.announcements.store.countRecipients(id)));
      await sleep(100);
    }
  }

  it('chat preview and confirmation: every agent sees it once, encrypted, through 429, 500 and a 403', async () => {
    // Answers to "Bonjour" end with edits (streaming): faults must only meet the announcement.
    const lastSend = () => fake.requests.filter((request) => request.userId === kit.BOT_USER_ID && request.path.includes('/send/')).at(-1)?.at ?? 0;
    while (Date.now() - lastSend() < 2_000) await sleep(100);
    fake.addFault({ method: 'PUT', path: sendPath(dms.get('agent1')!), userId: kit.BOT_USER_ID, respond: { status: 429, body: { errcode: 'M_LIMIT_EXCEEDED', error: 'Too many requests', retry_after_ms: 300 } }, times: 1 });
    fake.addFault({ method: 'PUT', path: sendPath(dms.get('agent2')!), userId: kit.BOT_USER_ID, respond: { status: 500, body: { errcode: 'M_UNKNOWN', error: 'boom' } }, times: 1 });
    fake.addFault({ method: 'PUT', path: sendPath(dms.get('agent3')!), userId: kit.BOT_USER_ID, respond: { status: 403, body: { errcode: 'M_FORBIDDEN', error: 'not in room' } }, times: 1 });
    const preview = await chefSays('annonce tous : **Coupure Tchap** ce soir de 22 h à 23 h.', /Aperçu/);
    const id = /Aperçu de l’annonce ([A-Z2-9]{8})/.exec(preview)?.[1];
    assert.ok(id, preview);
    assert.match(preview, /Tchap : 4 destinataire/);
    assert.match(await chefSays(`annonce confirmer ${id}`, /annonce/i), /en cours d’envoi à 4 destinataire/);
    await completed(id!);
    for (const name of ['chef', 'agent1', 'agent2']) {
      await users.get(name)!.waitFor(() => received(name, 'Coupure Tchap').length > 0, 10_000, `${name} receives`);
      const events = received(name, 'Coupure Tchap');
      assert.equal(events.length, 1, `${name} once`);
      assert.ok(events[0]!.encrypted, 'end-to-end encrypted');
    }
    assert.equal(received('agent3', 'Coupure Tchap').length, 0);
    // It notifies (m.text: the default push rules silence m.notice), under its "Annonce" header and sender.
    const own = received('chef', 'Coupure Tchap')[0]!;
    assert.equal(own.latest.msgtype, 'm.text');
    assert.match(String(own.latest.body), /^\*\*📢 Annonce\*\* — de la part de \S+/);
    // The administrator, a recipient too, is told it is being sent before receiving it.
    const chefDm = dms.get('chef')!;
    const position = (eventId: string) => fake.state.room(chefDm).timeline.find((item) => item.event.event_id === eventId)!.pos;
    const confirmation = chef().eventsFrom(chefDm, kit.BOT_USER_ID).find((event) => /en cours d’envoi/.test(String(event.latest.body ?? '')))!;
    assert.ok(position(confirmation.eventId) < position(own.eventId), '"en cours d’envoi" before the announcement itself');
    const counts = await bot.app.announcements.store.countRecipients(id!);
    assert.deepEqual([counts.sent, counts.blocked, counts.failed], [3, 1, 0]);
    const blocked = await bot.app.announcements.store.getRecipient(id!, 'matrix:user:@agent3:test.local');
    assert.match(blocked?.reason ?? '', /injoignable/);
    assert.match(await chefSays(`annonce statut ${id}`, /Annonce/), /3 envoyé\(s\), 0 en échec, 1 bloqué\(s\)/);
  });

  it('utilisateurs: opens a direct chat with an agent the bot never talked to; membres: reaches a room’s members', async () => {
    const prepared = await bot.app.announcements.service.submit({ to: 'utilisateurs:@agent4:test.local', markdown: 'Bienvenue dans Passerelle.', createdBy: 'api', origin: 'api' });
    await completed(prepared.announcement.id);
    const row = await bot.app.announcements.store.getRecipient(prepared.announcement.id, 'matrix:user:@agent4:test.local');
    assert.equal(row?.status, 'sent', row?.reason);
    const agent4 = users.get('agent4')!;
    await agent4.waitFor(() => [...agent4.client.getRooms()].some((room) => room.getMyMembership() === 'invite'), 10_000, 'the invitation');
    const invited = agent4.client.getRooms().find((room) => room.getMyMembership() === 'invite')!;
    const stored = fake.state.room(invited.roomId).timeline.filter((item) => item.event.sender === kit.BOT_USER_ID && item.event.type === 'm.room.encrypted');
    assert.equal(stored.length, 1, 'one encrypted message waits in the new direct chat');

    const group = await chef().createGroupRoom('Brigade de Roissy', [kit.BOT_USER_ID, '@agent1:test.local', '@agent2:test.local']);
    for (const name of ['agent1', 'agent2']) await users.get(name)!.join(group);
    await chef().waitForMembership(group, kit.BOT_USER_ID, 'join', 15_000);
    const members = await bot.app.announcements.service.submit({ to: `membres:${group}`, markdown: 'Réunion de brigade lundi.', createdBy: 'api', origin: 'api' });
    await completed(members.announcement.id);
    const recipients = await bot.app.announcements.store.listRecipients(members.announcement.id);
    assert.deepEqual(recipients.map((r) => `${r.target}=${r.status}`), ['@agent1:test.local=sent', '@agent2:test.local=sent', '@chef:test.local=sent']);
    for (const name of ['agent1', 'agent2', 'chef']) {
      await users.get(name)!.waitFor(() => received(name, 'Réunion de brigade').length === 1, 10_000, `${name} receives in the direct chat`);
    }
  });

  it('no direct chat yet, the new room written event by event (as Synapse does): the bot stays, the agent joins and reads it', async () => {
    const agent5 = await kit.MatrixUser.start(fake, '@agent5:test.local');
    users.set('agent5', agent5);
    fake.state.roomCreationPauseMs = 400;
    try {
      const prepared = await bot.app.announcements.service.submit({ to: 'utilisateurs:@agent5:test.local', markdown: 'Nouvelle procédure de dédouanement.', createdBy: 'api', origin: 'api' });
      await completed(prepared.announcement.id);
      const row = await bot.app.announcements.store.getRecipient(prepared.announcement.id, 'matrix:user:@agent5:test.local');
      assert.equal(row?.status, 'sent', row?.reason);
    } finally {
      fake.state.roomCreationPauseMs = 0;
    }
    await agent5.waitFor(() => agent5.client.getRooms().some((room) => room.getMyMembership() === 'invite'), 10_000, 'the invitation');
    const dm = agent5.client.getRooms().find((room) => room.getMyMembership() === 'invite')!.roomId;
    assert.equal(fake.state.membership(fake.state.room(dm), kit.BOT_USER_ID), 'join', 'the bot did not leave the room it opened');
    await agent5.join(dm);
    const announcement = await agent5.waitForMessage(dm, kit.BOT_USER_ID, (event) => !event.decryptionFailure && /Nouvelle procédure/.test(String(event.latest.body ?? '')), 15_000);
    assert.ok(announcement.encrypted);
  });

  it('a non-admin is refused and audited, and nothing is sent', async () => {
    const roomId = dms.get('agent1')!;
    const agent = users.get('agent1')!;
    const before = agent.eventsFrom(roomId, kit.BOT_USER_ID).length;
    await agent.send(roomId, 'annonce tous : Message pirate');
    await agent.waitFor(() => agent.eventsFrom(roomId, kit.BOT_USER_ID).length > before, 20_000, 'the refusal');
    assert.match(String(agent.eventsFrom(roomId, kit.BOT_USER_ID).at(-1)?.latest.body), /réservées aux administrateurs/);
    assert.ok((await bot.app.state.listAudit(50)).some((record) => record.kind === 'announce-refused' && record.channel === 'matrix'));
    for (const name of ['chef', 'agent2']) assert.equal(received(name, 'pirate').length, 0);
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
