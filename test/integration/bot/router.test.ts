import assert from 'node:assert/strict';
import * as say from '../../../bots/user-messages.ts';
import { computeMetrics, type EvalOutcome } from '../../../knowledge/evaluation.ts';
import { createChatModel } from '../../../knowledge/models/langchain-chat-model.ts';
import { isSureDecision, LEXICAL_ROUTER_SURE_ABOVE, ModelRouter, OfflineRouter } from '../../../knowledge/router.ts';
import { startFakeModelServer, type FakeModelServer } from '../../fakes/model-server.ts';
import { answerOf, chatRequests, startHarness, type Harness } from './harness.ts';

const TWO_BASES = ['legal', 'hr'];
const LABELLED: Array<{ question: string; kb: string }> = [
  { question: 'Quels sont les pouvoirs de visite des agents des douanes ?', kb: 'legal' },
  { question: 'Quelles sanctions pour un fait de contrebande ?', kb: 'legal' },
  { question: 'Quand peut-on placer une personne en retenue douanière ?', kb: 'legal' },
  { question: 'Que doit énoncer un procès-verbal de saisie ?', kb: 'legal' },
  { question: 'Que dit l’article 414 ?', kb: 'legal' },
  { question: 'Combien de jours de congés annuels pour un fonctionnaire ?', kb: 'hr' },
  { question: 'Un agent contractuel a-t-il droit aux congés annuels ?', kb: 'hr' },
  { question: 'Comment demander un temps partiel ?', kb: 'hr' },
  { question: 'Combien de jours de télétravail par semaine ?', kb: 'hr' },
  { question: 'Comment faire une demande de mutation ?', kb: 'hr' },
];

