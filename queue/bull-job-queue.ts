import { PasserelleError } from '../bots/errors.ts';
import { setImmediate, setTimeout as sleep } from 'node:timers/promises';
import Bull from 'bull';
import type { Redis } from 'ioredis';
import { isPermanentFailure, type EnqueueOptions, type JobQueue, type JobSnapshot, type JobState, type Processor, type QueueCounts, type RepeatOptions, type StepMemo } from './job-queue.ts';

/**
 * The production queue: bull on Redis. Named jobs need `process('*', …)`. Stalled jobs (a worker killed
 * mid-job) are picked up again after `stalledIntervalMs`; cancellation of an active job goes through a
 * Redis flag the processor's AbortSignal polls.
 */

export interface BullQueueOptions {
  redisUrl: string;
  /** Key prefix, to keep tests and deployments apart. Default "passerelle". */
  prefix?: string;
  /** How long a worker holds a job before it counts as stalled, ms. Default 30,000. */
  lockDurationMs?: number;
  /** How often stalled jobs are looked for, ms. Default 15,000. */
  stalledIntervalMs?: number;
  /** Completed jobs kept (and their ids deduplicated) for this long, s. Default 3,600. */
  keepCompletedSeconds?: number;
  /** How often an active job checks for cancellation, ms. Default 500. */
  cancelPollMs?: number;
  /** Told when the queue stops processing for another reason than close() (its Redis errors are not reported). */
  onError?: (error: unknown) => void;
}

export class BullJobQueue<T> implements JobQueue<T> {
  readonly durable = true;
  private readonly queue: Bull.Queue<T>;
  private readonly prefix: string;
  private readonly cancelPollMs: number;
  private readonly keepCompletedSeconds: number;
  private readonly onError: ((error: unknown) => void) | undefined;
  private closing = false;
  private started: Promise<void> = Promise.resolve();

  constructor(
    readonly name: string,
    options: BullQueueOptions,
  ) {
    this.prefix = options.prefix ?? 'passerelle';
    this.cancelPollMs = options.cancelPollMs ?? 500;
    this.keepCompletedSeconds = options.keepCompletedSeconds ?? 3_600;
    this.onError = options.onError;
    this.queue = new Bull<T>(name, options.redisUrl, {
      prefix: this.prefix,
      settings: {
        lockDuration: options.lockDurationMs ?? 30_000,
        stalledInterval: options.stalledIntervalMs ?? 15_000,
        maxStalledCount: 2,
        // The port's backoff: the first retry after `backoffMs`, then doubled (bull's own "exponential" gives
        // 1×, 3×, 7×).
        backoffStrategies: { doubling: (attemptsMade: number, _error: Error, options?: { delay?: number } | null) => (options?.delay ?? 2_000) * 2 ** Math.max(0, attemptsMade - 1) },
      },
    });
    this.queue.on('error', () => undefined);
  }

  async add(data: T, options: EnqueueOptions): Promise<{ id: string; created: boolean }> {
    const existing = await this.queue.getJob(options.jobId);
    if (existing) {
      // Pending or completed: the same job (deduplicated). Failed or cancelled: asking again runs it again.
      if ((await existing.getState()) !== 'failed') return { id: String(existing.id), created: false };
      await existing.remove();
    }
    // A cancellation flag left by an earlier job of this id must not cancel the new one.
    await this.queue.client.del(this.cancelKey(options.jobId));
    const job = await this.queue.add('job', data, { jobId: options.jobId, ...this.jobOptions(options) });
    return { id: String(job.id), created: true };
  }

  process(concurrency: number, processor: Processor<T>): void {
    this.started = this.startProcessing(concurrency, processor);
  }

