import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { PasserelleError } from '../../../bots/errors.ts';
import type { JobContext, JobQueue } from '../../../queue/job-queue.ts';
import { waitFor } from './redis-helpers.ts';

/**
 * The JobQueue port's contract, run against every implementation (bull on real Redis, in-process). Each
 * test gets a fresh queue from `open` and closes it.
 */

export interface QueueUnderTest {
  open(): Promise<JobQueue<Payload>>;
  /** Removes what the queue left behind (Redis keys). */
  cleanup(): Promise<void>;
  /** How late a cancellation of an active job may be noticed, ms. */
  cancelLatencyMs: number;
}

export interface Payload {
  n: number;
}

/** A gate processors wait on, released by the test. */
function gate(): { wait: Promise<void>; open(): void } {
  let open!: () => void;
  const wait = new Promise<void>((resolve) => (open = resolve));
  return { wait, open };
}

function untilAborted(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) => {
    if (signal.aborted) reject(signal.reason);
    signal.addEventListener('abort', () => reject(signal.reason), { once: true });
  });
}

export function jobQueueContract(label: string, subject: QueueUnderTest): void {
  describe(`JobQueue contract — ${label}`, function () {
    this.timeout(20_000);
    let queue: JobQueue<Payload>;
    const gates: Array<{ open(): void }> = [];

    beforeEach(async () => {
      queue = await subject.open();
    });
    afterEach(async () => {
      for (const entry of gates.splice(0)) entry.open();
      await queue.close();
      await subject.cleanup();
    });

    it('adds idempotently by id: a second add returns the same job, created false, and it runs once', async () => {
      const runs: number[] = [];
      assert.deepEqual(await queue.add({ n: 1 }, { jobId: 'same' }), { id: 'same', created: true });
      assert.deepEqual(await queue.add({ n: 2 }, { jobId: 'same' }), { id: 'same', created: false });
      queue.process(1, async (data) => void runs.push(data.n));
      await waitFor(async () => (await queue.get('same'))?.state === 'completed', 'completion');
      assert.deepEqual(await queue.add({ n: 3 }, { jobId: 'same' }), { id: 'same', created: false }, 'a completed job is still deduplicated');
      await sleep(100);
      assert.deepEqual(runs, [1]);
    });

    it('runs at most `concurrency` jobs at a time, and all of them', async () => {
      const release = gate();
      gates.push(release);
      let running = 0;
      let peak = 0;
      const done: number[] = [];
      queue.process(2, async (data) => {
        running++;
        peak = Math.max(peak, running);
        await release.wait;
        running--;
        done.push(data.n);
      });
      for (let n = 1; n <= 5; n++) await queue.add({ n }, { jobId: `c${n}` });
      await waitFor(() => running === 2, 'two jobs running');
      await sleep(150);
      assert.equal(running, 2, 'no third job started while two are active');
      release.open();
      await waitFor(() => done.length === 5, 'all five jobs');
      assert.equal(peak, 2);
      assert.deepEqual([...done].sort(), [1, 2, 3, 4, 5]);
    });

    it('reports progress and snapshots: pending in creation order, get of a job, unknown ids', async () => {
      const release = gate();
      gates.push(release);
      queue.process(1, async (_data, context) => {
        await context.reportProgress(40.4);
        await release.wait;
      });
      await queue.add({ n: 1 }, { jobId: 'p1' });
      await sleep(5);
      await queue.add({ n: 2 }, { jobId: 'p2' });
      await waitFor(async () => (await queue.get('p1'))?.progress === 40, 'progress 40');
      const pending = await queue.pending();
      assert.deepEqual(pending.map((job) => [job.id, job.state, job.data.n]), [['p1', 'active', 1], ['p2', 'waiting', 2]]);
      assert.ok((pending[0]?.createdAt ?? 0) <= (pending[1]?.createdAt ?? 0));
      assert.equal(await queue.get('nope'), undefined);
      release.open();
      await waitFor(async () => (await queue.get('p2'))?.state === 'completed', 'both completed');
      assert.deepEqual(await queue.pending(), []);
      assert.equal((await queue.get('p1'))?.attemptsMade, 0);
    });

    it('retries a transient error with exponential backoff, attempt numbers 1, 2, 3', async () => {
      const attempts: Array<{ attempt: number; at: number }> = [];
      queue.process(1, async (_data, context) => {
        attempts.push({ attempt: context.attempt, at: Date.now() });
        if (context.attempt < 3) throw new Error('modèle indisponible');
      });
      await queue.add({ n: 1 }, { jobId: 'retry', attempts: 3, backoffMs: 250 });
      await waitFor(async () => (await queue.get('retry'))?.state === 'completed', 'completion after retries');
      assert.deepEqual(attempts.map((entry) => entry.attempt), [1, 2, 3]);
      const first = (attempts[1]?.at ?? 0) - (attempts[0]?.at ?? 0);
      const second = (attempts[2]?.at ?? 0) - (attempts[1]?.at ?? 0);
      assert.ok(first >= 240, `first retry after ${first} ms, expected ≥ 250`);
      assert.ok(second >= 480 && second < 700, `second retry after ${second} ms, expected about 500 (doubled)`);
      assert.equal((await queue.get('retry'))?.attemptsMade, 2);
    });

    it('keeps the steps a run finished across its retries, and starts a job added again afresh', async () => {
      const seen: Array<string | undefined> = [];
      queue.process(1, async (data, context) => {
        seen.push(await context.steps?.get('map-1'));
        await context.steps?.set('map-1', `résumé partiel ${data.n}`);
        if (data.n === 1 && context.attempt < 2) throw new Error('modèle indisponible');
      });
      await queue.add({ n: 1 }, { jobId: 'steps', attempts: 2, backoffMs: 50 });
      await waitFor(async () => (await queue.get('steps'))?.state === 'completed', 'completion after a retry');
      assert.deepEqual(seen, [undefined, 'résumé partiel 1'], 'the retry finds the first attempt’s step');
      await queue.add({ n: 2 }, { jobId: 'steps-2', attempts: 1 });
      await waitFor(async () => (await queue.get('steps-2'))?.state === 'completed', 'another job');
      assert.equal(seen[2], undefined, 'another job has steps of its own');
    });

    it('fails a job for good once its attempts are spent, with the reason', async () => {
      let calls = 0;
      queue.process(1, async () => {
        calls++;
        throw new Error('toujours en panne');
      });
      await queue.add({ n: 1 }, { jobId: 'spent', attempts: 2, backoffMs: 50 });
      const failed = await waitFor(async () => {
        const job = await queue.get('spent');
        return job?.state === 'failed' ? job : undefined;
      }, 'failure');
      assert.equal(calls, 2);
      assert.equal(failed.attemptsMade, 2);
      assert.equal(failed.failedReason, 'toujours en panne');
    });

    it('does not retry a job that failed with a non-retryable catalogue error', async () => {
      let calls = 0;
      queue.process(1, async () => {
        calls++;
        throw new PasserelleError('FILE_CORRUPT', { file: 'note.pdf', reason: 'bad pdf' });
      });
      await queue.add({ n: 1 }, { jobId: 'permanent', attempts: 3, backoffMs: 50 });
      await waitFor(async () => (await queue.get('permanent'))?.state === 'failed', 'failure');
      await sleep(300);
      assert.equal(calls, 1);
      assert.equal((await queue.get('permanent'))?.state, 'failed');
    });

    it('aborts the signal when the per-attempt time limit passes, and does not retry', async () => {
      const reasons: string[] = [];
      let calls = 0;
      queue.process(1, async (_data, context) => {
        calls++;
        try {
          await untilAborted(context.signal);
        } catch (error) {
          reasons.push((error as Error).message);
          throw error;
        }
      });
      const started = Date.now();
      await queue.add({ n: 1 }, { jobId: 'slow', attempts: 3, backoffMs: 50, timeoutMs: 200 });
      await waitFor(async () => (await queue.get('slow'))?.state === 'failed', 'failure by timeout');
      assert.ok(Date.now() - started >= 190);
      await sleep(200);
      assert.deepEqual(reasons, ['timeout']);
      assert.equal(calls, 1);
    });

    it('cancels a waiting job: it never runs and leaves the pending list', async () => {
      const release = gate();
      gates.push(release);
      const ran: number[] = [];
      queue.process(1, async (data) => {
        ran.push(data.n);
        if (data.n === 1) await release.wait;
      });
      await queue.add({ n: 1 }, { jobId: 'w1' });
      await queue.add({ n: 2 }, { jobId: 'w2' });
      await waitFor(() => ran.length === 1, 'first job active');
      assert.equal(await queue.cancel('w2'), true);
      assert.deepEqual((await queue.pending()).map((job) => job.id), ['w1']);
      const snapshot = await queue.get('w2');
      assert.ok(snapshot === undefined || snapshot.state === 'cancelled', `state ${snapshot?.state}`);
      release.open();
      await waitFor(async () => (await queue.get('w1'))?.state === 'completed', 'first completed');
      await sleep(200);
      assert.deepEqual(ran, [1]);
      assert.equal(await queue.cancel('w2'), false, 'a second cancel finds nothing to cancel');
    });

    it('cancels an active job through its signal; a finished or unknown job cannot be cancelled', async () => {
      let context: JobContext | undefined;
      const outcomes: string[] = [];
      queue.process(1, async (_data, jobContext) => {
        context = jobContext;
        try {
          await untilAborted(jobContext.signal);
        } catch (error) {
          outcomes.push((error as Error).message);
          throw error;
        }
      });
      await queue.add({ n: 1 }, { jobId: 'a1', attempts: 3, backoffMs: 50 });
      await waitFor(() => context, 'job active');
      const asked = Date.now();
      assert.equal(await queue.cancel('a1'), true);
      await waitFor(() => outcomes.length === 1, 'processor stopped', subject.cancelLatencyMs + 2_000);
      assert.ok(Date.now() - asked <= subject.cancelLatencyMs + 500, `stopped ${Date.now() - asked} ms after cancel`);
      assert.deepEqual(outcomes, ['cancelled']);
      await waitFor(async () => (await queue.get('a1'))?.state === 'cancelled', 'cancelled state');
      await sleep(200);
      assert.equal(outcomes.length, 1, 'a cancelled job is not retried');
      assert.deepEqual(await queue.pending(), []);
      assert.equal(await queue.cancel('a1'), false);
      assert.equal(await queue.cancel('unknown'), false);
    });

    it('runs a job again when the same id is added after it failed or was cancelled', async () => {
      const runs: string[] = [];
      queue.process(1, async (data, context) => {
        runs.push(`${context.id}:${data.n}`);
        if (data.n === 1) throw new PasserelleError('JOB_INVALID');
      });
      await queue.add({ n: 1 }, { jobId: 'again' });
      await waitFor(async () => (await queue.get('again'))?.state === 'failed', 'failure');
      assert.deepEqual(await queue.add({ n: 2 }, { jobId: 'again' }), { id: 'again', created: true });
      await waitFor(async () => (await queue.get('again'))?.state === 'completed', 'second run');
      assert.deepEqual(runs, ['again:1', 'again:2']);
    });

    it('runs a job again when the same id is added after a cancellation', async () => {
      const release = gate();
      gates.push(release);
      const runs: number[] = [];
      queue.process(1, async (data) => {
        runs.push(data.n);
        if (data.n === 1) await release.wait;
      });
      await queue.add({ n: 1 }, { jobId: 'block' });
      await queue.add({ n: 2 }, { jobId: 'redo' });
      await waitFor(() => runs.length === 1, 'blocker active');
      assert.equal(await queue.cancel('redo'), true);
      assert.deepEqual(await queue.add({ n: 3 }, { jobId: 'redo' }), { id: 'redo', created: true });
      release.open();
      await waitFor(async () => (await queue.get('redo'))?.state === 'completed', 'redo completed');
      assert.deepEqual(runs, [1, 3]);
    });

    it('runs higher-priority jobs first (1 = highest)', async () => {
      const release = gate();
      gates.push(release);
      const order: number[] = [];
      queue.process(1, async (data) => {
        order.push(data.n);
        if (data.n === 0) await release.wait;
      });
      await queue.add({ n: 0 }, { jobId: 'first', priority: 5 });
      await waitFor(() => order.length === 1, 'first active');
      await queue.add({ n: 5 }, { jobId: 'low', priority: 5 });
      await queue.add({ n: 1 }, { jobId: 'high', priority: 1 });
      release.open();
      await waitFor(() => order.length === 3, 'all ran');
      assert.deepEqual(order, [0, 1, 5]);
    });

    it('counts its jobs by state (queue depth)', async () => {
      const release = gate();
      queue.process(1, async () => release.wait);
      await queue.add({ n: 1 }, { jobId: 'running' });
      await waitFor(async () => (await queue.counts()).active === 1, 'one active');
      await queue.add({ n: 2 }, { jobId: 'queued-1' });
      await queue.add({ n: 3 }, { jobId: 'queued-2' });
      assert.deepEqual(await queue.counts(), { waiting: 2, delayed: 0, active: 1, failed: 0 });
      release.open();
      await waitFor(async () => (await queue.counts()).waiting + (await queue.counts()).active === 0, 'all done');
    });

    it('repeats a job on a schedule, each run an ordinary job, once per key however often it is declared; prune stops it', async () => {
      const runs: Array<{ n: number; id: string; attempt: number }> = [];
      queue.process(1, async (data, context) => {
        runs.push({ n: data.n, id: context.id, attempt: context.attempt });
        // The first run fails once: a run is retried like any job.
        if (runs.length === 1) throw new Error('transient');
      });
      await queue.repeat({ n: 7 }, { key: 'every-300', everyMs: 300, attempts: 2, backoffMs: 50 });
      await queue.repeat({ n: 7 }, { key: 'every-300', everyMs: 300, attempts: 2, backoffMs: 50 });
      await waitFor(async () => new Set(runs.filter((run) => run.attempt === 1).map((run) => run.id)).size >= 3, 'three scheduled runs');
      assert.ok(runs.every((run) => run.n === 7 && run.id.startsWith('repeat:')));
      assert.ok(runs.some((run) => run.attempt === 2 && run.id === runs[0]?.id), 'the failed run was tried again');
      const ids = runs.filter((run) => run.attempt === 1).map((run) => run.id);
      assert.equal(new Set(ids).size, ids.length, 'declared twice, still one run per due time');
      await queue.pruneRepeats([]);
      await sleep(150);
      const count = runs.length;
      await sleep(900);
      assert.equal(runs.length, count, 'no run after the repetition is pruned');
    });

    it('is healthy while open', async () => {
      assert.equal(await queue.healthy(), true);
    });
  });
}
