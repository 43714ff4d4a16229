import assert from 'node:assert/strict';
import { ERROR_CATALOGUE } from '../../../bots/errors.ts';
import * as say from '../../../bots/learning/messages.ts';
import { blankedSentence, type QuizItem } from '../../../knowledge/learning/quiz-item.ts';
import type { Reply } from '../../../bots/reply.ts';
import { AGENT, questionOf, startLearningRig, type LearningRig } from './learning-rig.ts';

/** Quizzes through the whole bot: real stores (embedded vector store, SQLite learning store), the real clock moved by hand. */
describe('learning mode: quizzes from the codes (whole bot, SQLite)', function () {
  this.timeout(60_000);
  let rig: LearningRig;
  let items: QuizItem[];

  before(async () => {
    rig = await startLearningRig({ overrides: { learning: { quizLength: 3 } } });
    items = (await rig.app.learning.bank.base('legal')).items;
  });
  after(async () => {
    await rig?.close();
  });

  /** The item a question reply asks (found by its blanked sentence). */
  const itemOf = (question: Reply | undefined): QuizItem => {
    const found = items.find((item) => question?.text.includes(blankedSentence(item)));
    assert.ok(found, `no item in « ${question?.text} »`);
    return found;
  };
  const wrongChoice = (item: QuizItem) => String(((item.answerIndex + 1) % 4) + 1);

  it('writes checked items for the base, framed by the agents’ questions of the enrichment', async () => {
    const { report } = await rig.app.learning.bank.base('legal');
    assert.equal(report.documents, 7);
    assert.ok(report.passed >= 7, JSON.stringify(report));
    assert.ok(report.passed <= report.generated);
    assert.ok(report.withSituation >= 4, JSON.stringify(report));
    assert.ok(items.some((item) => item.situation === 'Quelle peine de prison pour un fait de contrebande ?'));
  });

  it('asks an article’s question with numbered choices, grades a right number, explains with the cited article', async () => {
    const replies = await rig.dm('quiz article 414');
    const question = questionOf(replies);
    assert.ok(question, JSON.stringify(replies.map((reply) => reply.text)));
    assert.match(question.text, /^🎓 \*\*Quiz — 1 question\*\* sur « article 414 »/);
    assert.match(question.text, /\*\*Question 1\/1\*\* — Code des douanes, art\. 414/);
    assert.match(question.text, /Un agent demande : « Quelle peine de prison pour un fait de contrebande \? »/);
    const item = itemOf(question);
    assert.deepEqual(question.choices, item.choices);
    const answer = await rig.dm(String(item.answerIndex + 1));
    const explanation = answer[0] as Reply;
    assert.match(explanation.text, /^✅ \*\*Exact\.\*\*/);
    assert.match(explanation.text, /Le texte \[1\] :\n> Sont passibles d’un emprisonnement de \*\*trois ans\*\*/);
    assert.deepEqual(explanation.citations.map((citation) => [citation.index, citation.id, citation.url]), [[1, 'CD-414#0', 'https://www.legifrance.gouv.fr/codes/article_lc/CD-414']]);
    assert.match(answer.at(-1)?.text ?? '', /^🏁 \*\*Quiz terminé : 1\/1\.\*\*/);
  });

  it('accepts a free-text answer in words or digits', async () => {
    await rig.dm('quiz article 414');
    const [explanation] = await rig.dm('3 ans');
    assert.match(explanation?.text ?? '', /^✅/);
  });

  it('brings a missed item back once it is due, first, and says how many are to review', async () => {
    const asked = questionOf(await rig.dm('quiz titre XII'));
    assert.ok(asked);
    assert.match(asked.text, /\*\*Quiz — 3 questions\*\* sur « titre xii »/);
    const missed = itemOf(asked);
    const [explanation, next] = await rig.dm(wrongChoice(missed));
    assert.match(explanation?.text ?? '', /^❌ \*\*Non\*\* : la réponse était \*\*/);
    assert.match(explanation?.text ?? '', /Cette question vous sera reposée à partir du 03\/03\/2026\./);
    // « passe » reveals the answer and counts as missed; « stop » ends the quiz.
    const second = itemOf(questionOf([next as Reply]));
    const [skipped] = await rig.dm('passe');
    assert.match(skipped?.text ?? '', /^La réponse était \*\*/);
    const stopped = await rig.dm('stop');
    assert.match(stopped[0]?.text ?? '', /^Quiz arrêté : 0\/2\./);
    // The same day nothing is due; the next day the missed items come first.
    rig.clock.now = new Date('2026-03-03T10:00:00.000Z');
    const again = questionOf(await rig.dm('quiz titre XII'));
    assert.match(again?.text ?? '', /, dont 2 à revoir\./);
    const first = itemOf(again);
    const [, following] = await rig.dm(String(first.answerIndex + 1));
    const comeBack = [first.id, itemOf(following).id].sort();
    assert.deepEqual(comeBack, [missed.id, second.id].sort(), 'the two missed items come back first');
    await rig.dm('stop');
    const summary = await rig.app.learning.store.summary(await learnerHash(rig), rig.clock.now.toISOString());
    assert.equal(summary.due, 1, 'the missed item answered right today is no longer due');
  });

  it('tells an agent with no quiz running that a lone number is not an answer', async () => {
    const [reply] = await rig.dm('2', 'agent-9@douane.finances.gouv.fr');
    assert.equal(reply?.text, say.NO_PENDING_QUESTION);
  });

  it('refuses a scope it has no question for, in French, through the error catalogue', async () => {
    const [reply] = await rig.dm('quiz article 9999');
    assert.equal(reply?.kind, 'error');
    assert.equal(reply?.text, ERROR_CATALOGUE.QUIZ_NOTHING_TO_ASK.userMessage.replace('{scope}', 'article 9999'));
  });

  it('quizzes on a theme found by search, and only in a direct conversation', async () => {
    const question = questionOf(await rig.dm('quiz mainlevée des véhicules saisis'));
    assert.ok(question);
    assert.equal(itemOf(question).documentId, 'CD-419');
    await rig.dm('stop');
    const [room] = await rig.dm('quiz', AGENT, { isDirect: false, conversation: { key: 'teams:room-1', reference: {} } });
    assert.equal(room?.text, say.DIRECT_ONLY);
  });

  it('shows an agent their own results only, and erases them on request', async () => {
    const [mine] = await rig.dm('quiz bilan');
    assert.match(mine?.text ?? '', /^📊 \*\*Vos résultats\*\* \(visibles de vous seul\) :\n- Quiz : 5 réponses, 60 % justes/);
    const [other] = await rig.dm('quiz bilan', 'agent-2@douane.finances.gouv.fr');
    assert.match(other?.text ?? '', /Quiz : aucune réponse/);
    const [erased] = await rig.dm('quiz efface');
    assert.match(erased?.text ?? '', /^C’est fait : vos résultats de quiz et de formation ont été effacés \(\d+ enregistrements\)\.$/);
    const [after] = await rig.dm('quiz bilan');
    assert.match(after?.text ?? '', /Quiz : aucune réponse/);
  });
});

/** The learning pseudonym of AGENT (the learning domain's, not the audit log's). */
async function learnerHash(rig: LearningRig): Promise<string> {
  const { pseudonymise } = await import('../../../bots/pseudonym.ts');
  return pseudonymise(`learning:teams:${AGENT}`, rig.config.bot.pseudonymSecret);
}
