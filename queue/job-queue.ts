import { PasserelleError } from '../bots/errors.ts';

/**
 * The queue port, sized to what the bot and workers use. Production: bull on Redis (bull-job-queue.ts);
 * embedded default when no Redis is configured: in-process (in-process-job-queue.ts, NOT durable — jobs
 * die with the process). Both run the same processors.
 */

export type JobState = 'waiting' | 'delayed' | 'active' | 'completed' | 'failed' | 'cancelled' | 'unknown';

export interface JobSnapshot<T> {
  id: string;
  data: T;
  state: JobState;
  /** 0–100. */
  progress: number;
  attemptsMade: number;
  failedReason?: string;
  createdAt: number;
}

export interface EnqueueOptions {
  /** Idempotent id: adding a job whose id exists returns the existing job. */
  jobId: string;
  /** Total attempts including the first. Default 3. */
  attempts?: number;
  /** First retry delay, ms, doubled each time. Default 2,000. */
  backoffMs?: number;
  /** Per-attempt time limit, ms. */
  timeoutMs?: number;
  /** Lower runs first; 1 = highest. */
  priority?: number;
}

export interface JobContext {
  id: string;
  /** When the job was added: the same for every attempt and stalled re-run, new when the id is added again. */
  createdAt: number;
  attempt: number;
  /** Aborted on cancellation or timeout: processors must stop promptly. */
  signal: AbortSignal;
  reportProgress(percent: number): Promise<void>;
  /**
   * Results of the steps this run already finished (model calls of a summary), kept across retries and
   * across a worker killed mid-job (Redis with bull), dropped once the job is over. Absent: nothing kept.
   */
  steps?: StepMemo;
}

/** What a run keeps of its finished steps, by a key the processor derives from each step's input. */
export interface StepMemo {
  get(key: string): Promise<string | undefined>;
  set(key: string, value: string): Promise<void>;
}

/** How many jobs of a queue are in each unfinished state, and how many failed for good (kept for a while). */
export interface QueueCounts {
  waiting: number;
  delayed: number;
  active: number;
  failed: number;
}

export type Processor<T> = (data: T, context: JobContext) => Promise<void>;

export interface JobQueue<T> {
  readonly name: string;
  /** True when jobs survive a crash (Redis). */
  readonly durable: boolean;
  add(data: T, options: EnqueueOptions): Promise<{ id: string; created: boolean }>;
  process(concurrency: number, processor: Processor<T>): void;
  get(id: string): Promise<JobSnapshot<T> | undefined>;
  /** Jobs not finished, in creation order. */
  pending(): Promise<Array<JobSnapshot<T>>>;
  /** Cancels a waiting job, or signals an active one to stop. True when the job existed and was not finished. */
  cancel(id: string): Promise<boolean>;
  /** Jobs not finished, by state (metrics: queue depth). */
  counts(): Promise<QueueCounts>;
  /** Whether the backend answers now (Redis reachable). */
  healthy(): Promise<boolean>;
  close(): Promise<void>;
}

/**
 * Whether a failed job must not be tried again: the error catalogue says retrying cannot fix it (bad
 * document, part of a code that does not exist, invalid payload: a non-retryable PasserelleError).
 */
export function isPermanentFailure(error: unknown): boolean {
  return error instanceof PasserelleError && !error.retryable;
}
