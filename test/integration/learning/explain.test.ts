import assert from 'node:assert/strict';
import { ERROR_CATALOGUE } from '../../../bots/errors.ts';
import * as say from '../../../bots/learning/messages.ts';
import type { Reply } from '../../../bots/reply.ts';
import { DECISIVE_TEXT } from '../../../bots/user-messages.ts';
import { startFakeModelServer, type FakeModelServer } from '../../fakes/model-server.ts';
import { QUIZ_URL } from '../../unit/learning/quiz-fixtures.ts';
import { answerOf, scriptModel } from '../bot/harness.ts';
import { startLearningRig, type LearningRig } from './learning-rig.ts';

/** The 2019 wording of art. 414, kept in the base as a version no longer in force. */
const ARTICLE_414_2019 = {
  id: 'LEGIARTI000006615979',
  code: 'Code des douanes',
  num: '414',
  title_path: ['Titre XII : Contentieux', 'Chapitre VI : Dispositions répressives'],
  text: 'Sont passibles d’un emprisonnement de deux ans, de la confiscation de l’objet de fraude, et d’une amende, tout fait de contrebande. La tentative est punie comme le délit, dans les conditions de l’article 418 et de l’article 999.',
  valid_from: '1949-01-01',
  valid_to: '2019-12-31',
  source_url: `${QUIZ_URL}LEGIARTI000006615979`,
};

/** Answers that teach, through the whole bot: `explique` walks through the cited article, each step cited. */
describe('learning mode: answers that teach and « explique » (whole bot)', function () {
  this.timeout(60_000);
  let rig: LearningRig;

  before(async () => {
    rig = await startLearningRig({ extra: [ARTICLE_414_2019] });
  });
  after(async () => {
    await rig?.close();
  });

  const explanation = (replies: Reply[]): Reply => {
    const found = replies.find((reply) => reply.text.startsWith('🔎'));
    assert.ok(found, JSON.stringify(replies.map((reply) => reply.text)));
    return found;
  };

  it('walks through the article of the last answer: what it says, notions defined elsewhere, references, versions — each step cited', async () => {
    const answer = answerOf(await rig.dm('Quelle peine de prison pour la contrebande ?'));
    assert.equal(answer.citations[0]?.id, 'CD-414#0');
    assert.match(answer.text, /> \*\*Sont passibles d’un emprisonnement de trois ans[^*]*\*\*/, 'the decisive sentence in bold');
    assert.deepEqual(answer.suggestedActions, ['sources', 'explique']);
    const reply = explanation(await rig.dm('explique'));
    const text = reply.text;
    assert.ok(text.startsWith('🔎 **Explication pas à pas — Code des douanes, art. 414** [1]'), text);
    assert.match(text, /\*\*1\. Ce que dit l’article\*\* \[1\]\n> \*\*Sont passibles d’un emprisonnement de trois ans, de la confiscation de l’objet de fraude, et d’une amende, tout fait de contrebande\.\*\*\n> La tentative est punie/);
    const cited = (title: string) => reply.citations.find((citation) => citation.title === title)?.index;
    const definition = cited('Code des douanes, art. 417');
    assert.ok(definition, 'the definition of « contrebande » is cited');
    assert.ok(text.includes(`- « contrebande » — Code des douanes, art. 417 [${definition}] :\n  > La contrebande s’entend des importations ou exportations en dehors des bureaux de douane`), text);
    const reference = cited('Code des douanes, art. 418');
    assert.ok(text.includes(`- Code des douanes, art. 418 [${reference}] :\n  > Les marchandises saisies sont déposées au bureau le plus proche`), text);
    assert.ok(text.includes(say.missingReferences(['999'])), 'the article the base lacks is named, not invented');
    assert.ok(text.includes('- Texte en vigueur depuis le 01/01/2020 [1].'), text);
    const previous = reply.citations.find((citation) => citation.id === `${ARTICLE_414_2019.id}#0`)?.index;
    assert.ok(text.includes(`- Autre version, du 01/01/1949 au 31/12/2019 [${previous}] :\n  ajouté : « Sont passibles d’un emprisonnement de trois ans`), text);
    assert.ok(text.includes('  retiré : « Sont passibles d’un emprisonnement de deux ans'), text);
    assert.ok(text.endsWith(say.WALKTHROUGH_FOOTER));
    assert.deepEqual(reply.citations.map((citation) => citation.index), reply.citations.map((_, index) => index + 1));
    for (const citation of reply.citations) assert.ok(text.includes(`[${citation.index}]`), `citation ${citation.index} is used`);
    assert.deepEqual(reply.suggestedActions, ['quiz article 414']);
  });

  it('walks through an article named, and explains a definition article without inventing one', async () => {
    const text = explanation(await rig.dm('explique l’article 417')).text;
    assert.ok(text.startsWith('🔎 **Explication pas à pas — Code des douanes, art. 417** [1]'));
    assert.ok(text.includes(say.NO_DEFINITIONS));
    assert.ok(text.includes(say.NO_REFERENCES));
    assert.ok(text.includes(say.ONE_VERSION));
  });

  it('says clearly what it cannot explain (catalogue errors, in French)', async () => {
    const fresh = 'agent-7@douane.finances.gouv.fr';
    const [nothing] = await rig.dm('explique', fresh);
    assert.deepEqual([nothing?.kind, nothing?.text], ['error', ERROR_CATALOGUE.EXPLAIN_NOTHING_CITED.userMessage]);
    const [missing] = await rig.dm('explique l’article 9999', fresh);
    assert.match(missing?.text ?? '', /^Je ne trouve pas l’article « 9999 »/);
    await rig.dm('Quelle peine de prison pour la contrebande ?', fresh);
    const [unknown] = await rig.dm('explique 7', fresh);
    assert.match(unknown?.text ?? '', /^Ma dernière réponse cite \d source\(s\)/);
  });

  it('keeps « explique-moi … » and « formation continue … » as questions', async () => {
    const replies = await rig.dm('explique-moi la contrebande');
    assert.ok(!replies.some((reply) => reply.text.startsWith('🔎')));
    assert.equal(answerOf(replies).kind, 'answer');
  });
});

describe('learning mode: the decisive sentence before a generated answer (fake model server)', function () {
  this.timeout(60_000);
  let server: FakeModelServer;
  let rig: LearningRig;

  before(async () => {
    server = await startFakeModelServer();
    rig = await startLearningRig({ model: { provider: 'mistral', server }, overrides: { bot: { answerCacheTtlMinutes: 0 } } });
  });
  after(async () => {
    await rig?.close();
    await server?.close();
  });

  it('quotes the first cited article’s decisive sentence, verbatim and in bold, before the model’s paraphrase', async () => {
    scriptModel(server, { answers: [{ content: 'La contrebande est punie de trois ans de prison [1].' }] });
    const answer = answerOf(await rig.dm('Quelle peine de prison pour la contrebande ?'));
    assert.equal(answer.citations[0]?.id, 'CD-414#0');
    assert.ok(
      answer.text.startsWith(`${DECISIVE_TEXT} — Code des douanes, art. 414 [1] :\n> **Sont passibles d’un emprisonnement de trois ans, de la confiscation de l’objet de fraude, et d’une amende, tout fait de contrebande.**\n\nLa contrebande est punie de trois ans de prison [1].`),
      answer.text,
    );
  });
});
