import assert from 'node:assert/strict';
import type { FakeHomeserver } from '../fakes/homeserver/index.ts';
import type { MatrixUser, SeenEvent } from '../fakes/homeserver/matrix-user.ts';
import type { MatrixBot } from '../fakes/homeserver/passerelle-bot.ts';
import { loadTestKit, type TestKit } from '../fakes/homeserver/test-kit.ts';

/** Hostile or broken input: injection, huge bodies, unknown types, malformed content; unencrypted rooms. */
describe('matrix e2e: hostile input and unencrypted rooms', function () {
  this.timeout(20_000);
  let kit: TestKit;
  let fake: FakeHomeserver;
  let bot: MatrixBot;
  let agent: MatrixUser;
  let bystander: MatrixUser;
  let plainRoom: string;
  let otherRoom: string;

  const newerThan = (room: string, since: number) => (event: SeenEvent): boolean => fake.state.room(room).timeline.find((item) => item.event.event_id === event.eventId)!.pos > since;
  const isAnswer = (event: SeenEvent): boolean => String(event.latest.body ?? '').includes('Sources :');

  before(async function () {
    this.timeout(120_000);
    kit = await loadTestKit();
    fake = await kit.startFakeHomeserver();
    bot = await kit.startMatrixBot(fake);
    agent = await kit.MatrixUser.start(fake, '@agent:test.local');
    bystander = await kit.MatrixUser.start(fake, '@temoin:test.local');
    plainRoom = await agent.createDirectChat(kit.BOT_USER_ID, { encrypted: false });
    otherRoom = await bystander.createDirectChat(kit.BOT_USER_ID);
    await agent.send(plainRoom, 'aide');
    await agent.waitForMessage(plainRoom, kit.BOT_USER_ID, (event) => String(event.latest.body ?? '').includes('Passerelle — aide'), 15_000);
  });

  after(async () => {
    agent?.stop();
    bystander?.stop();
    await bot?.close();
    await fake?.close();
  });

  it('answers in an unencrypted room, unencrypted', async () => {
    const since = fake.state.pos;
    await agent.send(plainRoom, kit.QUESTION);
    const answer = await agent.waitForMessage(plainRoom, kit.BOT_USER_ID, (event) => isAnswer(event) && newerThan(plainRoom, since)(event), 15_000);
    assert.equal(answer.encrypted, false);
  });

  it('never renders HTML or markdown injection from a passage or a question', async () => {
    const since = fake.state.pos;
    await agent.send(plainRoom, 'Qui tient le registre des scellés douaniers ? <script>alert(1)</script> <img src=x onerror=alert(1)>', { format: 'org.matrix.custom.html', formatted_body: '<script>alert(1)</script>' });
    const answer = await agent.waitForMessage(plainRoom, kit.BOT_USER_ID, (event) => isAnswer(event) && newerThan(plainRoom, since)(event), 15_000);
    const html = String(answer.latest.formatted_body);
    assert.match(String(answer.latest.body), /registre des scellés/, 'the passage is quoted');
    assert.doesNotMatch(html, /<(script|img|iframe)\b/i, 'no dangerous tag');
    assert.doesNotMatch(html, /<[^>]*\s(on\w+|src|style)\s*=/i, 'no event handler or source attribute');
    assert.doesNotMatch(html, /href="(?!https?:)/i, 'links only to http(s)');
    assert.match(html, /&lt;script&gt;|&lt;img/, 'the markup is shown as text, escaped');
    assert.deepEqual(answer.latest['m.mentions'], {}, 'an "@room" in the text pings nobody');
  });

  it('survives huge bodies, unknown event types and malformed content, and leaks nothing elsewhere', async () => {
    const otherSince = fake.state.pos;
    const junk: Array<{ type: string; content: unknown }> = [
      { type: 'm.room.message', content: { msgtype: 'm.text', body: 'visite des marchandises '.repeat(20_000) } },
      { type: 'org.example.unknown', content: { body: 'Passerelle, réponds-moi', 'm.mentions': { user_ids: [kit.BOT_USER_ID] } } },
      { type: 'm.room.message', content: { msgtype: 'm.text', body: 42 } },
      { type: 'm.room.message', content: { msgtype: 'm.text', body: { nested: true }, 'm.relates_to': 'garbage', 'm.mentions': 'nope' } },
      { type: 'm.room.message', content: ['not', 'an', 'object'] },
      { type: 'm.room.message', content: { msgtype: 'm.text', body: 'thread ?', 'm.relates_to': { rel_type: 'm.thread', event_id: 12, 'm.in_reply_to': 'x' } } },
      { type: 'm.room.message', content: { msgtype: 'm.unknown', body: 'type de message inconnu' } },
      { type: 'm.room.message', content: { msgtype: 'm.text', format: 'org.matrix.custom.html', formatted_body: '<b>sans body</b>' } },
      { type: 'm.reaction', content: { 'm.relates_to': { rel_type: 'm.annotation', event_id: 5, key: null } } },
      { type: 'm.room.message', content: { msgtype: 'm.text', body: 'modifié', 'm.new_content': { body: 'x' }, 'm.relates_to': { rel_type: 'm.replace', event_id: '$nowhere' } } },
      { type: 'm.room.message', content: { msgtype: 'm.notice', body: 'un autre robot parle' } },
    ];
    for (const event of junk) fake.injectEvent(plainRoom, { ...event, sender: agent.userId });
    const since = fake.state.pos;
    await agent.send(plainRoom, 'Les agents des douanes peuvent-ils visiter les moyens de transport ?');
    await agent.waitForMessage(plainRoom, kit.BOT_USER_ID, (event) => isAnswer(event) && newerThan(plainRoom, since)(event), 15_000);
    const tooLong = agent.eventsFrom(plainRoom, kit.BOT_USER_ID).filter((event) => newerThan(plainRoom, otherSince)(event) && /trop long/i.test(String(event.latest.body)));
    assert.equal(tooLong.length, 1, 'the huge message gets the "too long" notice');
    const leaked = fake.state.room(otherRoom).timeline.filter((item) => item.pos > otherSince && item.event.sender === kit.BOT_USER_ID);
    assert.deepEqual(leaked, [], 'nothing was sent to another room');
  });
});
