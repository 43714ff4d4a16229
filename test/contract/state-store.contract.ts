import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import type { AnswerRecord, AuditRecord, ConversationTurn, FeedbackRecord, StateStore, UnansweredRecord } from '../../state/state-store.ts';
import type { StoredReference } from '../../bots/message.ts';

/**
 * The behaviour every StateStore must have. Registered once per implementation by state-store.test.ts.
 * `cleanup` (run before each test, while no store is open) empties the storage so that list results only
 * hold the test's own records. `persistent: false` (in-memory stores) skips the close-and-reopen test.
 *
 * Times are given in canonical UTC ISO (`toISOString()`), which every store returns unchanged; other ISO
 * forms are compared as instants and come back in that canonical form (tested below).
 */
export function stateStoreContract(
  name: string,
  open: () => Promise<StateStore>,
  cleanup?: () => Promise<void>,
  options: { persistent?: boolean } = {},
): void {
  describe(`StateStore contract: ${name}`, function () {
    this.timeout(30_000);
    let store: StateStore;

    beforeEach(async () => {
      await cleanup?.();
      store = await open();
    });
    afterEach(async () => {
      await store.close();
    });

    /** 2025-01-01T10:00Z plus `minutes`. */
    const at = (minutes: number) => new Date(Date.UTC(2025, 0, 1, 10, minutes)).toISOString();
    const reference = (key: string, extra: Partial<StoredReference> = {}): StoredReference => ({
      key, channel: 'teams', reference: { conversation: { id: key }, serviceUrl: 'https://smba.example/' },
      isDirect: true, active: true, updatedAt: at(0), ...extra,
    });
    const fullFeedback = (minutes: number): FeedbackRecord => ({
      channel: 'teams', messageId: `m${minutes}`, userHash: 'u1', rating: -1, comment: 'Pas clair', reason: 'Inexact, Source manquante', question: 'Délai ?',
      answer: 'Trois mois [1].', citedIds: ['cdd#12', 'cdd#13'], kb: 'douane', at: at(minutes),
    });
    const minimalFeedback = (minutes: number): FeedbackRecord => ({
      channel: 'matrix', messageId: '', userHash: 'u2', rating: 0, citedIds: [], at: at(minutes),
    });
    const fullUnanswered = (minutes: number): UnansweredRecord => ({
      channel: 'matrix', userHash: 'u1', question: 'Franchise ?', kb: 'douane', reason: 'low-confidence',
      nearestIds: ['a#1', 'b#2'], at: at(minutes),
    });
    const minimalUnanswered = (minutes: number): UnansweredRecord => ({
      channel: 'local', userHash: 'u2', question: '?', reason: 'no-passage', nearestIds: [], at: at(minutes),
    });
    const fullAudit = (minutes: number): AuditRecord => ({
      channel: 'teams', userHash: 'u1', kind: 'question', kb: 'douane', citedIds: ['x#1'], model: 'mistral-small',
      inputTokens: 1234, outputTokens: 321, energyWh: 0.4375, latencyMs: 812.5, abstained: false, at: at(minutes),
    });
    const minimalAudit = (minutes: number): AuditRecord => ({
      channel: 'local', userHash: 'u2', kind: 'search', citedIds: [], inputTokens: 0, outputTokens: 0, energyWh: 0,
      latencyMs: 3, abstained: true, at: at(minutes),
    });
    const userTurn = (minutes: number, text = `q${minutes}`): ConversationTurn => ({ role: 'user', text, at: at(minutes) });
    const assistantTurn = (minutes: number): ConversationTurn => ({
      role: 'assistant', text: `a${minutes}`, kb: 'douane', citedIds: ['cdd#1', 'cdd#2'], at: at(minutes),
    });

    describe('markSeen', () => {
      it('hasSeen reads without recording: false before markSeen, true after, false once expired', async () => {
        assert.equal(await store.hasSeen('matrix:$probe'), false);
        assert.equal(await store.hasSeen('matrix:$probe'), false, 'reading records nothing');
        assert.equal(await store.markSeen('matrix:$probe', 300), true);
        assert.equal(await store.hasSeen('matrix:$probe'), true);
        await sleep(500);
        assert.equal(await store.hasSeen('matrix:$probe'), false);
      });

      it('is true the first time and false while the key is remembered', async () => {
        assert.equal(await store.markSeen('teams:activity-1', 60_000), true);
        assert.equal(await store.markSeen('teams:activity-1', 60_000), false);
        assert.equal(await store.markSeen('teams:activity-1', 60_000), false);
        assert.equal(await store.markSeen('teams:activity-2', 60_000), true, 'keys are independent');
      });

      it('is true again once the TTL has passed, then remembers the key again', async () => {
        assert.equal(await store.markSeen('matrix:$event', 300), true);
        assert.equal(await store.markSeen('matrix:$event', 300), false);
        await sleep(500);
        assert.equal(await store.markSeen('matrix:$event', 60_000), true);
        assert.equal(await store.markSeen('matrix:$event', 60_000), false);
      });

      it('gives true to exactly one of 20 concurrent callers', async () => {
        const results = await Promise.all(Array.from({ length: 20 }, () => store.markSeen('teams:dup', 60_000)));
        assert.equal(results.filter(Boolean).length, 1);
        const distinct = await Promise.all(Array.from({ length: 20 }, (_, i) => store.markSeen(`teams:k${i}`, 60_000)));
        assert.deepEqual(distinct, Array(20).fill(true));
      });
    });

    describe('references', () => {
      it('round-trips every field, and leaves absent optional fields absent', async () => {
        const full = reference('teams:19:abc', {
          reference: { user: { id: '29:x', name: 'Agnès' }, nested: [1, 'deux', { trois: true }, null] },
          userId: '29:x', tenant: 'tenant-1', isDirect: false, active: false, inactiveReason: 'uninstalled', updatedAt: at(5),
        });
        const minimal = reference('matrix:!room:example.org', { channel: 'matrix', reference: '!room:example.org' });
        await store.saveReference(full);
        await store.saveReference(minimal);
        assert.deepEqual(await store.getReference(full.key), full);
        const got = await store.getReference(minimal.key);
        assert.deepEqual(got, minimal);
        for (const field of ['userId', 'tenant', 'inactiveReason']) assert.ok(!(field in got!), `${field} should be absent`);
        assert.equal(await store.getReference('teams:unknown'), undefined);
      });

      it('saveReference on an existing key replaces the reference', async () => {
        await store.saveReference(reference('teams:1', { userId: 'old', tenant: 't' }));
        const updated = reference('teams:1', { reference: { conversation: { id: 'new' } }, isDirect: false, updatedAt: at(9) });
        await store.saveReference(updated);
        assert.deepEqual(await store.getReference('teams:1'), updated);
        assert.equal((await store.listReferences()).length, 1);
      });

      it('listReferences filters by channel, active and direct', async () => {
        await store.saveReference(reference('teams:a', { isDirect: true }));
        await store.saveReference(reference('teams:b', { isDirect: false }));
        await store.saveReference(reference('matrix:c', { channel: 'matrix', isDirect: true }));
        await store.saveReference(reference('local:d', { channel: 'local', isDirect: false }));
        await store.deactivateReference('matrix:c', 'left');
        const keys = async (filter?: Parameters<StateStore['listReferences']>[0]) =>
          (await store.listReferences(filter)).map((r) => r.key).sort();
        assert.deepEqual(await keys(), ['local:d', 'matrix:c', 'teams:a', 'teams:b']);
        assert.deepEqual(await keys({}), ['local:d', 'matrix:c', 'teams:a', 'teams:b']);
        assert.deepEqual(await keys({ channel: 'teams' }), ['teams:a', 'teams:b']);
        assert.deepEqual(await keys({ activeOnly: true }), ['local:d', 'teams:a', 'teams:b']);
        assert.deepEqual(await keys({ directOnly: true }), ['matrix:c', 'teams:a']);
        assert.deepEqual(await keys({ directOnly: true, activeOnly: true }), ['teams:a']);
        assert.deepEqual(await keys({ channel: 'matrix', activeOnly: true }), []);
        assert.deepEqual((await store.listReferences({ channel: 'teams' })).find((r) => r.key === 'teams:a'), reference('teams:a'));
      });

      it('deactivateReference keeps the reason and the rest of the reference; saving it again reactivates', async () => {
        const saved = reference('teams:blocked', { userId: '29:y', tenant: 't' });
        await store.saveReference(saved);
        await store.deactivateReference('teams:blocked', 'blocked (403)');
        const got = await store.getReference('teams:blocked');
        assert.equal(got?.active, false);
        assert.equal(got?.inactiveReason, 'blocked (403)');
        assert.deepEqual({ ...got, active: true, inactiveReason: undefined, updatedAt: saved.updatedAt }, { ...saved, inactiveReason: undefined });
        assert.deepEqual(await store.listReferences({ activeOnly: true }), []);
        await store.deactivateReference('teams:never-saved', 'left'); // no-op, no error
        assert.equal(await store.getReference('teams:never-saved'), undefined);
        await store.saveReference(saved);
        assert.deepEqual(await store.getReference('teams:blocked'), saved);
      });
    });

    describe('markNotified', () => {
      it('is true once per user, and for exactly one of 20 concurrent callers', async () => {
        assert.equal(await store.markNotified('teams:u1'), true);
        assert.equal(await store.markNotified('teams:u1'), false);
        assert.equal(await store.markNotified('teams:u2'), true);
        const results = await Promise.all(Array.from({ length: 20 }, () => store.markNotified('matrix:@a:x')));
        assert.equal(results.filter(Boolean).length, 1);
      });
    });

    describe('conversation turns', () => {
      it('recentTurns returns turns oldest first, by time rather than insertion order, with their fields', async () => {
        await store.appendTurn('c1', assistantTurn(2));
        await store.appendTurn('c1', userTurn(1));
        await store.appendTurn('c1', userTurn(3));
        const turns = await store.recentTurns('c1', 10, at(-60));
        assert.deepEqual(turns, [userTurn(1), assistantTurn(2), userTurn(3)]);
        assert.ok(!('kb' in turns[0]!) && !('citedIds' in turns[0]!), 'absent optional fields stay absent');
      });

      it('keeps the last `limit` turns and only those newer than `since`', async () => {
        for (let minute = 1; minute <= 5; minute++) await store.appendTurn('c1', userTurn(minute));
        assert.deepEqual(await store.recentTurns('c1', 2, at(0)), [userTurn(4), userTurn(5)]);
        assert.deepEqual(await store.recentTurns('c1', 10, at(2)), [userTurn(3), userTurn(4), userTurn(5)]);
        assert.deepEqual(await store.recentTurns('c1', 10, at(5)), []);
        assert.deepEqual(await store.recentTurns('c1', 0, at(0)), []);
      });

      it('keeps conversations apart; clearConversation clears only its own', async () => {
        await store.appendTurn('teams:a', userTurn(1, 'dans a'));
        await store.appendTurn('teams:b', userTurn(2, 'dans b'));
        assert.deepEqual(await store.recentTurns('teams:a', 10, at(0)), [userTurn(1, 'dans a')]);
        await store.clearConversation('teams:a');
        assert.deepEqual(await store.recentTurns('teams:a', 10, at(0)), []);
        assert.deepEqual(await store.recentTurns('teams:b', 10, at(0)), [userTurn(2, 'dans b')]);
        await store.appendTurn('teams:a', userTurn(3));
        assert.deepEqual(await store.recentTurns('teams:a', 10, at(0)), [userTurn(3)]);
      });
    });

    describe('answers', () => {
      it('saves and gets by (channel, messageId); saving again replaces', async () => {
        const answer: AnswerRecord = { messageId: 'm1', channel: 'teams', conversationKey: 'teams:c', question: 'Q ?', answer: 'R [1]', kb: 'douane', citedIds: ['a#1'], at: at(1) };
        const { kb: _kb, ...withoutKb } = answer;
        const other: AnswerRecord = { ...withoutKb, channel: 'matrix', conversationKey: 'matrix:c', citedIds: [] };
        await store.saveAnswer(answer);
        await store.saveAnswer(other);
        assert.deepEqual(await store.getAnswer('teams', 'm1'), answer);
        const got = await store.getAnswer('matrix', 'm1');
        assert.deepEqual(got, other);
        assert.ok(!('kb' in got!));
        assert.equal(await store.getAnswer('local', 'm1'), undefined);
        assert.equal(await store.getAnswer('teams', 'm2'), undefined);
        await store.saveAnswer({ ...answer, answer: 'Corrigée', at: at(2) });
        assert.equal((await store.getAnswer('teams', 'm1'))?.answer, 'Corrigée');
      });
    });

    describe('feedback, unanswered and audit journals', () => {
      function journal<T extends object>(name: string, full: (m: number) => T, minimal: (m: number) => T, record: (r: T) => Promise<void>, list: (n: number) => Promise<T[]>): void {
        it(`${name}: lists newest first, every field round-tripping, absent optional fields absent`, async () => {
          await record(full(2));
          await record(minimal(3));
          await record(full(1));
          const listed = await list(10);
          assert.deepEqual(listed, [minimal(3), full(2), full(1)]);
          for (const field of Object.keys(full(0))) {
            if (!(field in minimal(0))) assert.ok(!(field in listed[0]!), `${field} should be absent`);
          }
        });

        it(`${name}: the limit keeps the newest records`, async () => {
          for (let minute = 1; minute <= 5; minute++) await record(full(minute));
          assert.deepEqual(await list(2), [full(5), full(4)]);
          assert.deepEqual(await list(0), []);
        });
      }
      journal('feedback', fullFeedback, minimalFeedback, (r) => store.recordFeedback(r), (n) => store.listFeedback(n));
      it('feedback: a second rating by the same user on the same answer replaces the first; remarks add up', async () => {
        await store.recordFeedback({ ...fullFeedback(1), messageId: 'answer-1', rating: 1 });
        await store.recordFeedback({ ...fullFeedback(2), messageId: 'answer-1', rating: -1 });
        await store.recordFeedback({ ...fullFeedback(3), messageId: 'answer-1', userHash: 'u9', rating: 1 });
        await store.recordFeedback({ ...minimalFeedback(4), userHash: 'u1' });
        await store.recordFeedback({ ...minimalFeedback(5), userHash: 'u1' });
        const listed = await store.listFeedback(10);
        assert.deepEqual(listed.map((r) => `${r.messageId}/${r.userHash}/${r.rating}`), ['/u1/0', '/u1/0', 'answer-1/u9/1', 'answer-1/u1/-1']);
      });

      it('feedback: withdrawRating removes that user’s rating of that answer only', async () => {
        await store.recordFeedback({ ...fullFeedback(1), messageId: 'answer-2', rating: 1 });
        await store.recordFeedback({ ...fullFeedback(2), messageId: 'answer-2', userHash: 'u9', rating: 1 });
        assert.equal(await store.withdrawRating('teams', 'answer-2', 'u1'), 1);
        assert.equal(await store.withdrawRating('teams', 'answer-2', 'u1'), 0);
        assert.deepEqual((await store.listFeedback(10)).map((r) => `${r.messageId}/${r.userHash}`), ['answer-2/u9']);
      });

      journal('unanswered', fullUnanswered, minimalUnanswered, (r) => store.recordUnanswered(r), (n) => store.listUnanswered(n));
      journal('audit', fullAudit, minimalAudit, (r) => store.recordAudit(r), (n) => store.listAudit(n));

      it('purgeAudit deletes records older than `before`, returns how many, keeps the rest', async () => {
        for (const minute of [1, 2, 3, 4]) await store.recordAudit(fullAudit(minute));
        assert.equal(await store.purgeAudit(at(3)), 2);
        assert.deepEqual(await store.listAudit(10), [fullAudit(4), fullAudit(3)], 'a record exactly at `before` is kept');
        assert.equal(await store.purgeAudit(at(3)), 0);
        assert.equal(await store.purgeAudit(at(60)), 2);
        assert.deepEqual(await store.listAudit(10), []);
      });
    });

    describe('activity statistics', () => {
      it('aggregates answers by day, base, channel and kind, latencies in buckets and ratings by day, over the period', async () => {
        const answer = (minutes: number, extra: Partial<AuditRecord>): AuditRecord => ({
          channel: 'teams', userHash: 'u', kind: 'extractive', kb: 'code', citedIds: [], inputTokens: 0, outputTokens: 0, energyWh: 0, latencyMs: 100, abstained: false, at: at(minutes), ...extra,
        });
        await store.recordAudit(answer(1, { kind: 'generative', inputTokens: 100, outputTokens: 50, energyWh: 0.045, latencyMs: 1_200 }));
        await store.recordAudit(answer(2, { kind: 'generative', inputTokens: 10, outputTokens: 5, energyWh: 0.005, latencyMs: 1_400 }));
        await store.recordAudit(answer(3, { kind: 'abstention', abstained: true, latencyMs: 90_000 }));
        await store.recordAudit(answer(4, { channel: 'matrix', kb: 'rh' }));
        await store.recordAudit(answer(24 * 60 + 5, { kind: 'refusal' }));
        const { kb: _kb, ...noBase } = answer(6, {});
        await store.recordAudit(noBase);
        await store.recordAudit(answer(7, { kind: 'announce-refused', latencyMs: 0 }));
        await store.recordAudit(answer(-60 * 24, {}));
        await store.recordFeedback({ ...fullFeedback(1), rating: 1 });
        await store.recordFeedback({ ...fullFeedback(2), rating: -1 });
        await store.recordFeedback({ ...fullFeedback(3), rating: -1 });
        await store.recordFeedback({ ...fullFeedback(4), rating: 0 });
        const figures = await store.activity(at(0), at(2 * 24 * 60));
        const day = at(0).slice(0, 10);
        const next = at(24 * 60).slice(0, 10);
        assert.deepEqual(figures.answers.map((row) => [row.day, row.kb, row.channel, row.kind, row.count]), [
          [day, '', 'teams', 'extractive', 1],
          [day, 'code', 'teams', 'abstention', 1],
          [day, 'code', 'teams', 'generative', 2],
          [day, 'rh', 'matrix', 'extractive', 1],
          [next, 'code', 'teams', 'refusal', 1],
        ]);
        const generative = figures.answers.find((row) => row.kind === 'generative');
        assert.deepEqual([generative?.inputTokens, generative?.outputTokens], [110, 55]);
        assert.ok(Math.abs((generative?.energyWh ?? 0) - 0.05) < 1e-9);
        assert.equal(figures.latency.reduce((sum, n) => sum + n, 0), 6);
        assert.equal(figures.latency[0], 3, '≤ 250 ms');
        assert.equal(figures.latency[4], 2, '1 000 < latency ≤ 1 500 ms');
        assert.equal(figures.latency.at(-1), 1, 'beyond the last bound');
        assert.deepEqual(figures.ratings, [{ day, rating: -1, count: 2 }, { day, rating: 1, count: 1 }]);
        const empty = await store.activity(at(5 * 24 * 60), at(6 * 24 * 60));
        assert.deepEqual([empty.answers, empty.ratings, empty.latency.every((n) => n === 0)], [[], [], true]);
      });
    });

    describe('rate slots (questions held by the rate limit)', () => {
      const held = { channel: 'teams', id: 'in-7', text: 'Délai de recours ?', nested: { thread: null, list: [1, 'deux'] } };
      it('lists a user\'s recent slots and every held one, oldest first; due ones across users; releases once', async () => {
        await store.addSlot({ id: 's1', userKey: 'teams:u1', at: at(0) });
        await store.addSlot({ id: 's2', userKey: 'teams:u1', at: at(2) });
        await store.addSlot({ id: 'h2', userKey: 'teams:u1', at: at(4), message: held });
        await store.addSlot({ id: 'h1', userKey: 'teams:u1', at: at(3), message: { text: 'avant' } });
        await store.addSlot({ id: 'o1', userKey: 'matrix:@u2:x', at: at(1), message: { text: 'autre' } });
        assert.deepEqual(await store.userSlots('teams:u1', at(1)), [
          { id: 's2', userKey: 'teams:u1', at: at(2) },
          { id: 'h1', userKey: 'teams:u1', at: at(3), message: { text: 'avant' } },
          { id: 'h2', userKey: 'teams:u1', at: at(4), message: held },
        ]);
        assert.deepEqual((await store.userSlots('teams:u1', at(10))).map((slot) => slot.id), ['h1', 'h2'], 'held slots whatever their time');
        assert.deepEqual((await store.dueSlots(at(3), 10)).map((slot) => slot.id), ['o1', 'h1']);
        assert.deepEqual((await store.dueSlots(at(9), 1)).map((slot) => slot.id), ['o1']);
        const results = await Promise.all(Array.from({ length: 10 }, () => store.releaseSlot('h1')));
        assert.equal(results.filter(Boolean).length, 1, 'released for exactly one caller');
        assert.equal(await store.releaseSlot('unknown'), false);
        assert.deepEqual((await store.dueSlots(at(9), 10)).map((slot) => slot.id), ['o1', 'h2']);
        // The rate limiter asks for the next held question with the latest date every store parses.
        assert.deepEqual((await store.dueSlots('9999-12-31T23:59:59.999Z', 10)).map((slot) => slot.id), ['o1', 'h2']);
        assert.deepEqual(await store.userSlots('teams:u1', at(3)), [{ id: 'h1', userKey: 'teams:u1', at: at(3) }, { id: 'h2', userKey: 'teams:u1', at: at(4), message: held }], 'a released slot stays counted');
      });

      it('pruneSlots deletes old slots that hold no message, never a held one', async () => {
        await store.addSlot({ id: 'old', userKey: 'k', at: at(0) });
        await store.addSlot({ id: 'old-held', userKey: 'k', at: at(0), message: { text: 'q' } });
        await store.addSlot({ id: 'new', userKey: 'k', at: at(5) });
        assert.equal(await store.pruneSlots(at(3)), 1);
        assert.deepEqual((await store.userSlots('k', at(0))).map((slot) => slot.id), ['old-held', 'new']);
      });
    });

    describe('room settings', () => {
      it('round-trips, replaces, lists by key; unknown room: undefined', async () => {
        const full = { roomKey: 'matrix:!salon:agent.tchap.gouv.fr', channel: 'matrix' as const, settings: { bases: ['hr', 'legal'], mentionOnly: false, announcements: false, aiNotice: 'Texte « propre » au salon.\nDeux lignes.' }, updatedBy: 'h1', updatedAt: at(1) };
        const minimal = { roomKey: 'teams:19:abc@thread.tacv2', channel: 'teams' as const, settings: {}, updatedBy: 'h2', updatedAt: at(2) };
        await store.saveRoomSettings(full);
        await store.saveRoomSettings(minimal);
        assert.deepEqual(await store.getRoomSettings(full.roomKey), full);
        assert.deepEqual(await store.getRoomSettings(minimal.roomKey), minimal);
        assert.equal(await store.getRoomSettings('teams:inconnu'), undefined);
        const changed = { ...full, settings: { mentionOnly: true }, updatedBy: 'h3', updatedAt: at(3) };
        await store.saveRoomSettings(changed);
        assert.deepEqual(await store.getRoomSettings(full.roomKey), changed);
        assert.deepEqual((await store.listRoomSettings()).map((record) => record.roomKey), [full.roomKey, minimal.roomKey]);
      });
    });

    describe('sync runs', () => {
      it('round-trips a run with its reports, replaces by id, lists newest first, by schedule and limit', async () => {
        const report = { source: 'legi', kb: 'legal', steps: [{ name: 'LEGI_20240102-203000.tar.gz', status: 'applied', articles: 2 }], codes: [{ code: 'Code des douanes', added: 1, changed: 1, ended: 1, removed: 0 }], missingDays: ['2024-01-03'], complete: true };
        const first = { id: 'repeat:sync:legi-legal:1#1', schedule: 'legi-legal', source: 'legi', bases: ['legal'], status: 'failed' as const, attempt: 1, retryAt: at(2), startedAt: at(1), finishedAt: at(1), reports: [report], errors: ['La source officielle « Légifrance » ne répond pas.'] };
        const second = { ...first, id: 'repeat:sync:legi-legal:1#2', status: 'success' as const, attempt: 2, startedAt: at(3), finishedAt: at(4), errors: [] };
        const { retryAt: _none, ...withoutRetry } = second;
        const other = { ...withoutRetry, id: 'repeat:sync:legifrance-hr:5#1', schedule: 'legifrance-hr', source: 'legifrance', bases: ['hr', 'legal'], startedAt: at(5), finishedAt: at(5) };
        await store.recordSyncRun(first);
        await store.recordSyncRun(withoutRetry);
        await store.recordSyncRun(other);
        assert.deepEqual(await store.listSyncRuns(10), [other, withoutRetry, first]);
        assert.deepEqual(await store.listSyncRuns(10, 'legi-legal'), [withoutRetry, first]);
        assert.deepEqual(await store.listSyncRuns(1), [other]);
        await store.recordSyncRun({ ...first, errors: ['autre'] });
        assert.deepEqual((await store.listSyncRuns(10, 'legi-legal')).map((run) => run.errors), [[], ['autre']]);
        assert.deepEqual(await store.listSyncRuns(10, 'inconnue'), []);
      });
    });

    describe('cache', () => {
      it('gets what was set, undefined for a missing key; setting again overwrites', async () => {
        assert.equal(await store.cacheGet('douane:q1'), undefined);
        await store.cacheSet('douane:q1', '{"answer":1}', 60_000);
        assert.equal(await store.cacheGet('douane:q1'), '{"answer":1}');
        await store.cacheSet('douane:q1', 'v2', 60_000);
        assert.equal(await store.cacheGet('douane:q1'), 'v2');
        await store.cacheSet('douane:empty', '', 60_000);
        assert.equal(await store.cacheGet('douane:empty'), '');
      });

      it('forgets an entry once its TTL has passed, and a new set revives it', async () => {
        await store.cacheSet('k', 'v', 300);
        assert.equal(await store.cacheGet('k'), 'v');
        await sleep(500);
        assert.equal(await store.cacheGet('k'), undefined);
        await store.cacheSet('k', 'v2', 60_000);
        assert.equal(await store.cacheGet('k'), 'v2');
      });

      it('cacheInvalidate deletes the live entries under a prefix (taken literally) and returns how many', async () => {
        for (const key of ['douane:1', 'douane:2', 'douanes:1', 'tva:1', 'a_b:1', 'axb:1', '50%:1', '50x:1']) await store.cacheSet(key, key, 60_000);
        await store.cacheSet('douane:expired', 'old', 1);
        await sleep(50);
        assert.equal(await store.cacheInvalidate('douane:'), 2);
        assert.equal(await store.cacheGet('douane:1'), undefined);
        assert.equal(await store.cacheGet('douanes:1'), 'douanes:1');
        assert.equal(await store.cacheGet('tva:1'), 'tva:1');
        assert.equal(await store.cacheInvalidate('a_b:'), 1, '_ is not a wildcard');
        assert.equal(await store.cacheGet('axb:1'), 'axb:1');
        assert.equal(await store.cacheInvalidate('50%'), 1, '% is not a wildcard');
        assert.equal(await store.cacheGet('50x:1'), '50x:1');
        assert.equal(await store.cacheInvalidate('nothing:'), 0);
      });
    });

    describe('data', () => {
      const unicode = 'Déclaration « EX-A » — ça coûte 12 € ; 税関 ; جمارك ; 🇫🇷🛃👩🏽‍💼 ; e\u0301 ; "quotes" \'apos\' \\ ; \n\t ; \'); DROP TABLE turns; --';
      /** The first `n` code points (never half a surrogate pair, which no UTF-8 store can keep). */
      const head = (text: string, n: number) => Array.from(text).slice(0, n).join('');
      const large = `${unicode} `.repeat(Math.ceil(102_400 / (unicode.length + 1))); // ≥ 100 KB, whole code points

      it('round-trips unicode and 100 KB texts in every kind of field', async () => {
        for (const [i, text] of [unicode, large].entries()) {
          const key = `teams:${i}:${head(text, 40)}`;
          assert.equal(await store.markSeen(key, 60_000), true);
          assert.equal(await store.markSeen(key, 60_000), false);
          await store.saveReference(reference(key, { reference: { text }, userId: text }));
          assert.deepEqual(await store.getReference(key), reference(key, { reference: { text }, userId: text }));
          await store.clearConversation(key);
          await store.appendTurn(key, userTurn(1, text));
          assert.deepEqual(await store.recentTurns(key, 5, at(0)), [userTurn(1, text)]);
          const answer = { messageId: `${i}${head(text, 64)}`, channel: 'teams' as const, conversationKey: key, question: text, answer: text, citedIds: [head(text, 30)], at: at(1) };
          await store.saveAnswer(answer);
          assert.deepEqual(await store.getAnswer('teams', answer.messageId), answer);
          await store.recordFeedback({ ...fullFeedback(50 + i), comment: text, citedIds: [text] });
          assert.deepEqual((await store.listFeedback(1))[0], { ...fullFeedback(50 + i), comment: text, citedIds: [text] });
          await store.cacheSet(key, text, 60_000);
          assert.equal(await store.cacheGet(key), text);
        }
      });

      it('compares times as instants and returns them in canonical UTC ISO', async () => {
        await store.recordFeedback({ ...fullFeedback(0), messageId: 'paris', at: '2025-03-01T12:00:00+01:00' });
        await store.recordFeedback({ ...fullFeedback(0), messageId: 'utc', at: '2025-03-01T11:30:00Z' });
        const listed = await store.listFeedback(10);
        assert.deepEqual(listed.map((f) => [f.messageId, f.at]), [['utc', '2025-03-01T11:30:00.000Z'], ['paris', '2025-03-01T11:00:00.000Z']]);
        await assert.rejects(store.recordAudit({ ...fullAudit(0), at: 'not a date' }));
      });

      if (options.persistent !== false) {
        it('keeps everything across close and reopen', async () => {
          const answer = { messageId: 'm', channel: 'teams' as const, conversationKey: 'c', question: 'q', answer: 'a', citedIds: ['x'], at: at(1) };
          await store.markSeen('seen', 60_000);
          await store.markNotified('user');
          await store.saveReference(reference('teams:r', { userId: 'u' }));
          await store.appendTurn('c', assistantTurn(1));
          await store.saveAnswer(answer);
          await store.recordFeedback(fullFeedback(1));
          await store.recordUnanswered(fullUnanswered(1));
          await store.recordAudit(fullAudit(1));
          await store.cacheSet('cache', 'value', 60_000);
          await store.close();
          await store.close(); // idempotent
          store = await open();
          assert.equal(await store.markSeen('seen', 60_000), false);
          assert.equal(await store.markNotified('user'), false);
          assert.deepEqual(await store.getReference('teams:r'), reference('teams:r', { userId: 'u' }));
          assert.deepEqual(await store.recentTurns('c', 10, at(0)), [assistantTurn(1)]);
          assert.deepEqual(await store.getAnswer('teams', 'm'), answer);
          assert.deepEqual(await store.listFeedback(10), [fullFeedback(1)]);
          assert.deepEqual(await store.listUnanswered(10), [fullUnanswered(1)]);
          assert.deepEqual(await store.listAudit(10), [fullAudit(1)]);
          assert.equal(await store.cacheGet('cache'), 'value');
        });
      }
    });
  });
}
