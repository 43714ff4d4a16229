import assert from 'node:assert/strict';
import sinon from 'sinon';
import { ERROR_CATALOGUE } from '../../../bots/errors.ts';
import * as say from '../../../bots/user-messages.ts';
import { answerOf, message, startHarness, type Harness } from './harness.ts';

const QUESTION = 'Quels sont les pouvoirs de visite des agents des douanes ?';
const ROOM = { isDirect: false, addressedToBot: false, conversation: { key: 'teams:room-1', reference: { id: 'room-1' } } };

describe('bot pipeline through the whole bot (real SQLite state, real embedded store)', function () {
  this.timeout(30_000);
  let harness: Harness;
  before(async () => {
    harness = await startHarness({
      env: { PASSERELLE_RATE_LIMIT_PER_MINUTE: '4' },
      overrides: { access: { allow: ['*@douane.finances.gouv.fr'] } },
    });
  });
  after(async () => harness.close());

  const texts = (replies: Array<{ text: string }>) => replies.map((reply) => reply.text);
  let user = 0;
  const newUser = () => ({ id: `agent-${++user}@douane.finances.gouv.fr` });

  it('runs the stages in the documented order', () => {
    const pipeline = (harness.app.bot as unknown as { pipeline: { names: string[] } }).pipeline;
    assert.deepEqual(pipeline.names, ['dedupe', 'access', 'addressed', 'rate-limit', 'thread-context', 'input-guard', 'ai-notice', 'learning-roster', 'dispatch']);
  });

  it('answers a message delivered twice only once', async () => {
    const sender = newUser();
    const incoming = message(QUESTION, { sender });
    await harness.app.bot.handle(incoming);
    const count = harness.channel.sent.length;
    await harness.app.bot.handle({ ...incoming });
    assert.equal(harness.channel.sent.length, count);
    assert.equal(harness.channel.sent.filter((entry) => entry.reply.kind === 'answer').length >= 1, true);
  });

  it('refuses a sender outside the allowed patterns, but only when addressed', async () => {
    const intruder = { id: 'intrus@example.com' };
    assert.deepEqual(texts(await harness.say(QUESTION, { sender: intruder })), [say.ACCESS_DENIED]);
    assert.deepEqual(await harness.say(QUESTION, { sender: intruder, ...ROOM }), []);
    assert.deepEqual(await harness.say(QUESTION, { sender: intruder, ...ROOM, addressedToBot: true }).then(texts), [say.ACCESS_DENIED]);
  });

  it('stays silent in a room when not addressed, and answers when mentioned', async () => {
    const sender = newUser();
    assert.deepEqual(await harness.say(QUESTION, { sender, ...ROOM }), []);
    const replies = await harness.say(QUESTION, { sender, ...ROOM, addressedToBot: true });
    assert.equal(answerOf(replies).kind, 'answer');
  });

  it('commands do not count toward the rate limit', async () => {
    const sender = newUser();
    const all: string[][] = [];
    for (let i = 0; i < 6; i++) all.push(texts(await harness.say('aide', { sender })));
    assert.ok(all.every((replies) => replies.some((text) => text.includes('Passerelle — aide'))));
  });

  for (const [label, text, expected] of [
    ['an empty message', '', say.EMPTY_MESSAGE],
    ['only whitespace', '   \n\t ', say.EMPTY_MESSAGE],
    ['only emoji', '🙂👍', say.EMPTY_MESSAGE],
    ['100 KB of text', 'douane '.repeat(15_000), say.messageTooLong(105_000, 4_000)],
    ['binary junk with NULs', '\u0000\u0001\u0002PK\u0003\u0004\u0000\u0000\u0000\u0000\u0014\u0000', say.UNREADABLE_MESSAGE],
  ] as const) {
    it(`answers ${label} with a clear notice and nothing else`, async () => {
      const replies = await harness.say(text, { sender: newUser() });
      assert.deepEqual(texts(replies), [expected]);
    });
  }

  it('shows the AI notice exactly once per user, inside the first answer (after it, not as a message of its own)', async () => {
    const sender = newUser();
    const first = await harness.say(QUESTION, { sender });
    const second = await harness.say('Que dit l’article 414 ?', { sender });
    assert.deepEqual(first.map((reply) => reply.kind), ['answer']);
    assert.ok(first[0]!.text.endsWith(`\n\n${say.AI_NOTICE}`), first[0]!.text);
    assert.ok(first[0]!.text.length > say.AI_NOTICE.length + 20, 'the answer comes first');
    assert.ok(second.every((reply) => !reply.text.includes(say.AI_NOTICE)));
    const other = await harness.say('aide', { sender: newUser() });
    assert.equal(other.length, 1);
    assert.ok(other[0]!.text.endsWith(say.AI_NOTICE), 'a command’s reply carries it too');
  });

  it('contains a failing stage: French catalogue message, cause not leaked, bot still answering', async () => {
    const sender = newUser();
    await harness.say('aide', { sender });
    const stub = sinon.stub(harness.app.state, 'recordAudit').rejects(new Error('SQLITE_FULL: database or disk is full at /srv/secret/state.sqlite'));
    let replies;
    try {
      replies = await harness.say(QUESTION, { sender });
    } finally {
      stub.restore();
    }
    assert.deepEqual(replies.map((reply) => [reply.kind, reply.text]), [['error', ERROR_CATALOGUE.INTERNAL.userMessage]]);
    assert.ok(!JSON.stringify(replies).includes('SQLITE_FULL') && !JSON.stringify(replies).includes('/srv/secret'));
    assert.equal(answerOf(await harness.say(QUESTION, { sender })).kind, 'answer');
  });
});