  /**
   * bull opens its blocking and subscriber connections lazily, in asynchronous steps its close() does not
   * wait for (and sends a CLIENT SETNAME nobody awaits): closed meanwhile, a connection stayed open,
   * reconnecting forever, and promises rejected unhandled. So processing starts once every connection is
   * ready, and close() waits for that start.
   */
  private async startProcessing(concurrency: number, processor: Processor<T>): Promise<void> {
    try {
      await this.queue.isReady();
      const internals = this.queue as unknown as { bclient: Redis; eclient: Redis };
      await Promise.all([ready(internals.bclient), ready(internals.eclient)]);
    } catch (error) {
      if (!this.closing) this.onError?.(error);
      return;
    }
    if (this.closing) return;
    const started = this.queue.process('*', concurrency, async (job) => {
      const id = String(job.id);
      const controller = new AbortController();
      const client = this.queue.client;
      const poll = setInterval(() => {
        client
          .exists(this.cancelKey(id))
          .then((flag) => {
            if (flag) controller.abort(new Error('cancelled'));
          })
          .catch(() => undefined);
      }, this.cancelPollMs);
      // Finished steps of this run (the job as added: a job added again under the same id starts afresh).
      const steps = `${this.prefix}:${this.name}:steps:${id}@${job.timestamp}`;
      const timeoutMs = (job.opts as { timeoutMs?: number }).timeoutMs;
      const timer = timeoutMs ? setTimeout(() => controller.abort(new Error('timeout')), timeoutMs) : undefined;
      try {
        if (await client.exists(this.cancelKey(id))) throw new PasserelleError('JOB_CANCELLED', {}, { cause: new Error('cancelled before start') });
        await processor(job.data, {
          id,
          createdAt: job.timestamp,
          attempt: job.attemptsMade + 1,
          signal: controller.signal,
          reportProgress: async (percent) => {
            await job.progress(Math.max(0, Math.min(100, Math.round(percent))));
          },
          steps: this.stepsOf(steps),
        });
        await client.del(steps).catch(() => undefined);
      } catch (error) {
        if (isPermanentFailure(error) || controller.signal.aborted) await job.discard();
        // The last attempt, or one that cannot succeed: its steps are of no further use.
        if (isPermanentFailure(error) || controller.signal.aborted || job.attemptsMade + 1 >= (job.opts.attempts ?? 1)) await client.del(steps).catch(() => undefined);
        throw error;
      } finally {
        clearInterval(poll);
        if (timer) clearTimeout(timer);
      }
    });
    started.catch((error: unknown) => {
      if (!this.closing) this.onError?.(error);
    });
    await setImmediate();
  }

  async get(id: string): Promise<JobSnapshot<T> | undefined> {
    const job = await this.queue.getJob(id);
    if (!job) return undefined;
    return this.snapshot(job);
  }

  async pending(): Promise<Array<JobSnapshot<T>>> {
    const jobs = await this.queue.getJobs(['waiting', 'active', 'delayed']);
    const snapshots = await Promise.all(jobs.filter(Boolean).map((job) => this.snapshot(job)));
    // An active job asked to stop is no longer pending for the user (its processor is being aborted).
    return snapshots.filter((job) => job.state !== 'cancelled').sort((a, b) => a.createdAt - b.createdAt);
  }

  async cancel(id: string): Promise<boolean> {
    const job = await this.queue.getJob(id);
    if (!job) return false;
    const state = await job.getState();
    if (state === 'completed' || state === 'failed') return false;
    await this.queue.client.set(this.cancelKey(id), '1', 'EX', 86_400);
    if (state !== 'active') await job.remove().catch(() => undefined);
    return true;
  }

