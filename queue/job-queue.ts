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

/** A job added again and again on a schedule (the official sources' synchronisations). */
export interface RepeatOptions extends Omit<EnqueueOptions, 'jobId'> {
  /** Stable name of the repetition (no ':', bull splits its keys on it): adding it again replaces its schedule, never doubles it. */
  key: string;
  /** Daily at this time (HH:MM) in `timeZone`… */
  dailyAt?: string;
  timeZone?: string;
  /** …or every this many ms. */
  everyMs?: number;
}

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
  /**
   * Adds `data` on a schedule (bull: a repeatable job kept in Redis, so a due run waits for a worker; in-process: a
   * timer of this process). Each run is an ordinary job (attempts, backoff) whose id starts with `repeat:`.
   */
  repeat(data: T, options: RepeatOptions): Promise<void>;
  /** Stops every repetition whose key is not in `keep` (a schedule removed from the configuration). */
  pruneRepeats(keep: readonly string[]): Promise<void>;
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

/** Milliseconds between the instant `at` and the same wall-clock reading in `timeZone` (its UTC offset then). */
function zoneOffsetMs(at: number, timeZone: string): number {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-GB', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' })
      .formatToParts(at)
      .map((part) => [part.type, part.value]),
  );
  return Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day), Number(parts.hour), Number(parts.minute), Number(parts.second)) - Math.floor(at / 1000) * 1000;
}

/** The first instant after `now` when the clock in `timeZone` reads `dailyAt` (HH:MM). */
export function nextDailyRun(now: number, dailyAt: string, timeZone: string): number {
  const [hours, minutes] = dailyAt.split(':').map(Number) as [number, number];
  for (let day = 0; day < 3; day++) {
    const local = new Date(now + zoneOffsetMs(now, timeZone) + day * 86_400_000);
    const wall = Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate(), hours, minutes);
    let instant = wall - zoneOffsetMs(wall, timeZone);
    instant = wall - zoneOffsetMs(instant, timeZone);
    if (instant > now) return instant;
  }
  return now + 86_400_000;
}
