import Bull from 'bull';
import { PermanentJobError, type EnqueueOptions, type JobQueue, type JobSnapshot, type JobState, type Processor } from './job-queue.ts';

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
}

export class BullJobQueue<T> implements JobQueue<T> {
  readonly durable = true;
  private readonly queue: Bull.Queue<T>;
  private readonly prefix: string;
  private readonly cancelPollMs: number;
  private readonly keepCompletedSeconds: number;

  constructor(
    readonly name: string,
    options: BullQueueOptions,
  ) {
    this.prefix = options.prefix ?? 'passerelle';
    this.cancelPollMs = options.cancelPollMs ?? 500;
    this.keepCompletedSeconds = options.keepCompletedSeconds ?? 3_600;
    this.queue = new Bull<T>(name, options.redisUrl, {
      prefix: this.prefix,
      settings: {
        lockDuration: options.lockDurationMs ?? 30_000,
        stalledInterval: options.stalledIntervalMs ?? 15_000,
        maxStalledCount: 2,
      },
    });
    this.queue.on('error', () => undefined);
  }

  async add(data: T, options: EnqueueOptions): Promise<{ id: string; created: boolean }> {
    const existing = await this.queue.getJob(options.jobId);
    if (existing) return { id: String(existing.id), created: false };
    const job = await this.queue.add('job', data, {
      jobId: options.jobId,
      attempts: options.attempts ?? 3,
      backoff: { type: 'exponential', delay: options.backoffMs ?? 2_000 },
      ...(options.priority ? { priority: options.priority } : {}),
      removeOnComplete: { age: this.keepCompletedSeconds },
      removeOnFail: { age: 7 * 86_400 },
      // Our own per-attempt limit (bull's `timeout` fails the job but leaves the processor running).
      ...({ timeoutMs: options.timeoutMs } as object),
    });
    return { id: String(job.id), created: true };
  }

  process(concurrency: number, processor: Processor<T>): void {
    void this.queue.process('*', concurrency, async (job) => {
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
      const timeoutMs = (job.opts as { timeoutMs?: number }).timeoutMs;
      const timer = timeoutMs ? setTimeout(() => controller.abort(new Error('timeout')), timeoutMs) : undefined;
      try {
        if (await client.exists(this.cancelKey(id))) throw new PermanentJobError('cancelled before start', 'Tâche annulée.');
        await processor(job.data, {
          id,
          attempt: job.attemptsMade + 1,
          signal: controller.signal,
          reportProgress: async (percent) => {
            await job.progress(Math.max(0, Math.min(100, Math.round(percent))));
          },
        });
      } catch (error) {
        if (error instanceof PermanentJobError || controller.signal.aborted) await job.discard();
        throw error;
      } finally {
        clearInterval(poll);
        if (timer) clearTimeout(timer);
      }
    });
  }

  async get(id: string): Promise<JobSnapshot<T> | undefined> {
    const job = await this.queue.getJob(id);
    if (!job) return undefined;
    return this.snapshot(job);
  }

  async pending(): Promise<Array<JobSnapshot<T>>> {
    const jobs = await this.queue.getJobs(['waiting', 'active', 'delayed']);
    const snapshots = await Promise.all(jobs.filter(Boolean).map((job) => this.snapshot(job)));
    return snapshots.sort((a, b) => a.createdAt - b.createdAt);
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

  async healthy(): Promise<boolean> {
    try {
      await Promise.race([this.queue.client.ping(), new Promise((_, reject) => setTimeout(() => reject(new Error('timeout')), 1_000))]);
      return true;
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    await this.queue.close().catch(() => undefined);
  }

  private cancelKey(id: string): string {
    return `${this.prefix}:${this.name}:cancelled:${id}`;
  }

  private async snapshot(job: Bull.Job<T>): Promise<JobSnapshot<T>> {
    const raw = await job.getState();
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
