import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { mapEvent, type MappedEvent, type MappingContext, type RawMatrixEvent } from '../../../adapters/matrix/event-mapper.ts';

/** Events recorded from real matrix-js-sdk clients through the fake homeserver (clear content after decryption). */
const recorded = JSON.parse(readFileSync(new URL('./fixtures/recorded-events.json', import.meta.url), 'utf8')) as {
  room: string;
  bot: string;
  events: Record<string, RawMatrixEvent & { event_id: string; origin_server_ts: number; content: Record<string, unknown> }>;
};
const events = recorded.events;
const BOT = { userId: recorded.bot, displayName: 'Passerelle' };

function context(event: RawMatrixEvent, overrides: Partial<MappingContext> = {}): MappingContext {
  return {
    bot: BOT,
    roomId: recorded.room,
    isDirect: false,
    botInThread: false,
    receivedAt: new Date((event.origin_server_ts as number) + 1_000).toISOString(),
    maxAgeMs: 3 * 24 * 3_600_000,
    ...overrides,
  };
}

function message(mapped: MappedEvent) {
  assert.equal(mapped.kind, 'message', JSON.stringify(mapped));
  return (mapped as Extract<MappedEvent, { kind: 'message' }>);
}

const event = (name: string, patch: Partial<RawMatrixEvent> = {}): RawMatrixEvent => ({ ...structuredClone(events[name]!), ...patch });
const unredacted = (name: string): RawMatrixEvent => event(name, { unsigned: {} });

