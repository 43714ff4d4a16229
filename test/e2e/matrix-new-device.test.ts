import assert from 'node:assert/strict';
import type { FakeHomeserver } from '../fakes/homeserver/index.ts';
import type { MatrixUser, SeenEvent } from '../fakes/homeserver/matrix-user.ts';
import type { MatrixBot } from '../fakes/homeserver/passerelle-bot.ts';
import { loadTestKit, type TestKit } from '../fakes/homeserver/test-kit.ts';

/** A new device of the bot's account (new data directory, new login) does not answer history again. */
describe('matrix e2e: a new device of the bot’s account', function () {
  this.timeout(60_000);
  let kit: TestKit;
  let fake: FakeHomeserver;
  let bot: MatrixBot | undefined;
  let agent: MatrixUser;

  const isAnswer = (event: SeenEvent): boolean => String(event.latest.body ?? '').includes('Sources :');

  before(async function () {
    this.timeout(120_000);
    kit = await loadTestKit();
    fake = await kit.startFakeHomeserver();
  });
  after(async () => {
    agent?.stop();
    await bot?.close();
    await fake?.close();
  });

  it('does not answer again a question the previous device answered a minute earlier', async () => {
    bot = await kit.startMatrixBot(fake);
    const firstDevice = bot.adapter.deviceId;
    agent = await kit.MatrixUser.start(fake, '@agent:test.local');
    const roomId = await agent.createDirectChat(kit.BOT_USER_ID, { encrypted: false });
    await agent.send(roomId, kit.QUESTION);
    await agent.waitForMessage(roomId, kit.BOT_USER_ID, isAnswer, 20_000);
    await bot.close();

    // The operator starts over with an empty data directory: a password login creates a new device.
    bot = await kit.startMatrixBot(fake);
    assert.notEqual(bot.adapter.deviceId, firstDevice);
    await agent.send(roomId, 'aide');
    await agent.waitForMessage(roomId, kit.BOT_USER_ID, (event) => String(event.latest.body ?? '').includes('Passerelle — aide'), 20_000);
    // Events are handled in room order: had the question been taken up again, its answer would be there now.
    assert.equal(agent.eventsFrom(roomId, kit.BOT_USER_ID).filter(isAnswer).length, 1, 'the question is answered once');
  });
});