describe('rate limit through the whole bot: questions over the limit are queued, then answered', function () {
  this.timeout(30_000);
  let harness: Harness;
  let now = Date.UTC(2026, 2, 2, 9, 0, 0);
  before(async () => {
    harness = await startHarness({ env: { PASSERELLE_RATE_LIMIT_PER_MINUTE: '2' }, botOverrides: { now: () => new Date(now) } });
    harness.app.startJobs();
  });
  after(async () => harness.close());

  it('the 3rd question in a minute is answered when allowed, the agent told once when; commands stay immediate', async () => {
    const sender = { id: 'pressé@douane.finances.gouv.fr' };
    const kinds = (replies: Array<{ kind: string }>) => replies.map((reply) => reply.kind);
    assert.ok(kinds(await harness.say(QUESTION, { sender })).includes('answer'));
    now += 1_000;
    assert.ok(kinds(await harness.say('Que dit l’article 414 ?', { sender })).includes('answer'));
    now += 1_000;
    const queued = await harness.say('Quelle est la durée du congé annuel ?', { sender });
    assert.deepEqual(queued.map((reply) => reply.text), [say.questionQueued(2, new Date(Date.UTC(2026, 2, 2, 9, 1, 0)), new Date(now))]);
    assert.match(queued[0]!.text, /vers 10 h 01/);
    assert.deepEqual(await harness.say('Et le congé de maternité ?', { sender }), [], 'told once per burst');
    const help = await harness.say('aide', { sender });
    assert.ok(help.some((reply) => reply.text.includes('Passerelle — aide')), 'commands do not wait');
    const before = harness.channel.sent.length;
    now = Date.UTC(2026, 2, 2, 9, 1, 0);
    assert.equal(await harness.app.rateLimit.releaseDue(), 1);
    now = Date.UTC(2026, 2, 2, 9, 1, 1);
    assert.equal(await harness.app.rateLimit.releaseDue(), 1, 'the next one a second later: never more than two in a minute');
    const later = harness.channel.sent.slice(before).map((entry) => entry.reply);
    assert.equal(later.filter((reply) => reply.kind === 'answer' || reply.kind === 'notice').length, 2, JSON.stringify(later.map((reply) => reply.text.slice(0, 60))));
    assert.ok(later.every((reply) => reply.kind !== 'error'));
  });
});
