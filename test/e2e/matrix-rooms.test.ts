import assert from 'node:assert/strict';
import type { FakeHomeserver } from '../fakes/homeserver/index.ts';
import type { MatrixUser, SeenEvent } from '../fakes/homeserver/matrix-user.ts';
import type { MatrixBot } from '../fakes/homeserver/passerelle-bot.ts';
import { loadTestKit, type TestKit } from '../fakes/homeserver/test-kit.ts';

type Relation = { rel_type?: string; event_id?: string; is_falling_back?: boolean; 'm.in_reply_to'?: { event_id?: string } };

/** Rooms: invites, addressing (mentions, replies, threads), answers in threads, reactions, leaving. */
describe('matrix e2e: rooms, threads and feedback', function () {
  this.timeout(20_000);
  let kit: TestKit;
  let fake: FakeHomeserver;
  let bot: MatrixBot;
  let agent: MatrixUser;
  let colleague: MatrixUser;
  let roomId: string;
  let answerId: string;
  let threadRoot: string;

  const relationOf = (event: SeenEvent): Relation => (event.content['m.relates_to'] ?? {}) as Relation;
  const posOf = (eventId: string): number => fake.state.room(roomId).timeline.find((item) => item.event.event_id === eventId)!.pos;
  const botAnswersSince = (since: number): SeenEvent[] => agent.eventsFrom(roomId, kit.BOT_USER_ID).filter((event) => posOf(event.eventId) > since && String(event.latest.body ?? '').includes('Sources :'));
  const mention = { 'm.mentions': { user_ids: ['@passerelle:test.local'] } };
  const isAnswer = (event: SeenEvent): boolean => String(event.latest.body ?? '').includes('Sources :');
  /** The bot's answer to a question: in a thread, with the question as reply fallback. */
  const answerTo = (questionId: string): Promise<SeenEvent> => agent.waitForMessage(roomId, kit.BOT_USER_ID, (event) => isAnswer(event) && relationOf(event)['m.in_reply_to']?.event_id === questionId, 15_000);

  before(async function () {
    this.timeout(120_000);
    kit = await loadTestKit();
    fake = await kit.startFakeHomeserver();
    bot = await kit.startMatrixBot(fake);
    agent = await kit.MatrixUser.start(fake, '@agent:test.local');
    colleague = await kit.MatrixUser.start(fake, '@collegue:test.local');
    roomId = await agent.createGroupRoom('Brigade de surveillance', [kit.BOT_USER_ID, colleague.userId]);
    await colleague.join(roomId);
    await agent.waitForMembership(roomId, kit.BOT_USER_ID, 'join');
  });

  after(async () => {
    agent?.stop();
    colleague?.stop();
    await bot?.close();
    await fake?.close();
  });

  it('rejects an invite from a stranger', async () => {
    const stranger = await kit.MatrixUser.start(fake, '@mallory:evil.example');
    try {
      const dm = await stranger.createDirectChat(kit.BOT_USER_ID, { expect: 'leave' });
      assert.equal(fake.state.membership(fake.state.room(dm), kit.BOT_USER_ID), 'leave');
      assert.equal(fake.state.room(dm).timeline.filter((item) => item.event.sender === kit.BOT_USER_ID && item.event.type !== 'm.room.member').length, 0);
    } finally {
      stranger.stop();
    }
  });

  it('answers in a room only when mentioned, inside a thread on the question', async () => {
    const since = fake.state.pos;
    await agent.send(roomId, 'Les agents des douanes peuvent-ils procéder à la visite des marchandises ?', { 'm.mentions': {} });
    await agent.send(roomId, 'Passerelle : la visite des moyens de transport est-elle possible ?', { 'm.mentions': {} });
    const questionId = await agent.send(roomId, kit.QUESTION, mention);
    const answer = await answerTo(questionId);
    assert.equal(botAnswersSince(since).length, 1, 'the messages without a mention got no answer');
    assert.deepEqual(relationOf(answer), { rel_type: 'm.thread', event_id: questionId, is_falling_back: true, 'm.in_reply_to': { event_id: questionId } });
    assert.deepEqual(answer.latest['m.mentions'], {}, 'the answer pings nobody');
    answerId = answer.eventId;
    threadRoot = questionId;
  });

  it('falls back to the display name in the body when the client sends no m.mentions', async () => {
    const since = fake.state.pos;
    const questionId = await agent.send(roomId, 'Passerelle : quels documents les agents des douanes peuvent-ils exiger ?');
    const answer = await answerTo(questionId);
    assert.ok(posOf(answer.eventId) > since);
    assert.match(String(answer.latest.body), /art\. 65/);
  });

  it('follows the thread it answered in without a new mention', async () => {
    const followUp = await colleague.send(roomId, 'Et la visite des personnes ?', { 'm.relates_to': { rel_type: 'm.thread', event_id: threadRoot, is_falling_back: true, 'm.in_reply_to': { event_id: answerId } } });
    const answer = await answerTo(followUp);
    assert.deepEqual(relationOf(answer), { rel_type: 'm.thread', event_id: threadRoot, is_falling_back: true, 'm.in_reply_to': { event_id: followUp } });
  });

  it('answers a reply to one of its messages, and ignores replies to others', async () => {
    const since = fake.state.pos;
    const other = await colleague.send(roomId, 'Je pense que oui.', { 'm.mentions': {} });
    await agent.send(roomId, '> <@collegue:test.local> Je pense que oui.\n\nLa visite des marchandises est-elle permise aux agents des douanes ?', { 'm.mentions': {}, 'm.relates_to': { 'm.in_reply_to': { event_id: other } } });
    const replyId = await agent.send(roomId, '> <@passerelle:test.local> Le texte le plus pertinent…\n\nEt pour les moyens de transport des agents des douanes ?', { 'm.mentions': {}, 'm.relates_to': { 'm.in_reply_to': { event_id: answerId } } });
    const answer = await answerTo(replyId);
    assert.equal(relationOf(answer).event_id, replyId, 'answered in a thread on the reply');
    assert.equal(botAnswersSince(since).length, 1, 'the reply to the colleague got no answer');
  });

  it('stores 👍 / 👎 reactions on its answers as feedback', async () => {
    await agent.react(roomId, answerId, '👍️');
    await colleague.react(roomId, answerId, '👎🏽');
    await colleague.react(roomId, answerId, '🎉');
    let feedback: Awaited<ReturnType<typeof bot.app.state.listFeedback>> = [];
    for (let attempt = 0; attempt < 100 && feedback.length < 2; attempt += 1) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      feedback = await bot.app.state.listFeedback(10);
    }
    assert.deepEqual(feedback.map((entry) => [entry.messageId, entry.rating]).sort((a, b) => Number(a[1]) - Number(b[1])), [[answerId, -1], [answerId, 1]]);
    assert.ok(feedback.every((entry) => entry.channel === 'matrix' && entry.question && !entry.userHash.includes('agent')));
  });

  it('removing a 👍/👎 reaction removes the rating; the rating of another user stays', async () => {
    const before = (await bot.app.state.listFeedback(10)).filter((entry) => entry.messageId === answerId && entry.rating === 1).length;
    const reaction = await agent.react(roomId, answerId, '👍');
    for (let attempt = 0; attempt < 100 && (await bot.app.state.listFeedback(10)).filter((entry) => entry.messageId === answerId && entry.rating === 1).length === before; attempt += 1) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await agent.client.redactEvent(roomId, reaction);
    let ratings: number[] = [];
    for (let attempt = 0; attempt < 100; attempt += 1) {
      ratings = (await bot.app.state.listFeedback(10)).filter((entry) => entry.messageId === answerId).map((entry) => entry.rating);
      if (!ratings.includes(1)) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    assert.deepEqual(ratings, [-1], 'the agent’s 👍 is gone; the colleague’s 👎 stays');
  });

  it('called into an existing thread: answers there, with the thread’s earlier messages as context', async () => {
    const rootId = await colleague.send(roomId, 'Les agents des douanes peuvent-ils exiger la communication des papiers et documents ?', { 'm.mentions': {} });
    const inThread = (extra: Record<string, unknown> = {}) => ({ 'm.relates_to': { rel_type: 'm.thread', event_id: rootId, is_falling_back: true, 'm.in_reply_to': { event_id: rootId } }, ...extra });
    await agent.send(roomId, 'Bonne question, à partir de quel grade ?', inThread({ 'm.mentions': {} }));
    const callId = await agent.send(roomId, 'Passerelle tu peux répondre ?', inThread(mention));
    const answer = await answerTo(callId);
    assert.equal(relationOf(answer).rel_type, 'm.thread');
    assert.equal(relationOf(answer).event_id, rootId, 'answered inside the existing thread');
    assert.match(String(answer.latest.body), /art\. 65/);
  });

  it('room settings: only a moderator (power level ≥ 50) changes them; « mention non » answers every message', async () => {
    const bodyOf = (event: SeenEvent) => String(event.latest.body ?? '');
    const refusedId = await colleague.send(roomId, 'Passerelle : paramètres mention non', mention);
    await agent.waitForMessage(roomId, kit.BOT_USER_ID, (event) => relationOf(event)['m.in_reply_to']?.event_id === refusedId && bodyOf(event).includes('Seuls les modérateurs'), 15_000);
    const savedId = await agent.send(roomId, 'Passerelle : paramètres mention non', mention);
    await agent.waitForMessage(roomId, kit.BOT_USER_ID, (event) => relationOf(event)['m.in_reply_to']?.event_id === savedId && /C’est noté[\s\S]*à chaque message/.test(bodyOf(event)), 15_000);
    const questionId = await colleague.send(roomId, 'Quels documents les agents des douanes peuvent-ils exiger ?', { 'm.mentions': {} });
    await answerTo(questionId);
    const restoredId = await agent.send(roomId, 'Passerelle : paramètres mention oui', mention);
    await agent.waitForMessage(roomId, kit.BOT_USER_ID, (event) => relationOf(event)['m.in_reply_to']?.event_id === restoredId && bodyOf(event).includes('C’est noté'), 15_000);
  });

  it('leaves a room once it is the last member', async () => {
    await colleague.leave(roomId);
    await agent.leave(roomId);
    const room = fake.state.room(roomId);
    for (let attempt = 0; attempt < 100 && fake.state.membership(room, kit.BOT_USER_ID) === 'join'; attempt += 1) await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(fake.state.membership(room, kit.BOT_USER_ID), 'leave');
    const inRoom = async () => (await bot.app.state.listReferences({ channel: 'matrix' })).filter((reference) => reference.key.startsWith(`matrix:${roomId}`));
    for (let attempt = 0; attempt < 100 && (await inRoom()).some((reference) => reference.active); attempt += 1) await new Promise((resolve) => setTimeout(resolve, 50));
    const references = await inRoom();
    assert.ok(references.length > 0 && references.every((reference) => !reference.active && reference.inactiveReason === 'last-member'), 'its conversations there are marked inactive');
  });
});
