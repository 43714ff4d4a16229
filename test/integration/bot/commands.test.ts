import assert from 'node:assert/strict';
import * as say from '../../../bots/user-messages.ts';
import { LEGIFRANCE } from './corpus.ts';
import { answerOf, startHarness, withoutNotice, type Harness } from './harness.ts';

describe('bot commands (whole bot, offline)', function () {
  this.timeout(30_000);
  let harness: Harness;
  let conversation = 0;
  /** Each test talks in its own conversation. */
  let address: { key: string; reference: unknown };
  const ask = (text: string) => harness.say(text, { conversation: address });
  const last = async (text: string) => {
    const replies = await ask(text);
    return replies.map(withoutNotice).filter((reply) => reply.text !== '').at(-1);
  };

  before(async () => {
    harness = await startHarness();
  });
  beforeEach(() => {
    address = { key: `teams:commands-${++conversation}`, reference: {} };
  });
  after(async () => harness.close());

  for (const command of ['aide', 'help', '/aide', 'AIDE']) {
    it(`« ${command} » shows the help with the bases’ prefixes`, async () => {
      const reply = await last(command);
      assert.equal(reply?.kind, 'notice');
      assert.match(reply?.text ?? '', /\*\*Passerelle — aide\*\*/);
      for (const expected of ['`code: votre question`', '`rh: votre question`', '`procédures: votre question`', '`sources`', '`oublie`', '`avis <votre remarque>`']) {
        assert.ok(reply?.text.includes(expected), expected);
      }
    });
  }

  it('« sources » before any answer says there is none', async () => {
    assert.equal((await last('sources'))?.text, say.NO_PREVIOUS_ANSWER);
  });

  it('« sources » after an answer lists the cited sources with their links', async () => {
    const answer = answerOf(await ask('Quels sont les pouvoirs de visite des agents des douanes ?'));
    const sources = await last('sources');
    assert.ok(sources?.text.startsWith(say.SOURCES_HEADER));
    assert.deepEqual(sources?.citations.map((citation) => citation.id), answer.citations.map((citation) => citation.id));
    assert.ok(sources?.text.includes(`- [1] Code des douanes, art. 60 (Titre II : Organisation du service des douanes › Chapitre IV : Pouvoirs des agents des douanes) — ${LEGIFRANCE}CD-60`), sources?.text);
  });

  it('« sources » after an abstention does not show an older answer’s sources', async () => {
    await ask('Quels sont les pouvoirs de visite des agents des douanes ?');
    const abstention = answerOf(await ask('Quel est le montant de la prime de fin d’année des agents des douanes affectés en Guyane ?'));
    assert.ok(abstention.text.startsWith('Je n’ai pas trouvé de réponse fiable'));
    const sources = await last('sources');
    assert.equal(sources?.text, say.NO_SOURCES_IN_LAST_ANSWER);
    assert.deepEqual(sources?.citations, []);
  });

  it('« oublie » clears the memory: a follow-up no longer uses the previous question', async () => {
    const first = answerOf(await ask('Combien de jours de congés annuels pour un fonctionnaire ?'));
    assert.deepEqual(first.citations.map((citation) => citation.id), ['RH-conges#0']);
    const followUp = answerOf(await ask('et pour un contractuel ?'));
    assert.ok(followUp.citations.some((citation) => citation.id === 'RH-conges#0'), 'with memory, the follow-up searches with the previous question');
    assert.equal((await last('oublie'))?.text, say.CONVERSATION_FORGOTTEN);
    assert.equal((await last('sources'))?.text, say.NO_PREVIOUS_ANSWER);
    const fresh = answerOf(await ask('et pour un contractuel ?'));
    assert.ok(!fresh.citations.some((citation) => citation.id === 'RH-conges#0'), fresh.text);
  });

  it('« avis … » is stored as feedback; an empty « avis » gets a hint', async () => {
    assert.equal((await last('avis'))?.text, say.FEEDBACK_EMPTY);
    assert.equal((await last('avis la réponse sur les congés bonifiés est incomplète'))?.text, say.FEEDBACK_THANKS);
    const [feedback] = await harness.app.state.listFeedback(1);
    assert.equal(feedback?.comment, 'la réponse sur les congés bonifiés est incomplète');
    assert.equal(feedback?.rating, 0);
    assert.equal(feedback?.channel, 'teams');
    assert.match(feedback?.userHash ?? '', /^[0-9a-f]{24}$/);
    // Stored pseudonymised: the comment keeps its words, not a name or phone number.
    await last('avis appelez Karim Haddad au 06 12 34 56 78, la réponse sur la mutation est fausse');
    const [named] = await harness.app.state.listFeedback(1);
    assert.match(named?.comment ?? '', /la réponse sur la mutation est fausse/);
    assert.ok(!/Karim|Haddad|06 12 34/.test(named?.comment ?? ''), named?.comment);
  });

  for (const [text, kb] of [
    ['code: Combien de jours de congés annuels pour un fonctionnaire ?', 'legal'],
    ['/code Combien de jours de congés annuels pour un fonctionnaire ?', 'legal'],
    ['rh : Quels sont les pouvoirs de visite des agents des douanes ?', 'hr'],
    ['procédures: Comment se déroule une retenue douanière ?', 'procedures'],
  ] as const) {
    it(`« ${text.split(' ')[0]} » forces base ${kb}, even against the router`, async () => {
      const reply = answerOf(await ask(text));
      assert.equal(reply.answerOf?.kb, kb);
      assert.ok(reply.citations.every((citation) => citation.kb === kb));
    });
  }

  it('an unknown /command gets the short help', async () => {
    const reply = await last('/xyz');
    assert.equal(reply?.text, say.SHORT_HELP);
    assert.deepEqual(reply?.suggestedActions, ['aide']);
  });

  it('an unknown prefix is answered, with a note saying the base was chosen automatically', async () => {
    const reply = answerOf(await ask('zzz: Comment demander une mutation ?'));
    assert.ok(reply.text.startsWith(say.unknownPrefix('zzz')));
    assert.deepEqual(reply.citations.map((citation) => citation.id), ['RH-mutation#0']);
  });

  it('remembers each answer for later ratings, with its question and cited ids', async () => {
    await ask('Que dit l’article 414 ?');
    const sent = harness.channel.sent.filter((entry) => entry.reply.kind === 'answer').at(-1);
    const rated = await harness.app.bot.inbound.recordRating({ channel: 'teams', messageId: sent?.id ?? '', userId: 'agent-1@douane.finances.gouv.fr', rating: -1, comment: 'incomplet' });
    assert.equal(rated, true);
    const [feedback] = await harness.app.state.listFeedback(1);
    assert.equal(feedback?.question, 'Que dit l’article 414 ?');
    assert.deepEqual(feedback?.citedIds, ['CD-414#0']);
    assert.equal(await harness.app.bot.inbound.recordRating({ channel: 'teams', messageId: 'inconnu', userId: 'x', rating: 1 }), false);
  });
});
