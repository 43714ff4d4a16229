/**
 * Regenerates `test/unit/matrix/fixtures/recorded-events.json`: events sent by a real matrix-js-sdk client
 * (Rust crypto, encrypted room) through the fake homeserver, as another real client receives them once
 * decrypted — the payloads the event-mapper unit tests map.
 *
 * Run: `node_modules/.bin/node --import tsx test/fakes/homeserver/record-events.ts`
 *
 * @module
 */
import { writeFileSync } from 'node:fs';
import { loadTestKit } from './test-kit.ts';

const FIXTURE = new URL('../../unit/matrix/fixtures/recorded-events.json', import.meta.url);

const kit = await loadTestKit();
const fake = await kit.startFakeHomeserver();
fake.registerUser(kit.BOT_USER_ID, kit.BOT_PASSWORD, 'Passerelle');
const agent = await kit.MatrixUser.start(fake, '@agent:test.local');
const bot = await kit.MatrixUser.start(fake, kit.BOT_USER_ID, kit.BOT_PASSWORD);
const room = await agent.createGroupRoom('Brigade', [bot.userId]);
await bot.join(room);
await agent.waitForMembership(room, bot.userId, 'join');
const pill = '<a href="https://matrix.to/#/@passerelle:test.local">Passerelle</a>';
const ids: Record<string, string> = {};
ids.answer = await bot.send(room, 'Le texte le plus pertinent trouvé : article 60.');
ids.mention = await agent.send(room, 'Passerelle: les agents peuvent-ils visiter les marchandises ?', { format: 'org.matrix.custom.html', formatted_body: `${pill}: les agents peuvent-ils visiter les marchandises ?`, 'm.mentions': { user_ids: [kit.BOT_USER_ID] } });
ids.plain = await agent.send(room, 'On en parle à la pause ?', { 'm.mentions': {} });
ids.legacyMention = await agent.send(room, '@passerelle:test.local quels documents peuvent être exigés ?');
ids.reply = await agent.send(room, '> <@passerelle:test.local> Le texte le plus pertinent trouvé : article 60.\n\nEt pour les personnes ?', {
  format: 'org.matrix.custom.html',
  formatted_body: `<mx-reply><blockquote><a href="https://matrix.to/#/${room}/${ids.answer}">In reply to</a> <a href="https://matrix.to/#/@passerelle:test.local">@passerelle:test.local</a><br>Le texte le plus pertinent trouvé : article 60.</blockquote></mx-reply>Et pour les personnes ?`,
  'm.mentions': {},
  'm.relates_to': { 'm.in_reply_to': { event_id: ids.answer } },
});
ids.thread = await agent.send(room, 'Et la visite des personnes ?', { 'm.mentions': {}, 'm.relates_to': { rel_type: 'm.thread', event_id: ids.mention, is_falling_back: true, 'm.in_reply_to': { event_id: ids.answer } } });
ids.reaction = await agent.react(room, ids.answer, '👍️');
ids.edit = await agent.send(room, '* corrigé', { 'm.new_content': { msgtype: 'm.text', body: 'corrigé' }, 'm.relates_to': { rel_type: 'm.replace', event_id: ids.plain } });
ids.redaction = (await agent.client.redactEvent(room, ids.plain)).event_id;
ids.notice = await agent.send(room, 'Rappel automatique', { msgtype: 'm.notice' });
ids.file = await agent.send(room, 'procedure.pdf', { msgtype: 'm.file', url: 'mxc://test.local/abc', info: { mimetype: 'application/pdf', size: 12345 } });
await bot.waitFor(() => Object.entries(ids).every(([name, id]) => name === 'answer' || bot.seen.has(id)), 10_000, 'every event');
const events: Record<string, unknown> = {};
for (const [name, id] of Object.entries(ids)) {
  const seen = bot.seen.get(id) ?? agent.seen.get(id);
  const stored = fake.state.room(room).timeline.find((item) => item.event.event_id === id)?.event;
  if (!seen || !stored) throw new Error(`${name} not received`);
  events[name] = { event_id: id, type: seen.type, sender: seen.sender, room_id: room, origin_server_ts: stored.origin_server_ts, content: seen.content, ...(stored.redacts ? { redacts: stored.redacts } : {}), unsigned: stored.unsigned ?? {}, wire_type: stored.type };
}
writeFileSync(FIXTURE, `${JSON.stringify({ recordedWith: 'matrix-js-sdk 43.0.0 + Rust crypto, fake homeserver, room encrypted (clear content after decryption)', room, bot: kit.BOT_USER_ID, events }, null, 2)}\n`);
agent.stop();
bot.stop();
await fake.close();
process.exit(0);
