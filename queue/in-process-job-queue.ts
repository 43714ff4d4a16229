import { isPermanentFailure, nextDailyRun, type EnqueueOptions, type JobQueue, type JobSnapshot, type Processor, type QueueCounts, type RepeatOptions } from './job-queue.ts';

/**
 * The embedded default when no Redis is configured: the same contract, run inside the bot process.
 * NOT durable: waiting and active jobs are lost if the process stops. Fine for a single-machine trial.
 */
interface Entry<T> extends JobSnapshot<T> {
  options: EnqueueOptions;
  controller?: AbortController;
  finishedAt?: number;
  /** Finished steps, kept across the attempts of this job (not across a restart: nothing is). */
  steps: Map<string, string>;
}

export class InProcessJobQueue<T> implements JobQueue<T> {
  readonly durable = false;
  private readonly jobs = new Map<string, Entry<T>>();
  private readonly waiting: string[] = [];
  private processor: Processor<T> | undefined;
  private concurrency = 1;
  private active = 0;
  private closed = false;
  private lastCreatedAt = 0;
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly repeats = new Map<string, { stop(): void }>();

  constructor(
    readonly name: string,
    private readonly keepCompletedMs = 3_600_000,
  ) {}

  async add(data: T, options: EnqueueOptions): Promise<{ id: string; created: boolean }> {
    this.evictOld();
    const existing = this.jobs.get(options.jobId);
    // Pending or completed: the same job (deduplicated). Failed or cancelled: asking again runs it again.
    if (existing && existing.state !== 'failed' && existing.state !== 'cancelled') return { id: options.jobId, created: false };
    this.jobs.delete(options.jobId);
    // Strictly increasing: a job added again under the same id is told apart from the earlier one.
    this.lastCreatedAt = Math.max(Date.now(), this.lastCreatedAt + 1);
    this.jobs.set(options.jobId, { id: options.jobId, data, state: 'waiting', progress: 0, attemptsMade: 0, createdAt: this.lastCreatedAt, options, steps: new Map() });
    this.enqueue(options.jobId, options.priority);
    this.pump();
    return { id: options.jobId, created: true };
  }

  process(concurrency: number, processor: Processor<T>): void {
    this.processor = processor;
    this.concurrency = Math.max(1, concurrency);
    this.pump();
  }

  async get(id: string): Promise<JobSnapshot<T> | undefined> {
    const entry = this.jobs.get(id);
    return entry ? snapshot(entry) : undefined;
  }

  async pending(): Promise<Array<JobSnapshot<T>>> {
    return [...this.jobs.values()].filter((entry) => ['waiting', 'delayed', 'active'].includes(entry.state)).map(snapshot);
  }

  async cancel(id: string): Promise<boolean> {
    const entry = this.jobs.get(id);
    if (!entry || !['waiting', 'delayed', 'active'].includes(entry.state)) return false;
    const index = this.waiting.indexOf(id);
    if (index >= 0) this.waiting.splice(index, 1);
    entry.controller?.abort(new Error('cancelled'));
    entry.state = 'cancelled';
    entry.finishedAt = Date.now();
    return true;
  }

  async counts(): Promise<QueueCounts> {
    const counts: QueueCounts = { waiting: 0, delayed: 0, active: 0, failed: 0 };
    for (const entry of this.jobs.values()) if (entry.state in counts) counts[entry.state as keyof QueueCounts]++;
    return counts;
  }

  async repeat(data: T, options: RepeatOptions): Promise<void> {
    this.repeats.get(options.key)?.stop();
    let timer: NodeJS.Timeout | undefined;
    let stopped = false;
    const arm = () => {
      if (stopped || this.closed) return;
      const now = Date.now();
      const due = options.dailyAt ? nextDailyRun(now, options.dailyAt, options.timeZone ?? 'UTC') : now + (options.everyMs ?? 86_400_000);
      // Timers hold at most ~24.8 days; a daily or shorter schedule never comes near.
      timer = setTimeout(() => {
        this.timers.delete(timer as NodeJS.Timeout);
        const { key: _key, dailyAt: _at, timeZone: _zone, everyMs: _every, ...enqueue } = options;
        void this.add(data, { ...enqueue, jobId: `repeat:${options.key}:${due}` });
        arm();
      }, Math.max(0, due - now));
      timer.unref();
      this.timers.add(timer);
    };
    this.repeats.set(options.key, {
      stop: () => {
        stopped = true;
        if (timer) {
          clearTimeout(timer);
          this.timers.delete(timer);
        }
      },
    });
    arm();
  }

