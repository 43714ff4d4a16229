import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { attachChannels } from '../../app/serve.ts';
import type { FakeHomeserver } from '../fakes/homeserver/index.ts';
import type { MatrixUser } from '../fakes/homeserver/matrix-user.ts';
import type { MatrixBot } from '../fakes/homeserver/passerelle-bot.ts';
import { loadTestKit, type TestKit } from '../fakes/homeserver/test-kit.ts';

/**
 * Tchap announcement rooms (issue 17.2) end to end: the real application and Matrix adapter (Rust crypto)
 * against the fake homeserver, which enforces power levels; agents are real encrypted clients. The bot
 * creates one read-only room per service from the membership list, an agent joins and reads the
 * announcement (decrypted) and cannot post; the list changes and the bot invites the newcomer and removes
 * the one taken off; a large Tchap audience goes through the rooms, the administrator told in French.
 */
describe('announcement rooms end to end: Tchap (fake homeserver)', function () {
  this.timeout(120_000);
  let kit: TestKit;
  let fake: FakeHomeserver;
  let bot: MatrixBot;
  let listDir: string;
  let listFile: string;
  const users = new Map<string, MatrixUser>();

  const writeList = (services: Record<string, string[]>) => writeFileSync(listFile, Object.entries(services).map(([service, ids]) => `${service}:\n${ids.map((id) => `  - "${id}"\n`).join('')}`).join(''));

  before(async () => {
    kit = await loadTestKit();
    fake = await kit.startFakeHomeserver();
    listDir = mkdtempSync(join(tmpdir(), 'passerelle-rooms-'));
    listFile = join(listDir, 'salons.yaml');
    for (const name of ['chef', 'agent1', 'agent2', 'agent3', 'agent4']) users.set(name, await kit.MatrixUser.start(fake, `@${name}:test.local`));
    writeList({ 'Bureau de Roissy': ['@agent1:test.local', '@agent2:test.local'], 'Direction de Lyon': ['@agent3:test.local'] });
    bot = await kit.startMatrixBot(fake, { env: { PASSERELLE_ADMINS: '@chef:test.local', ANNOUNCE_MATRIX_PER_SECOND: '20', ANNOUNCE_ROOMS_FILE: listFile, ANNOUNCE_ROOMS_ABOVE: '2' } });
    bot.app.startJobs();
    // Attaching the channel keeps the rooms from the list, in the background.
    attachChannels(bot.app, { matrix: bot.adapter });
  });
  after(async () => {
    for (const user of users.values()) user.stop();
    await bot?.close();
    await fake?.close();
    rmSync(listDir, { recursive: true, force: true });
  });

  const agent = (name: string) => users.get(name)!;
  const roomOf = async (service: string) => {
    const deadline = Date.now() + 20_000;
    for (;;) {
      const room = (await bot.app.announcements.rooms.list()).find((candidate) => candidate.service === service);
      if (room) return room;
      if (Date.now() > deadline) throw new Error(`no room for ${service}`);
      await sleep(100);
    }
  };
  /** Waits until the bot has processed a sync that started after now (it then knows what happened before). */
  const botSynced = async () => {
    const since = Date.now();
    const deadline = since + 15_000;
    while (fake.requests.filter((request) => request.userId === kit.BOT_USER_ID && request.path === '/sync' && request.at > since).length < 2) {
      if (Date.now() > deadline) throw new Error('the bot did not sync');
      await sleep(50);
    }
  };
  async function completed(id: string): Promise<void> {
    const deadline = Date.now() + 45_000;
    while ((await bot.app.announcements.store.getAnnouncement(id))?.status !== 'completed') {
      if (Date.now() > deadline) throw new Error(JSON.stringify(await bot.app.announcements.store.countRecipients(id)));
      await sleep(100);
    }
  }

  it('creates one read-only, encrypted room per service, named in French, its members invited', async () => {
    const roissy = await roomOf('Bureau de Roissy');
    assert.deepEqual(roissy.members, ['@agent1:test.local', '@agent2:test.local']);
    const room = fake.state.room(roissy.roomId);
    assert.equal(fake.state.stateEvent(room, 'm.room.name')?.content.name, 'Annonces — Bureau de Roissy');
    assert.match(String(fake.state.stateEvent(room, 'm.room.topic')?.content.topic), /seul le bot y publie/);
    assert.equal(fake.state.stateEvent(room, 'm.room.encryption')?.content.algorithm, 'm.megolm.v1.aes-sha2');
    assert.equal(fake.state.stateEvent(room, 'm.room.history_visibility')?.content.history_visibility, 'joined');
    const levels = fake.state.stateEvent(room, 'm.room.power_levels')!.content as { users: Record<string, number>; users_default: number; events_default: number };
    assert.equal(levels.users[kit.BOT_USER_ID], 100);
    assert.ok(levels.events_default > levels.users_default, 'members are below the level needed to post');
    for (const name of ['agent1', 'agent2']) assert.equal(fake.state.membership(room, `@${name}:test.local`), 'invite');
    assert.deepEqual((await roomOf('Direction de Lyon')).members, ['@agent3:test.local']);
  });

  it('an agent joins, reads the announcement decrypted, and cannot post; the report counts rooms and members', async () => {
    const roissy = await roomOf('Bureau de Roissy');
    await agent('agent1').waitFor(() => agent('agent1').client.getRoom(roissy.roomId)?.getMyMembership() === 'invite', 15_000, 'the invitation');
    await agent('agent1').join(roissy.roomId);
    await botSynced();
    const prepared = await bot.app.announcements.service.submit({ to: 'annonces:bureau-de-roissy', markdown: 'Fermeture du terminal 2 samedi.', createdBy: 'api', origin: 'api' });
    await completed(prepared.announcement.id);
    const recipients = await bot.app.announcements.store.listRecipients(prepared.announcement.id);
    assert.deepEqual(recipients.map((recipient) => [recipient.kind, recipient.target, recipient.members, recipient.status]), [['room', roissy.roomId, 2, 'sent']]);
    const counts = await bot.app.announcements.store.countRecipients(prepared.announcement.id);
    assert.deepEqual([counts.sent, counts.roomsSent, counts.membersReached], [1, 1, 2]);
    const message = await agent('agent1').waitForMessage(roissy.roomId, kit.BOT_USER_ID, (event) => !event.decryptionFailure && /Fermeture du terminal 2/.test(String(event.latest.body ?? '')), 15_000);
    assert.ok(message.encrypted, 'end-to-end encrypted');
    assert.equal(fake.state.room(roissy.roomId).timeline.filter((item) => item.event.sender === kit.BOT_USER_ID && item.event.type === 'm.room.encrypted').length, 1, 'one message for the room');
    await assert.rejects(agent('agent1').send(roissy.roomId, 'Je peux écrire ?'), (error: { errcode?: string }) => error.errcode === 'M_FORBIDDEN');
  });

  it('follows the list: invites the newcomer, removes the one taken off, says which (annonce salons synchroniser)', async () => {
    const roissy = await roomOf('Bureau de Roissy');
    await agent('agent2').waitFor(() => agent('agent2').client.getRoom(roissy.roomId)?.getMyMembership() === 'invite', 15_000, 'the invitation');
    await agent('agent2').join(roissy.roomId);
    writeList({ 'Bureau de Roissy': ['@agent1:test.local', '@agent4:test.local'], 'Direction de Lyon': ['@agent3:test.local'] });
    const chef = agent('chef');
    const dm = await chef.createDirectChat(kit.BOT_USER_ID);
    await chef.send(dm, 'annonce salons synchroniser');
    const answer = await chef.waitForMessage(dm, kit.BOT_USER_ID, (event) => /Salons d’annonce/.test(String(event.latest.body ?? '')), 30_000);
    const text = String(answer.latest.body);
    assert.match(text, /Annonces — Bureau de Roissy .*1 invité\(s\) : @agent4:test\.local ; 1 retiré\(s\) : @agent2:test\.local/);
    assert.match(text, /Annonces — Direction de Lyon .*rien à changer/);
    const room = fake.state.room(roissy.roomId);
    assert.equal(fake.state.membership(room, '@agent2:test.local'), 'leave', 'removed (kicked)');
    assert.equal(fake.state.membership(room, '@agent4:test.local'), 'invite');
    assert.ok((await bot.app.state.listAudit(20)).some((record) => record.kind === 'announce-rooms-synced'));
    await chef.send(dm, 'annonce salons');
    const list = await chef.waitForMessage(dm, kit.BOT_USER_ID, (event) => /Salons d’annonce Tchap/.test(String(event.latest.body ?? '')), 20_000);
    assert.match(String(list.latest.body), /annonces:bureau-de-roissy/);
  });

  it('a Tchap audience above ANNOUNCE_ROOMS_ABOVE goes through the rooms, the administrator told in French', async () => {
    const to = 'utilisateurs:@agent1:test.local,@agent3:test.local,@agent4:test.local,@chef:test.local';
    const prepared = await bot.app.announcements.service.prepare({ to, markdown: 'Note de service.', createdBy: 'api', origin: 'api' });
    const recipients = await bot.app.announcements.store.listRecipients(prepared.announcement.id);
    const roissy = await roomOf('Bureau de Roissy');
    const lyon = await roomOf('Direction de Lyon');
    assert.deepEqual(recipients.map((recipient) => `${recipient.kind}:${recipient.target}`).sort(), [`room:${lyon.roomId}`, `room:${roissy.roomId}`, 'user:@chef:test.local'].sort());
    assert.equal(prepared.notes.length, 1);
    assert.match(prepared.notes[0]!, /4 agents, plus que le seuil de 2 .* 2 salon\(s\) d’annonce \(3 membres\) au lieu d’un message direct par agent ; 1 agent\(s\) hors de ces salons/);
    assert.deepEqual(prepared.perChannel, [{ channel: 'matrix', reachable: 3, unreachable: 0, rooms: 2, members: 3 }]);
  });
});
