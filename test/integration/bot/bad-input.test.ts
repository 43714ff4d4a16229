import assert from 'node:assert/strict';
import * as say from '../../../bots/user-messages.ts';
import { answerOf, startHarness, type Harness } from './harness.ts';

const ROOM = { key: 'teams:room-bad', reference: { id: 'room-bad' } };

describe('bad input through the whole bot', function () {
  this.timeout(30_000);
  let harness: Harness;
  const replies: string[] = [];
  const send = async (text: string, options: Parameters<Harness['say']>[1] = {}) => {
    const sent = await harness.say(text, options);
    replies.push(...sent.map((reply) => reply.text));
    return sent;
  };

  before(async () => {
    harness = await startHarness();
    await send('avis première remarque conservée');
    await send('Que dit l’article 414 ?');
  });
  after(async () => harness.close());

  const only = async (text: string, options: Parameters<Harness['say']>[1] = {}) => {
    const sent = await send(text, options);
    assert.equal(sent.length, 1, JSON.stringify(sent.map((reply) => reply.text)));
    return sent[0]!;
  };

  it('empty message → empty-message notice', async () => assert.equal((await only('')).text, say.EMPTY_MESSAGE));

  it('100 KB message → too-long notice', async () => assert.equal((await only('x'.repeat(100 * 1024))).text, say.messageTooLong(102_400, 4_000)));

  it('binary junk → unreadable notice', async () => {
    const junk = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0x49, 0x48, 0x44, 0x52, 0, 0, 1, 0, 0, 0, 1, 0, 8, 6, 0, 0, 0, 0x1f, 0x15, 0xc4, 0x89]).toString('latin1');
    assert.equal((await only(junk)).text, say.UNREADABLE_MESSAGE);
  });

  it('only a mention of the bot in a room (empty text once the mention is removed) → empty-message notice', async () => {
    assert.equal((await only('', { isDirect: false, addressedToBot: true, conversation: ROOM })).text, say.EMPTY_MESSAGE);
  });

  it('an empty forced question (« code: ») → empty-message notice', async () => {
    assert.equal((await only('/code')).text, say.EMPTY_MESSAGE);
  });

  it('an unknown prefix → answered, with the note', async () => {
    const reply = answerOf(await send('zzz: Comment demander un temps partiel ?'));
    assert.ok(reply.text.startsWith(say.unknownPrefix('zzz')));
    assert.equal(reply.citations[0]?.id, 'RH-temps-partiel#0');
  });

  it('a question in English → answered in French, with the note', async () => {
    const reply = answerOf(await send('What does article 414 of the customs code say?'));
    assert.ok(reply.text.includes(say.ANSWER_IN_FRENCH_NOTE));
    assert.equal(reply.citations[0]?.id, 'CD-414#0');
    assert.ok(reply.text.includes('Sont passibles d’un emprisonnement'));
  });

  it('a question in English the bot cannot answer → French abstention, with the note', async () => {
    const reply = answerOf(await send('What are the powers of customs officers to search goods?'));
    assert.ok(reply.text.startsWith(say.ANSWER_IN_FRENCH_NOTE), reply.text);
    assert.ok(reply.text.includes('Je n’ai pas trouvé de réponse fiable'));
  });

  it('« answer in English » → no note', async () => {
    const reply = answerOf(await send('What does article 414 say? Please answer in English.'));
    assert.ok(!reply.text.includes(say.ANSWER_IN_FRENCH_NOTE));
    assert.equal(reply.citations[0]?.id, 'CD-414#0');
  });

  it('a French question gets no language note', async () => {
    assert.ok(!answerOf(await send('Que dit l’article 60 ?')).text.includes(say.ANSWER_IN_FRENCH_NOTE));
  });

  it('nothing crashed: no internal error was shown, and the state still holds the earlier feedback and audit', async () => {
    assert.ok(!replies.some((text) => text.includes('erreur inattendue')), replies.join('\n---\n'));
    const feedback = await harness.app.state.listFeedback(50);
    assert.ok(feedback.some((entry) => entry.comment === 'première remarque conservée'));
    const audit = await harness.app.state.listAudit(50);
    assert.ok(audit.some((entry) => entry.citedIds.includes('CD-414#0')));
    assert.equal(answerOf(await send('Quels sont les pouvoirs de visite des agents des douanes ?')).citations[0]?.id, 'CD-60#0');
  });
});
