import assert from 'node:assert/strict';
import type { FakeHomeserver } from '../fakes/homeserver/index.ts';
import type { MatrixUser, SeenEvent } from '../fakes/homeserver/matrix-user.ts';
import type { MatrixBot } from '../fakes/homeserver/passerelle-bot.ts';
import { loadTestKit, type TestKit } from '../fakes/homeserver/test-kit.ts';

/** Rate limits, lost connections, the single-owner lock and proactive sends. */
describe('matrix e2e: resilience and proactive sends', function () {
  this.timeout(20_000);
  let kit: TestKit;
  let fake: FakeHomeserver;
  let bot: MatrixBot;
  let user: MatrixUser;
  let roomId: string;

  const isAnswer = (event: SeenEvent): boolean => String(event.latest.body ?? '').includes('Sources :');
  const newerThan = (room: string, since: number) => (event: SeenEvent): boolean => fake.state.room(room).timeline.find((item) => item.event.event_id === event.eventId)!.pos > since;

  before(async function () {
    this.timeout(120_000);
    kit = await loadTestKit();
    fake = await kit.startFakeHomeserver();
    bot = await kit.startMatrixBot(fake);
    user = await kit.MatrixUser.start(fake, '@agent:test.local');
    roomId = await user.createDirectChat(kit.BOT_USER_ID);
    await user.send(roomId, 'aide'); // first exchange: the AI notice, out of the way of the counts below
    await user.waitForMessage(roomId, kit.BOT_USER_ID, (event) => String(event.latest.body ?? '').includes('Passerelle — aide'), 15_000);
  });

  after(async () => {
    user?.stop();
    await bot?.close();
    await fake?.close();
  });

  it('waits retry_after_ms after M_LIMIT_EXCEEDED and sends the message once', async () => {
    const since = fake.state.pos;
    const sends = /^\/rooms\/[^/]+\/send\/m\.room\.(?:message|encrypted)\//;
    fake.addFault({ method: 'PUT', path: sends, userId: kit.BOT_USER_ID, respond: { status: 429, body: { errcode: 'M_LIMIT_EXCEEDED', error: 'Too Many Requests', retry_after_ms: 1_500 } }, times: 1 });
    await user.send(roomId, kit.QUESTION);
    await user.waitForMessage(roomId, kit.BOT_USER_ID, (event) => isAnswer(event) && newerThan(roomId, since)(event), 15_000);
    const botSends = fake.requests.filter((request) => request.userId === kit.BOT_USER_ID && request.method === 'PUT' && sends.test(request.path));
    const limited = botSends.findIndex((request) => request.status === 429);
    assert.ok(limited >= 0, 'the homeserver refused one send');
    const retry = botSends[limited + 1]!;
    assert.equal(retry.path, botSends[limited]!.path, 'retried with the same transaction id');
    assert.ok(retry.at - botSends[limited]!.at >= 1_500, `retry after ${retry.at - botSends[limited]!.at} ms`);
    const originals = user.eventsFrom(roomId, kit.BOT_USER_ID).filter(newerThan(roomId, since));
    assert.equal(originals.length, 1, 'one message (then edited), not two');
  });

  it('reconnects after the connection is lost', async () => {
    fake.disconnect(kit.BOT_USER_ID);
    await new Promise((resolve) => setTimeout(resolve, 200));
    const since = fake.state.pos;
    await user.send(roomId, 'Les agents des douanes peuvent-ils exiger la communication des papiers ?');
    await user.waitForMessage(roomId, kit.BOT_USER_ID, (event) => isAnswer(event) && newerThan(roomId, since)(event), 18_000);
    assert.ok(fake.requests.some((request) => request.path === '/_matrix/client/versions' && request.at > Date.now() - 18_000), 'the SDK probed the server before syncing again');
  });

  it('refuses a second instance on the same data directory with a clear message', async () => {
    const second = await kit.createMatrixAdapter({ config: bot.config, logger: { debug() {}, info() {}, warn() {}, error() {} }, limiter: bot.app.limiters.matrix });
    await assert.rejects(second.start(bot.app.bot.inbound), (error: Error) => error instanceof kit.ConnectionLockedError && /Une autre instance de Passerelle détient déjà la connexion/.test(error.message));
    const since = fake.state.pos;
    await user.send(roomId, 'Toujours là ? La visite des personnes est-elle possible pour les agents des douanes ?');
    await user.waitForMessage(roomId, kit.BOT_USER_ID, (event) => isAnswer(event) && newerThan(roomId, since)(event), 15_000);
  });

  it('sends to a stored conversation reference', async () => {
    const [reference] = (await bot.app.state.listReferences({ channel: 'matrix', directOnly: true })).filter((entry) => entry.userId === user.userId);
    assert.ok(reference, 'the direct chat was stored');
    const since = fake.state.pos;
    const eventId = await bot.adapter.send({ key: reference.key, reference: reference.reference }, kit.notice('Rappel : la base documentaire a été mise à jour.'));
    const received = await user.waitForMessage(roomId, kit.BOT_USER_ID, (event) => event.eventId === eventId && newerThan(roomId, since)(event), 10_000);
    assert.equal(received.latest.msgtype, 'm.notice');
    assert.ok(received.encrypted);
  });

  it('sends once per idempotency key, even again after a restart', async () => {
    const [reference] = (await bot.app.state.listReferences({ channel: 'matrix', directOnly: true })).filter((entry) => entry.userId === user.userId);
    const address = { key: reference!.key, reference: reference!.reference };
    const since = fake.state.pos;
    const first = await bot.adapter.send(address, kit.notice('Annonce n° 7 : ouverture du guichet.'), { idempotencyKey: 'announcement-7:agent' });
    const again = await bot.adapter.send(address, kit.notice('Annonce n° 7 : ouverture du guichet.'), { idempotencyKey: 'announcement-7:agent' });
    await bot.restart();
    const afterRestart = await bot.adapter.send(address, kit.notice('Annonce n° 7 : ouverture du guichet.'), { idempotencyKey: 'announcement-7:agent' });
    assert.equal(again, first);
    assert.equal(afterRestart, first);
    const stored = fake.state.room(roomId).timeline.filter((item) => item.pos > since && item.event.sender === kit.BOT_USER_ID && item.event.type === 'm.room.encrypted');
    assert.equal(new Set(stored.map((item) => item.event.event_id)).size, 1, 'one event on the homeserver');
  });

  it('a send while the connection is down, or to a room not yet synced, is retryable (never a final failure)', async () => {
    const [reference] = (await bot.app.state.listReferences({ channel: 'matrix', directOnly: true })).filter((entry) => entry.userId === user.userId);
    const unknownRoom = { key: 'matrix:!pas-encore:test.local', reference: { roomId: '!pas-encore:test.local', isDirect: true } };
    await assert.rejects(bot.adapter.send(unknownRoom, kit.notice('x')), (error: { code?: string; retryable?: boolean }) => error.code === 'CHANNEL_UNAVAILABLE' && error.retryable === true);
    await bot.adapter.stop();
    try {
      await assert.rejects(bot.adapter.send({ key: reference!.key, reference: reference!.reference }, kit.notice('x')), (error: { code?: string }) => error.code === 'CHANNEL_UNAVAILABLE');
    } finally {
      await bot.restart();
    }
  });

  it('opens an encrypted direct chat for an announcement, readable once the user joins', async () => {
    const newcomer = await kit.MatrixUser.start(fake, '@nouvel-agent:test.local');
    try {
      const address = await bot.adapter.directRoomFor(newcomer.userId);
      const { roomId: dm } = address.reference as { roomId: string };
      const eventId = await bot.adapter.send(address, kit.notice('Annonce : nouvelle version du code des douanes.'));
      assert.deepEqual(await bot.adapter.directRoomFor(newcomer.userId), address, 'the direct chat is reused');
      await newcomer.waitForMembership(dm, newcomer.userId, 'invite');
      const invite = fake.state.stateEvent(fake.state.room(dm), 'm.room.member', newcomer.userId)!;
      assert.equal(invite.content.is_direct, true);
      assert.ok(fake.state.stateEvent(fake.state.room(dm), 'm.room.encryption'), 'the room is encrypted');
      await newcomer.join(dm);
      const announcement = await newcomer.waitForMessage(dm, kit.BOT_USER_ID, (event) => event.eventId === eventId && !event.decryptionFailure, 10_000);
      assert.match(String(announcement.latest.body), /nouvelle version/);
    } finally {
      newcomer.stop();
    }
  });
});