describe('router', function () {
  this.timeout(30_000);
  let harness: Harness;
  let server: FakeModelServer;
  let offline: OfflineRouter;
  before(async () => {
    harness = await startHarness();
    server = await startFakeModelServer();
    const { knowledge } = harness.app;
    offline = new OfflineRouter(knowledge.store, knowledge.encoder, knowledge.catalog, { margin: 0.12, maxClassification: 'diffusion-restreinte' });
  });
  beforeEach(() => server.reset());
  after(async () => {
    await harness.close();
    await server.close();
  });

  it('routes legal and HR questions to the right base (eval-style routing accuracy = 1)', async () => {
    const outcomes: EvalOutcome[] = [];
    for (const item of LABELLED) {
      const decision = await offline.route(item.question, TWO_BASES);
      outcomes.push({ question: { id: item.question, question: item.question, relevant_ids: ['x'], kb: item.kb }, ranked: [], routedKb: decision.kb });
    }
    const wrong = outcomes.filter((outcome) => outcome.routedKb !== outcome.question.kb).map((outcome) => `${outcome.question.question} → ${outcome.routedKb}`);
    assert.deepEqual(wrong, []);
    assert.equal(computeMetrics(outcomes).routing_accuracy, 1);
  });

  it('gives confidences that sum to 1 over the candidates, best first', async () => {
    const decision = await offline.route('Comment demander un temps partiel ?', ['legal', 'hr', 'procedures']);
    assert.equal(decision.method, 'offline');
    assert.ok(Math.abs(decision.scores.reduce((sum, score) => sum + score.confidence, 0) - 1) < 0.01);
    assert.equal(decision.scores[0]?.kb, 'hr');
    assert.equal(decision.confidence, decision.scores[0]?.confidence);
  });

  it('sends a question naming an article to the base holding it, without a second base', async () => {
    const decision = await offline.route('Que dit l’article 414 ?', ['legal', 'hr', 'procedures']);
    assert.equal(decision.kb, 'legal');
    assert.equal(decision.alsoKb, undefined);
  });

  it('skips scoring when only one base is allowed', async () => {
    assert.deepEqual(await offline.route('n’importe quoi', ['hr']), { kb: 'hr', confidence: 1, scores: [{ kb: 'hr', confidence: 1 }], method: 'single' });
  });

  it('searches a second base when the scores are within the margin', async () => {
    const wide = new OfflineRouter(harness.app.knowledge.store, harness.app.knowledge.encoder, harness.app.knowledge.catalog, { margin: 1, maxClassification: 'diffusion-restreinte' });
    const decision = await wide.route('Quels sont les pouvoirs de visite des agents des douanes ?', TWO_BASES);
    assert.equal(decision.kb, 'legal');
    assert.equal(decision.alsoKb, 'hr');
  });

  describe('model router', () => {
    // sureAbove above 1: the model is asked whatever the offline router's confidence (the gate is tested below).
    const router = (timeoutMs = 5_000, sureAbove = 1.01) =>
      new ModelRouter(
        createChatModel({ provider: 'openai-compatible', url: `${server.url}/v1`, model: 'albert-large', ceiling: 'public', timeoutMs: 10_000, maxRetries: 0 })!,
        harness.app.knowledge.catalog,
        offline,
        0.12,
        timeoutMs,
        sureAbove,
      );

    it('is not called when the lexical router is sure: the offline decision stands, no request', async () => {
      const question = 'Comment demander un temps partiel ?';
      const sure = await offline.route(question, TWO_BASES);
      assert.ok(isSureDecision(sure), JSON.stringify(sure));
      const decision = await router(5_000, LEXICAL_ROUTER_SURE_ABOVE).route(question, TWO_BASES);
      assert.deepEqual(decision, sure);
      assert.equal(chatRequests(server, 'route').length, 0);
    });

    it('is called when the lexical router is unsure', async () => {
      server.queueChat({ content: '{"kb": "hr", "confidence": 0.9}' });
      const question = 'Comment demander un temps partiel ?';
      const offlineDecision = await offline.route(question, TWO_BASES);
      // The same question with a gate above the offline confidence: unsure, so the model decides.
      const decision = await router(5_000, offlineDecision.confidence + 0.001).route(question, TWO_BASES);
      assert.equal(decision.method, 'model');
      assert.equal(chatRequests(server, 'route').length, 1);
    });

    it('uses the base and confidence the model answers in JSON', async () => {
      server.queueChat({ content: 'Voici : {"kb": "hr", "confidence": 0.8}' });
      const decision = await router().route('Quels sont les pouvoirs de visite des agents des douanes ?', TWO_BASES);
      assert.deepEqual({ kb: decision.kb, confidence: decision.confidence, method: decision.method, alsoKb: decision.alsoKb }, { kb: 'hr', confidence: 0.8, method: 'model', alsoKb: undefined });
      const [request] = chatRequests(server, 'route');
      assert.match(String(request?.body.messages?.at(-1)?.content), /- legal : Code des douanes[\s\S]*- hr : Ressources humaines/);
    });

    it('searches the second base too when the model hesitates', async () => {
      server.queueChat({ content: '{"kb": "legal", "confidence": 0.5}' });
      const decision = await router().route('Quels sont les pouvoirs de visite des agents des douanes ?', TWO_BASES);
      assert.equal(decision.alsoKb, 'hr');
    });

    for (const [label, behaviour] of [
      ['garbage', { content: 'Je pense que c’est la base RH.' }],
      ['an unknown base', { content: '{"kb": "cuisine", "confidence": 0.99}' }],
      ['a server error', { status: 503 }],
      ['a malformed response', { malformed: true as const }],
    ] as const) {
      it(`falls back to the offline router on ${label}`, async () => {
        server.queueChat(behaviour);
        const decision = await router().route('Comment demander un temps partiel ?', TWO_BASES);
        assert.equal(decision.method, 'offline');
        assert.equal(decision.kb, 'hr');
      });
    }

    it('falls back to the offline router on timeout, promptly', async () => {
      server.queueChat({ delayMs: 5_000, then: { content: '{"kb": "legal", "confidence": 1}' } });
      const started = Date.now();
      const decision = await router(200).route('Comment demander un temps partiel ?', TWO_BASES);
      assert.equal(decision.method, 'offline');
      assert.equal(decision.kb, 'hr');
      assert.ok(Date.now() - started < 2_000, `${Date.now() - started} ms`);
    });
  });

  describe('through the bot', () => {
    it('a prefix wins over the router', async () => {
      const reply = answerOf(await harness.say('rh: Quels sont les pouvoirs de visite des agents des douanes ?'));
      assert.equal(reply.answerOf?.kb, 'hr');
    });

    it('close scores: both bases searched, and the answer says so', async () => {
      const wide = await startHarness({ overrides: { bot: { routingMargin: 1 } } });
      try {
        const reply = answerOf(await wide.say('Quels sont les pouvoirs de visite des agents des douanes ?'));
        const second = reply.text.includes('« Ressources humaines »') ? 'Ressources humaines' : 'Procédures internes';
        assert.ok(reply.text.startsWith(say.routedToTwoBases('Code des douanes et textes liés', second)), reply.text);
        assert.equal(reply.answerOf?.kb, 'legal');
      } finally {
        await wide.close();
      }
    });
  });
});
