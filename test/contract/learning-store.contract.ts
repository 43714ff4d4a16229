import assert from 'node:assert/strict';
import type { LearningStore, ReviewRecord } from '../../state/learning-store.ts';

/**
 * The behaviour every LearningStore must have. Each test uses its own learner pseudonyms; aggregate tests
 * count only the services and bases they create (names unique to the test).
 */
export function learningStoreContract(name: string, open: () => Promise<LearningStore>): void {
  describe(`LearningStore contract: ${name}`, function () {
    this.timeout(20_000);
    let store: LearningStore;
    let tag: string;
    const learner = (n: number) => `${tag}-l${n}`;
    const review = (learnerHash: string, itemId: string, overrides: Partial<ReviewRecord> = {}): ReviewRecord => ({
      learnerHash, itemId, kb: `${tag}-kb`, box: 1, dueAt: '2026-03-02T09:00:00.000Z', lastAnsweredAt: '2026-03-01T09:00:00.000Z', correctCount: 0, wrongCount: 1, ...overrides,
    });

    beforeEach(async () => {
      store = await open();
      tag = `t${Date.now().toString(36)}${Math.random().toString(36).slice(2, 7)}`;
    });
    afterEach(async () => {
      for (let n = 0; n < 12; n++) await store.forgetLearner(learner(n));
      await store.close();
    });

    it('counts agents per service since a date, and those who passed the training (no pseudonym in the result)', async () => {
      const [east, west] = [`${tag}-Est`, `${tag}-Ouest`];
      await store.noteLearner(learner(1), east, '2026-03-01T08:00:00.000Z');
      await store.noteLearner(learner(2), east, '2026-03-01T08:00:00.000Z');
      await store.noteLearner(learner(3), west, '2026-03-01T08:00:00.000Z');
      await store.noteLearner(learner(4), west, '2025-01-01T08:00:00.000Z');
      await store.recordTraining({ learnerHash: learner(1), service: east, score: 3, total: 5, passed: false, at: '2026-03-01T09:00:00.000Z' });
      await store.recordTraining({ learnerHash: learner(2), service: east, score: 5, total: 5, passed: true, at: '2026-03-01T09:00:00.000Z' });
      await store.recordTraining({ learnerHash: learner(4), service: west, score: 4, total: 5, passed: true, at: '2025-01-01T09:00:00.000Z' });
      const rows = (await store.coverage('2026-01-01T00:00:00.000Z')).filter((row) => row.service.startsWith(tag));
      assert.deepEqual(rows, [{ service: east, agents: 2, trained: 1 }, { service: west, agents: 1, trained: 0 }]);
      assert.ok(!JSON.stringify(rows).includes(learner(1)));
    });

    it('keeps the first sighting, moves the last one forward only, and follows a change of service', async () => {
      const [before, after] = [`${tag}-A`, `${tag}-B`];
      await store.noteLearner(learner(1), before, '2026-03-05T08:00:00.000Z');
      await store.noteLearner(learner(1), after, '2026-03-01T08:00:00.000Z');
      assert.deepEqual((await store.coverage('2026-03-04T00:00:00.000Z')).filter((row) => row.service.startsWith(tag)), [{ service: after, agents: 1, trained: 0 }]);
      assert.deepEqual((await store.coverage('2026-03-06T00:00:00.000Z')).filter((row) => row.service.startsWith(tag)), []);
    });

    it('reports an agent’s training status: attempts, best score, last pass', async () => {
      assert.equal(await store.trainingStatus(learner(1)), undefined);
      await store.recordTraining({ learnerHash: learner(1), service: 's', score: 2, total: 5, passed: false, at: '2026-03-01T09:00:00.000Z' });
      assert.deepEqual(await store.trainingStatus(learner(1)), { bestScore: 2, total: 5, attempts: 1 });
      await store.recordTraining({ learnerHash: learner(1), service: 's', score: 5, total: 5, passed: true, at: '2026-03-02T09:00:00+01:00' });
      assert.deepEqual(await store.trainingStatus(learner(1)), { completedAt: '2026-03-02T08:00:00.000Z', bestScore: 5, total: 5, attempts: 2 });
    });

    it('records answers with their review state; returns due items earliest first and the agent’s own summary', async () => {
      const kb = `${tag}-kb`;
      await store.recordAnswer({ learnerHash: learner(1), itemId: 'legal:a', kb, correct: false, at: '2026-03-01T09:00:00.000Z' }, review(learner(1), 'legal:a', { dueAt: '2026-03-02T09:00:00.000Z' }));
      await store.recordAnswer({ learnerHash: learner(1), itemId: 'legal:b', kb, correct: true, at: '2026-03-01T09:01:00.000Z' }, review(learner(1), 'legal:b', { box: 2, correctCount: 1, wrongCount: 0, dueAt: '2026-03-04T09:00:00.000Z' }));
      await store.recordAnswer({ learnerHash: learner(1), itemId: 'legal:c', kb, correct: false, at: '2026-03-01T09:02:00.000Z' }, review(learner(1), 'legal:c', { dueAt: '2026-03-01T12:00:00.000Z' }));
      // The same item answered again: one review row, replaced.
      await store.recordAnswer({ learnerHash: learner(1), itemId: 'legal:a', kb, correct: true, at: '2026-03-02T10:00:00.000Z' }, review(learner(1), 'legal:a', { box: 2, correctCount: 1, wrongCount: 1, dueAt: '2026-03-05T10:00:00.000Z' }));
      await store.recordAnswer({ learnerHash: learner(2), itemId: 'legal:a', kb, correct: false, at: '2026-03-01T09:00:00.000Z' }, review(learner(2), 'legal:a'));
      const due = await store.dueReviews(learner(1), '2026-03-03T00:00:00.000Z', 10);
      assert.deepEqual(due.map((entry) => entry.itemId), ['legal:c']);
      assert.deepEqual((await store.dueReviews(learner(1), '2026-03-06T00:00:00.000Z', 10)).map((entry) => entry.itemId), ['legal:c', 'legal:b', 'legal:a']);
      assert.deepEqual((await store.dueReviews(learner(1), '2026-03-06T00:00:00.000Z', 1)).map((entry) => entry.itemId), ['legal:c']);
      const [a] = await store.reviews(learner(1), ['legal:a', 'legal:z']);
      assert.deepEqual(a, review(learner(1), 'legal:a', { box: 2, correctCount: 1, wrongCount: 1, dueAt: '2026-03-05T10:00:00.000Z' }));
      assert.deepEqual((await store.reviews(learner(1))).map((entry) => entry.itemId), ['legal:a', 'legal:b', 'legal:c']);
      assert.deepEqual(await store.summary(learner(1), '2026-03-03T00:00:00.000Z'), { answers: 4, correct: 2, items: 3, due: 1, nextDueAt: '2026-03-04T09:00:00.000Z' });
      assert.deepEqual(await store.summary(learner(3), '2026-03-03T00:00:00.000Z'), { answers: 0, correct: 0, items: 0, due: 0 });
      const activity = (await store.quizActivity('2026-01-01T00:00:00.000Z')).filter((row) => row.kb === kb);
      assert.deepEqual(activity, [{ kb, agents: 2, answers: 5, correct: 2 }]);
      assert.deepEqual((await store.quizActivity('2026-03-02T00:00:00.000Z')).filter((row) => row.kb === kb), [{ kb, agents: 1, answers: 1, correct: 1 }]);
    });

    it('keeps one session per agent and conversation; take hands it to exactly one caller; expired sessions are gone', async () => {
      const session = { learnerHash: learner(1), conversationKey: `${tag}:conv`, kind: 'quiz' as const, state: { items: ['legal:a'], position: 0 }, expiresAt: '2099-01-01T00:00:00.000Z' };
      await store.saveSession(session);
      await store.saveSession({ ...session, state: { items: ['legal:b'], position: 1 } });
      assert.deepEqual((await store.peekSession(learner(1), `${tag}:conv`, new Date().toISOString()))?.state, { items: ['legal:b'], position: 1 });
      assert.equal(await store.peekSession(learner(1), `${tag}:other`, new Date().toISOString()), undefined);
      const taken = await Promise.all([1, 2, 3].map(() => store.takeSession(learner(1), `${tag}:conv`, new Date().toISOString())));
      assert.equal(taken.filter(Boolean).length, 1);
      assert.deepEqual(taken.find(Boolean), { ...session, state: { items: ['legal:b'], position: 1 } });
      await store.saveSession({ ...session, kind: 'training', expiresAt: '2026-03-01T10:00:00.000Z' });
      assert.equal(await store.peekSession(learner(1), `${tag}:conv`, '2026-03-01T10:00:00.000Z'), undefined, 'expired at its expiry time');
      assert.equal((await store.peekSession(learner(1), `${tag}:conv`, '2026-03-01T09:59:59.000Z'))?.kind, 'training');
      assert.equal(await store.takeSession(learner(1), `${tag}:conv`, '2026-03-01T11:00:00.000Z'), undefined);
    });

    it('forgets an agent entirely, and only that agent', async () => {
      const service = `${tag}-S`;
      for (const n of [1, 2]) {
        await store.noteLearner(learner(n), service, '2026-03-01T08:00:00.000Z');
        await store.recordTraining({ learnerHash: learner(n), service, score: 5, total: 5, passed: true, at: '2026-03-01T09:00:00.000Z' });
        await store.recordAnswer({ learnerHash: learner(n), itemId: 'legal:a', kb: `${tag}-kb`, correct: true, at: '2026-03-01T09:00:00.000Z' }, review(learner(n), 'legal:a'));
        await store.saveSession({ learnerHash: learner(n), conversationKey: 'c', kind: 'quiz', state: {}, expiresAt: '2099-01-01T00:00:00.000Z' });
      }
      assert.equal(await store.forgetLearner(learner(1)), 5);
      assert.equal(await store.trainingStatus(learner(1)), undefined);
      assert.deepEqual(await store.reviews(learner(1)), []);
      assert.equal(await store.peekSession(learner(1), 'c', '2026-03-01T09:00:00.000Z'), undefined);
      assert.deepEqual((await store.coverage('2026-01-01T00:00:00.000Z')).filter((row) => row.service === service), [{ service, agents: 1, trained: 1 }]);
      assert.equal((await store.summary(learner(2), '2026-03-01T09:00:00.000Z')).answers, 1);
      assert.equal(await store.forgetLearner(learner(1)), 0);
    });
  });
}
