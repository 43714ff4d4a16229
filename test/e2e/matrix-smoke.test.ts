import assert from 'node:assert/strict';
import { startFakeHomeserver, type FakeHomeserver } from '../fakes/homeserver/index.ts';
import { MatrixUser } from '../fakes/homeserver/matrix-user.ts';
import { BOT_USER_ID, QUESTION, startMatrixBot, type MatrixBot } from '../fakes/homeserver/passerelle-bot.ts';

describe('matrix smoke', function () {
  this.timeout(20_000);
  let fake: FakeHomeserver;
  let bot: MatrixBot;
  let user: MatrixUser;
  before(async () => {
    fake = await startFakeHomeserver();
    bot = await startMatrixBot(fake);
    user = await MatrixUser.start(fake, '@agent:test.local');
  });
  after(async () => {
    user?.stop();
    await bot?.close();
    await fake?.close();
    console.log('unknown', fake.unknown);
  });
  it('answers an encrypted DM', async () => {
    const t0 = Date.now();
    const roomId = await user.createDirectChat(BOT_USER_ID);
    console.log('joined', Date.now() - t0);
    await user.send(roomId, QUESTION);
    const answer = await user.waitForMessage(roomId, BOT_USER_ID, (e) => String(e.latest.body ?? '').includes('Sources'), 15_000);
    console.log('answered', Date.now() - t0, answer.encrypted, answer.latest.body);
    assert.ok(answer.encrypted);
  });
});
