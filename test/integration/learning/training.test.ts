import assert from 'node:assert/strict';
import { CHECK, MODULE_TITLE } from '../../../bots/learning/ai-literacy.ts';
import * as say from '../../../bots/learning/messages.ts';
import { AI_NOTICE, helpText } from '../../../bots/user-messages.ts';
import { questionOf, startLearningRig, type LearningRig } from './learning-rig.ts';

/** AI-literacy onboarding through the whole bot: the module, its check, completion per pseudonymised agent, the aggregate report. */
describe('learning mode: AI-literacy training and the administrators’ report (whole bot, SQLite)', function () {
  this.timeout(60_000);
  let rig: LearningRig;
  const ROISSY = (n: number) => `agent-${n}@roissy.douane.finances.gouv.fr`;
  const LYON = (n: number) => `agent-${n}@lyon.douane.finances.gouv.fr`;
  const ADMIN = 'chef@douane.finances.gouv.fr';

  before(async () => {
    rig = await startLearningRig({
      overrides: {
        access: { admins: [ADMIN] },
        learning: {
          minGroupSize: 3,
          services: [
            { name: 'Brigade de Roissy', users: ['*@roissy.douane.finances.gouv.fr'] },
            { name: 'Direction de Lyon', users: ['*@lyon.douane.finances.gouv.fr'] },
            { name: 'Bureau de Brest', users: ['*@brest.douane.finances.gouv.fr'] },
          ],
        },
      },
    });
  });
  after(async () => {
    await rig?.close();
  });

  /** Takes the training as `sender`, answering right to the first `right` questions. */
  const takeTraining = async (sender: string, right: number) => {
    const opening = await rig.dm('formation', sender);
    let question = questionOf(opening);
    const last: string[] = [];
    for (const [index, check] of CHECK.entries()) {
      assert.ok(question, `question ${index + 1}`);
      assert.deepEqual(question.choices, check.choices);
      const replies = await rig.dm(String(index < right ? check.answer + 1 : ((check.answer + 1) % 4) + 1), sender);
      question = questionOf(replies);
      last.splice(0, last.length, ...replies.map((reply) => reply.text));
    }
    return { opening, last };
  };

  it('offers the training at first contact and in the help', async () => {
    const replies = await rig.say('aide', { sender: { id: 'nouvel-agent@douane.finances.gouv.fr' }, conversation: { key: 'teams:first-contact', reference: {} } });
    assert.equal(replies.length, 1, 'the notice rides in the first reply');
    assert.ok(replies[0]?.text.endsWith(`\n\n${AI_NOTICE}`));
    assert.match(AI_NOTICE, /« formation » pour la formation à l’IA \(5 minutes\)/);
    assert.match(helpText([]), /`formation` — la formation à l’IA/);
  });

  it('gives the module, then five questions with four numbered choices each; four right answers pass and are recorded', async () => {
    const { opening, last } = await takeTraining(ROISSY(1), 4);
    assert.ok(opening[0]?.text.startsWith(MODULE_TITLE));
    for (const topic of ['hallucinations', 'Vérifier la source', 'données classifiées', 'actes de procédure']) assert.ok(opening[0]?.text.includes(topic), topic);
    assert.match(questionOf(opening)?.text ?? '', /^\*\*Vérification — 5 questions\.\*\*/);
    assert.match(last[0] ?? '', /^❌ La bonne réponse : \*\*/, 'the fifth answer was wrong, and explained');
    assert.equal(last.at(-1), say.trainingPassed(4, 5));
  });

  it('three right answers do not pass: the agent is told to try again, and nothing counts as completed', async () => {
    const { last } = await takeTraining(LYON(1), 3);
    assert.equal(last.at(-1), say.trainingFailed(3, 5, 4));
  });

  it('asks again, keeping the question, when the answer is not one of the choices', async () => {
    await rig.dm('formation', LYON(2));
    const [unread] = await rig.dm('peut-être', LYON(2));
    assert.equal(unread?.text, say.CHECK_UNREAD);
    assert.deepEqual(unread?.choices, CHECK[0]?.choices);
    const [feedback] = await rig.dm(String((CHECK[0]?.answer ?? 0) + 1), LYON(2));
    assert.match(feedback?.text ?? '', /^✅ \*\*Exact\.\*\*/);
    const [stopped] = await rig.dm('stop', LYON(2));
    assert.equal(stopped?.text, say.trainingStopped());
  });

  it('gives administrators coverage per service and quiz activity, aggregated, small groups hidden; nobody else', async () => {
    await takeTraining(ROISSY(2), 5);
    await takeTraining(ROISSY(3), 2);
    for (const n of [3, 4]) await rig.dm('aide', LYON(n));
    await rig.dm('aide', 'agent@brest.douane.finances.gouv.fr');
    const [refused] = await rig.dm('formation rapport', ROISSY(1));
    assert.equal(refused?.text, say.REPORT_ADMINS_ONLY);
    const [report] = await rig.dm('formation rapport', ADMIN);
    const text = report?.text ?? '';
    assert.match(text, /^📊 \*\*Formation à l’IA et quiz — chiffres agrégés et anonymes\*\*/);
    assert.match(text, /- Brigade de Roissy : 2 sur 3 \(67 %\)/);
    assert.match(text, /- Direction de Lyon : 0 sur 4 \(0 %\)/);
    // Brest (1 agent) and « non renseigné » (the admin and the first-contact agent): too small alone, shown merged (3 agents).
    assert.match(text, /- Autres services \(2 services de moins de 3 agents, regroupés\) : 0 sur 3 \(0 %\)\n- Total : 2 sur 10 \(20 %\)/);
    assert.ok(!text.includes('Brest') && !text.includes('non renseigné'));
    assert.ok(!/@/.test(text), 'no user id in the report');
    assert.ok(!/[0-9a-f]{24}/.test(text), 'no pseudonym in the report');
    assert.match(text, /Les groupes de moins de 3 agents ne sont jamais affichés séparément/);
  });

  it('records completion under the learning pseudonym only (never the user id, not the audit pseudonym)', async () => {
    const coverage = await rig.app.learning.store.coverage('2000-01-01T00:00:00.000Z');
    assert.deepEqual(coverage.find((row) => row.service === 'Brigade de Roissy'), { service: 'Brigade de Roissy', agents: 3, trained: 2 });
    const { pseudonymise } = await import('../../../bots/pseudonym.ts');
    const auditHash = pseudonymise(`teams:${ROISSY(1)}`, rig.config.bot.pseudonymSecret);
    const learningHash = pseudonymise(`learning:teams:${ROISSY(1)}`, rig.config.bot.pseudonymSecret);
    assert.equal(await rig.app.learning.store.trainingStatus(auditHash), undefined);
    assert.equal((await rig.app.learning.store.trainingStatus(learningHash))?.bestScore, 4);
  });
});
