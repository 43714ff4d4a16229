import assert from 'node:assert/strict';
import type { FakeHomeserver, RecordedRequest } from '../fakes/homeserver/index.ts';
import type { MatrixUser, SeenEvent } from '../fakes/homeserver/matrix-user.ts';
import type { MatrixBot } from '../fakes/homeserver/passerelle-bot.ts';
import { loadTestKit, type TestKit } from '../fakes/homeserver/test-kit.ts';

/**
 * Messages the bot cannot decrypt, with real clients on both sides: the agent's device withholds its room
 * keys (the fake homeserver holds every to-device message from the agent to the bot), shares them later or
 * never. The bot tells the sender once, looks the key up in its key backup (the SDK's own request), answers
 * as soon as the key arrives (once), and counts failed and recovered events.
 */
describe('matrix e2e: undecryptable messages (a sender device withholds its keys)', function () {
  this.timeout(60_000);
  let kit: TestKit;
  let fake: FakeHomeserver;
  let bot: MatrixBot;
  const users: MatrixUser[] = [];

  const isAnswer = (event: SeenEvent): boolean => String(event.latest.body ?? '').includes('Sources :');
  const isNotice = (event: SeenEvent): boolean => String(event.latest.body ?? '').includes('pas pu déchiffrer');
  const backupLookups = (roomId: string): RecordedRequest[] =>
    fake.requests.filter((request) => request.method === 'GET' && request.userId === kit.BOT_USER_ID && request.path.startsWith(`/room_keys/keys/${encodeURIComponent(roomId)}/`));
  const count = async (state: 'failed' | 'recovered'): Promise<number> => {
    const value = (await kit.metrics.undecryptable.get()).values.find((sample) => sample.labels.channel === 'matrix' && sample.labels.state === state);
    return value?.value ?? 0;
  };
  const waitUntil = async (condition: () => Promise<boolean> | boolean, what: string, timeoutMs = 20_000): Promise<void> => {
    const deadline = Date.now() + timeoutMs;
    while (!(await condition())) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };

  before(async function () {
    this.timeout(120_000);
    kit = await loadTestKit();
    fake = await kit.startFakeHomeserver();
    bot = await kit.startMatrixBot(fake);
  });

  after(async () => {
    for (const user of users) user.stop();
    await bot?.close();
    await fake?.close();
  });

  it('tells the sender once, looks the key up, and answers once the key arrives late', async () => {
    const agent = await kit.MatrixUser.start(fake, '@late:test.local');
    users.push(agent);
    const roomId = await agent.createDirectChat(kit.BOT_USER_ID);
    const failedBefore = await count('failed');
    const recoveredBefore = await count('recovered');
    fake.state.holdToDevice(agent.userId, kit.BOT_USER_ID);
    const questionId = await agent.send(roomId, kit.QUESTION);

    const notice = await agent.waitForMessage(roomId, kit.BOT_USER_ID, isNotice, 20_000);
    assert.match(String(notice.latest.body), /vérifiez votre session/);
    assert.match(String(notice.latest.body), /renvoyez/);
    assert.equal(agent.eventsFrom(roomId, kit.BOT_USER_ID).filter(isAnswer).length, 0, 'not answered without the key');
    const sessionId = String((fake.state.room(roomId).timeline.find((item) => item.event.event_id === questionId)!.event.content as Record<string, unknown>).session_id);
    await waitUntil(() => backupLookups(roomId).some((request) => request.path.endsWith(`/${encodeURIComponent(sessionId)}`)), 'the key looked up in the bot’s key backup');
    await waitUntil(async () => (await count('failed')) === failedBefore + 1, 'the failure counted');

    // The sender's device now shares its key: the bot answers the question it could not read.
    assert.ok(fake.state.releaseToDevice(agent.userId, kit.BOT_USER_ID) > 0, 'the room key had been withheld');
    const answer = await agent.waitForMessage(roomId, kit.BOT_USER_ID, isAnswer, 30_000);
    assert.ok(answer.encrypted && !answer.decryptionFailure);
    await waitUntil(async () => (await count('recovered')) === recoveredBefore + 1, 'the recovery counted');

    // Barrier: a later question is answered after the first (one room, in order); nothing is answered twice.
    await agent.send(roomId, 'aide');
    await agent.waitForMessage(roomId, kit.BOT_USER_ID, (event) => String(event.latest.body ?? '').includes('Passerelle — aide'), 20_000);
    assert.equal(agent.eventsFrom(roomId, kit.BOT_USER_ID).filter(isAnswer).length, 1, 'the question is answered exactly once');
    assert.equal(agent.eventsFrom(roomId, kit.BOT_USER_ID).filter(isNotice).length, 1, 'one notice');
    assert.equal(await count('failed'), failedBefore + 1);
  });

  it('a device that never shares its keys: a burst (even over two sessions) gets one notice, every event is counted', async () => {
    const agent = await kit.MatrixUser.start(fake, '@never:test.local');
    users.push(agent);
    const roomId = await agent.createDirectChat(kit.BOT_USER_ID);
    const failedBefore = await count('failed');
    const recoveredBefore = await count('recovered');
    fake.state.holdToDevice(agent.userId, kit.BOT_USER_ID);
    await agent.send(roomId, 'Première question illisible ?');
    await agent.send(roomId, 'Deuxième question illisible ?');
    // The device starts a new Megolm session: same sender, same device, still one notice.
    await agent.client.getCrypto()!.forceDiscardSession(roomId);
    await agent.send(roomId, 'Troisième question illisible ?');
    const sessions = new Set(fake.state.room(roomId).timeline.filter((item) => item.event.type === 'm.room.encrypted' && item.event.sender === agent.userId).map((item) => (item.event.content as Record<string, unknown>).session_id));
    assert.equal(sessions.size, 2, 'two Megolm sessions');

    await agent.waitForMessage(roomId, kit.BOT_USER_ID, isNotice, 20_000);
    await waitUntil(async () => (await count('failed')) === failedBefore + 3, 'three failures counted');
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    assert.equal(agent.eventsFrom(roomId, kit.BOT_USER_ID).filter(isNotice).length, 1, 'told once for the burst');
    assert.equal(await count('recovered'), recoveredBefore, 'nothing recovered');
    assert.equal(agent.eventsFrom(roomId, kit.BOT_USER_ID).filter(isAnswer).length, 0);
  });
});