  async repeat(data: T, options: RepeatOptions): Promise<void> {
    const repeat = options.dailyAt
      ? { cron: `${Number(options.dailyAt.slice(3, 5))} ${Number(options.dailyAt.slice(0, 2))} * * *`, ...(options.timeZone ? { tz: options.timeZone } : {}) }
      : { every: options.everyMs ?? 86_400_000 };
    // A changed schedule under the same key replaces the former one (bull keys repetitions by their timing too).
    for (const existing of await this.queue.getRepeatableJobs()) {
      if (existing.id !== options.key) continue;
      const same = 'cron' in repeat ? existing.cron === repeat.cron && (existing.tz ?? undefined) === (repeat.tz ?? undefined) : Number(existing.every) === repeat.every;
      if (!same) await this.queue.removeRepeatableByKey(existing.key);
    }
    await this.queue.add('job', data, { repeat, jobId: options.key, ...this.jobOptions(options) });
  }

  /** bull's options of a job (one added, or each run of a repetition): attempts, backoff, priority, retention. */
  private jobOptions(options: Omit<EnqueueOptions, 'jobId'>): Bull.JobOptions {
    return {
      attempts: options.attempts ?? 3,
      backoff: { type: 'doubling', options: { delay: options.backoffMs ?? 2_000 } },
      ...(options.priority ? { priority: options.priority } : {}),
      removeOnComplete: { age: this.keepCompletedSeconds },
      removeOnFail: { age: 7 * 86_400 },
      // Our own per-attempt limit (bull's `timeout` fails the job but leaves the processor running).
      ...({ timeoutMs: options.timeoutMs } as object),
    };
  }

  async pruneRepeats(keep: readonly string[]): Promise<void> {
    for (const existing of await this.queue.getRepeatableJobs()) {
      if (!keep.includes(String(existing.id))) await this.queue.removeRepeatableByKey(existing.key);
    }
  }

  async counts(): Promise<QueueCounts> {
    const counts = await this.queue.getJobCounts();
    return { waiting: counts.waiting, delayed: counts.delayed, active: counts.active, failed: counts.failed };
  }

  async healthy(): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([this.queue.client.ping(), new Promise((_, reject) => (timer = setTimeout(() => reject(new Error('timeout')), 1_000)))]);
      return true;
    } catch {
      return false;
    } finally {
      clearTimeout(timer);
    }
  }

  async close(): Promise<void> {
    this.closing = true;
    // Waits for a start under way (never long: not at all while Redis is unreachable).
    await Promise.race([this.started, sleep(1_000, undefined, { ref: false })]);
    await this.queue.close().catch(() => undefined);
  }

  /** A Redis hash per run; kept a week at most (a job nobody retries). */
  private stepsOf(key: string): StepMemo {
    const client = this.queue.client;
    return {
      get: async (step) => (await client.hget(key, step)) ?? undefined,
      set: async (step, value) => {
        await client.multi().hset(key, step, value).expire(key, 7 * 86_400).exec();
      },
    };
  }

  private cancelKey(id: string): string {
    return `${this.prefix}:${this.name}:cancelled:${id}`;
  }

  private async snapshot(read: Bull.Job<T>): Promise<JobSnapshot<T>> {
    const raw = await read.getState();
    // The job was read before its state: if it finished in between, read it again for its final fields
    // (failedReason, attemptsMade, progress).
    const job = raw === 'completed' || raw === 'failed' ? ((await this.queue.getJob(read.id)) ?? read) : read;
    const cancelled = await this.queue.client.exists(this.cancelKey(String(job.id)));
    const state: JobState = cancelled ? 'cancelled' : (['waiting', 'delayed', 'active', 'completed', 'failed'].includes(raw) ? raw : raw === 'paused' ? 'waiting' : 'unknown') as JobState;
    return {
      id: String(job.id),
      data: job.data,
      state,
      progress: typeof job.progress() === 'number' ? (job.progress() as number) : 0,
      attemptsMade: job.attemptsMade,
      ...(job.failedReason ? { failedReason: job.failedReason } : {}),
      createdAt: job.timestamp,
    };
  }
}

/** Resolves when the connection is ready — after any number of failed attempts while Redis is down. */
function ready(client: Redis): Promise<void> {
  return client.status === 'ready' ? Promise.resolve() : new Promise((resolve) => client.once('ready', () => resolve()));
}