  async pruneRepeats(keep: readonly string[]): Promise<void> {
    for (const [key, repetition] of this.repeats) {
      if (keep.includes(key)) continue;
      repetition.stop();
      this.repeats.delete(key);
    }
  }

  async healthy(): Promise<boolean> {
    return !this.closed;
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const timer of this.timers) clearTimeout(timer);
    for (const entry of this.jobs.values()) entry.controller?.abort(new Error('queue closed'));
  }

  private enqueue(id: string, priority = 5): void {
    const position = this.waiting.findIndex((other) => (this.jobs.get(other)?.options.priority ?? 5) > priority);
    if (position < 0) this.waiting.push(id);
    else this.waiting.splice(position, 0, id);
  }

  private pump(): void {
    while (!this.closed && this.processor && this.active < this.concurrency && this.waiting.length > 0) {
      const id = this.waiting.shift() as string;
      const entry = this.jobs.get(id);
      if (!entry || entry.state === 'cancelled') continue;
      void this.run(entry);
    }
  }

  private async run(entry: Entry<T>): Promise<void> {
    this.active++;
    entry.state = 'active';
    entry.controller = new AbortController();
    const timeout = entry.options.timeoutMs ? setTimeout(() => entry.controller?.abort(new Error('timeout')), entry.options.timeoutMs) : undefined;
    try {
      await (this.processor as Processor<T>)(entry.data, {
        id: entry.id,
        createdAt: entry.createdAt,
        attempt: entry.attemptsMade + 1,
        signal: entry.controller.signal,
        reportProgress: async (percent) => {
          entry.progress = Math.max(0, Math.min(100, Math.round(percent)));
        },
        steps: {
          get: async (key) => entry.steps.get(key),
          set: async (key, value) => void entry.steps.set(key, value),
        },
      });
      entry.steps.clear();
      if (entry.state === 'active') {
        entry.state = 'completed';
        entry.progress = 100;
        entry.finishedAt = Date.now();
      }
    } catch (error) {
      entry.attemptsMade++;
      entry.failedReason = error instanceof Error ? error.message : String(error);
      const attempts = entry.options.attempts ?? 3;
      const cancelled = (entry.state as string) === 'cancelled';
      if (!cancelled && !isPermanentFailure(error) && !entry.controller.signal.aborted && entry.attemptsMade < attempts) {
        entry.state = 'delayed';
        const delay = (entry.options.backoffMs ?? 2_000) * 2 ** (entry.attemptsMade - 1);
        const timer = setTimeout(() => {
          this.timers.delete(timer);
          if (entry.state !== 'delayed') return;
          entry.state = 'waiting';
          this.enqueue(entry.id, entry.options.priority);
          this.pump();
        }, delay);
        this.timers.add(timer);
      } else if (!cancelled) {
        entry.state = 'failed';
        entry.finishedAt = Date.now();
      }
      if (entry.state !== 'delayed') entry.steps.clear();
    } finally {
      if (timeout) clearTimeout(timeout);
      this.active--;
      this.pump();
    }
  }

  private evictOld(): void {
    const limit = Date.now() - this.keepCompletedMs;
    for (const [id, entry] of this.jobs) if (entry.finishedAt !== undefined && entry.finishedAt < limit) this.jobs.delete(id);
  }
}

function snapshot<T>(entry: Entry<T>): JobSnapshot<T> {
  return {
    id: entry.id,
    data: entry.data,
    state: entry.state,
    progress: entry.progress,
    attemptsMade: entry.attemptsMade,
    ...(entry.failedReason ? { failedReason: entry.failedReason } : {}),
    createdAt: entry.createdAt,
  };
}