describe('matrix: event mapper (recorded payloads)', () => {
  it('addresses every message of a direct chat, with the event id as message id', () => {
    const { message: incoming, reference } = message(mapEvent(unredacted('plain'), context(events.plain!, { isDirect: true })));
    assert.equal(incoming.id, events.plain!.event_id);
    assert.equal(incoming.channel, 'matrix');
    assert.equal(incoming.addressedToBot, true);
    assert.equal(incoming.isDirect, true);
    assert.equal(incoming.text, 'On en parle à la pause ?');
    assert.deepEqual(incoming.conversation, { key: `matrix:${recorded.room}`, reference: { roomId: recorded.room, isDirect: true, replyToEventId: events.plain!.event_id } });
    assert.equal(reference.threadRootId, undefined);
  });

  it('addresses a room message only when m.mentions names the bot, and answers in a thread on it', () => {
    const mapped = message(mapEvent(event('mention'), context(events.mention!)));
    assert.equal(mapped.message.addressedToBot, true);
    assert.equal(mapped.message.text, 'les agents peuvent-ils visiter les marchandises ?');
    assert.equal(mapped.message.conversation.key, `matrix:${recorded.room}:${events.mention!.event_id}`);
    assert.equal(mapped.reference.threadRootId, events.mention!.event_id);
    assert.equal(message(mapEvent(unredacted('plain'), context(events.plain!))).message.addressedToBot, false);
  });

  it('names the room of a thread (settings key) and makes moderators of power level 50 and more, and the user of a direct chat', () => {
    const mapped = message(mapEvent(event('mention'), context(events.mention!, { senderPowerLevel: 50 })));
    assert.equal(mapped.message.roomKey, `matrix:${recorded.room}`);
    assert.equal(mapped.message.senderIsModerator, true);
    assert.equal(message(mapEvent(event('mention'), context(events.mention!, { senderPowerLevel: 49 }))).message.senderIsModerator, undefined);
    assert.equal(message(mapEvent(event('mention'), context(events.mention!))).message.senderIsModerator, undefined);
    assert.equal(message(mapEvent(unredacted('plain'), context(events.plain!, { isDirect: true }))).message.senderIsModerator, true);
  });

  it('does not fall back to the body when m.mentions is present, even empty', () => {
    const mentioned = event('mention');
    (mentioned.content as Record<string, unknown>)['m.mentions'] = {};
    assert.equal(message(mapEvent(mentioned, context(events.mention!))).message.addressedToBot, false);
    (mentioned.content as Record<string, unknown>)['m.mentions'] = { room: true };
    assert.equal(message(mapEvent(mentioned, context(events.mention!))).message.addressedToBot, false, '@room is not a mention of the bot');
  });

  it('falls back to the user id or a leading display name when m.mentions is absent', () => {
    const legacy = message(mapEvent(event('legacyMention'), context(events.legacyMention!)));
    assert.equal(legacy.message.addressedToBot, true);
    assert.equal(legacy.message.text, 'quels documents peuvent être exigés ?');
    const byName = event('legacyMention');
    (byName.content as Record<string, unknown>).body = 'passerelle, la visite est-elle possible ?';
    assert.equal(message(mapEvent(byName, context(events.legacyMention!))).message.text, 'la visite est-elle possible ?');
    (byName.content as Record<string, unknown>).body = 'Le contrôle a lieu à la passerelle du navire.';
    assert.equal(message(mapEvent(byName, context(events.legacyMention!))).message.addressedToBot, false, 'an ordinary word in the sentence');
  });

  it('addresses a reply to the bot and strips the reply fallback', () => {
    const reply = event('reply');
    const toBot = message(mapEvent(reply, context(reply, { repliedToSender: BOT.userId })));
    assert.equal(toBot.message.addressedToBot, true);
    assert.equal(toBot.message.text, 'Et pour les personnes ?');
    assert.equal(toBot.message.replyToId, events.answer!.event_id);
    assert.equal(toBot.reference.threadRootId, reply.event_id, 'new thread on the reply');
    assert.equal(message(mapEvent(reply, context(reply, { repliedToSender: '@collegue:test.local' }))).message.addressedToBot, false);
  });

  it('addresses a thread the bot answered in; the thread fallback reply is not a reply', () => {
    const thread = event('thread');
    const root = (thread.content as { 'm.relates_to': { event_id: string } })['m.relates_to'].event_id;
    const inThread = message(mapEvent(thread, context(thread, { botInThread: true })));
    assert.equal(inThread.message.addressedToBot, true);
    assert.equal(inThread.message.threadId, root);
    assert.equal(inThread.message.replyToId, undefined, 'is_falling_back: only a fallback');
    assert.equal(inThread.message.conversation.key, `matrix:${recorded.room}:${root}`);
    assert.equal(message(mapEvent(thread, context(thread, { repliedToSender: BOT.userId }))).message.addressedToBot, false, 'fallback reply to the bot does not count');
  });

  it('maps 👍 / 👎 reactions (any skin tone or variation selector) and ignores other keys', () => {
    const reaction = event('reaction');
    assert.deepEqual(mapEvent(reaction, context(reaction)), { kind: 'reaction', eventId: reaction.event_id, targetEventId: events.answer!.event_id, userId: '@agent:test.local', rating: 1 });
    for (const [key, rating] of [['👎🏿', -1], ['👍', 1], [':thumbsdown:', -1]] as const) {
      (reaction.content as { 'm.relates_to': { key: string } })['m.relates_to'].key = key;
      assert.equal((mapEvent(reaction, context(reaction)) as { rating?: number }).rating, rating);
    }
    (reaction.content as { 'm.relates_to': { key: string } })['m.relates_to'].key = '🎉';
    assert.deepEqual(mapEvent(reaction, context(reaction)), { kind: 'ignored', reason: 'not-a-rating' });
  });

  it('maps a redaction (a reaction removed) to the event it removes', () => {
    const redaction = event('redaction');
    assert.deepEqual(mapEvent(redaction, context(events.redaction!, { isDirect: true })), { kind: 'redaction', redactedEventId: redaction.redacts ?? (redaction.content as { redacts: string }).redacts, userId: redaction.sender });
  });

  it('ignores own messages, notices, edits and redacted events', () => {
    assert.deepEqual(mapEvent(event('answer'), context(events.answer!, { isDirect: true })), { kind: 'ignored', reason: 'own-event' });
    assert.deepEqual(mapEvent(event('notice'), context(events.notice!, { isDirect: true })), { kind: 'ignored', reason: 'notice' });
    assert.deepEqual(mapEvent(event('edit'), context(events.edit!, { isDirect: true })), { kind: 'ignored', reason: 'edit' });
    assert.deepEqual(mapEvent(event('plain'), context(events.plain!, { isDirect: true })), { kind: 'ignored', reason: 'redacted' });
  });

  it('turns a file into an attachment', () => {
    const file = message(mapEvent(event('file'), context(events.file!, { isDirect: true })));
    assert.equal(file.message.text, '');
    assert.deepEqual(file.message.attachments, [{ name: 'procedure.pdf', contentType: 'application/pdf', size: 12345, locator: { url: 'mxc://test.local/abc' } }]);
  });

  it('ignores events older than the catch-up window', () => {
    const old = unredacted('plain');
    assert.deepEqual(mapEvent(old, context(old, { isDirect: true, receivedAt: new Date((old.origin_server_ts as number) + 4 * 24 * 3_600_000).toISOString() })), { kind: 'ignored', reason: 'too-old' });
  });

  it('never throws on malformed events', () => {
    const base = unredacted('plain');
    const broken: RawMatrixEvent[] = [
      {},
      { ...base, content: null },
      { ...base, content: ['x'] },
      { ...base, event_id: 42 },
      { ...base, content: { msgtype: 'm.text', body: 42 } },
      { ...base, content: { msgtype: 'm.text', body: 'x', 'm.relates_to': 'garbage', 'm.mentions': 'nope' } },
      { ...base, content: { msgtype: 'm.text', body: 'x', 'm.relates_to': { rel_type: 'm.thread', event_id: 12, 'm.in_reply_to': 'x' } } },
      { ...base, type: 'm.reaction', content: { 'm.relates_to': { rel_type: 'm.annotation', event_id: 5, key: null } } },
      { ...base, type: 'org.example.unknown' },
      { ...base, content: { msgtype: 'm.location', body: 'geo' } },
    ];
    for (const raw of broken) assert.doesNotThrow(() => mapEvent(raw, context(base, { isDirect: true })));
    assert.deepEqual(mapEvent(broken[4]!, context(base, { isDirect: true })), { kind: 'ignored', reason: 'malformed' });
    const garbageRelation = message(mapEvent(broken[5]!, context(base, { isDirect: true })));
    assert.equal(garbageRelation.message.text, 'x');
  });

  it('uses formatted_body as text when there is no body, reply fallback removed', () => {
    const html = unredacted('plain');
    html.content = { msgtype: 'm.text', format: 'org.matrix.custom.html', formatted_body: '<mx-reply><blockquote>cité</blockquote></mx-reply><p>Visite &amp; contrôle<br>des <b>marchandises</b></p>' };
    assert.equal(message(mapEvent(html, context(html, { isDirect: true }))).message.text, 'Visite & contrôle\ndes marchandises');
  });

  it('caps huge bodies', () => {
    const huge = unredacted('plain');
    huge.content = { msgtype: 'm.text', body: 'a'.repeat(1_000_000) };
    assert.equal(message(mapEvent(huge, context(huge, { isDirect: true }))).message.text.length, 100_000);
  });
});
