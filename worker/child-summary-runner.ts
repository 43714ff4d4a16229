import { fork, type ChildProcess } from 'node:child_process';
import { setPriority } from 'node:os';
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PasserelleError, type ErrorCode } from '../bots/errors.ts';
import type { Logger } from '../bots/logger.ts';
import type { Config } from '../config/schema.ts';
import type { WorkJob } from '../queue/jobs.ts';
import type { ProducedSummary, ProductionContext, ProductionProgress, SummaryRunner } from './summary-production.ts';

/**
 * Summaries computed in child processes, for the embedded set-up (in-process queue) where the bot process
 * would otherwise parse a 9,000-page PDF on its own event loop while agents wait for answers. Each child is
 * started at a lower scheduling priority (nice 10: the bot keeps the CPU when both want it) with a bounded
 * heap, kept for the next job, and killed when a job it runs is cancelled or times out and does not stop
 * within `abortGraceMs` (synchronous parsing cannot be interrupted any other way). A child that dies fails
 * its job with a retryable error: the queue tries again in a new child.
 */

export interface ChildRunnerOptions {
  /** Scheduling priority of the children (nice value, 0–19). Default 10. */
  niceness?: number;
  /** Heap limit of a child, MB. Default 1,024. */
  maxHeapMb?: number;
  /** How long a cancelled job may take to stop before its child is killed, ms. Default 2,000. */
  abortGraceMs?: number;
}

/** Messages from a child. */
export type ChildMessage =
  | { type: 'ready' }
  | { type: 'progress'; run: number; done: number; total: number }
  | { type: 'done'; run: number; summary: ProducedSummary }
  | { type: 'failed'; run: number; error: SerialisedError }
  | { type: 'log'; level: 'info' | 'warn' | 'error'; message: string; fields?: Record<string, unknown> }
  | { type: 'step-get'; run: number; ask: number; key: string }
  | { type: 'step-set'; run: number; key: string; value: string };

/** Messages to a child. */
export type ParentMessage =
  | { type: 'init'; config: Readonly<Config> }
  | { type: 'run'; run: number; job: WorkJob; context: { id: string; attempt: number }; attempts: number }
  | { type: 'abort'; run: number; reason: string }
  | { type: 'step'; ask: number; value?: string };

export interface SerialisedError {
  code?: string;
  details?: Record<string, string | number>;
  message: string;
  aborted?: boolean;
}

const ENTRY = fileURLToPath(new URL(`./summary-child${extname(fileURLToPath(import.meta.url))}`, import.meta.url));

interface Pending {
  resolve(summary: ProducedSummary): void;
  reject(error: unknown): void;
  progress: ProductionProgress;
  context: ProductionContext;
  child: ChildProcess;
}

export class ChildProcessSummaryRunner implements SummaryRunner {
  private readonly idle: ChildProcess[] = [];
  private readonly all = new Set<ChildProcess>();
  private readonly pending = new Map<number, Pending>();
  private runs = 0;
  private closed = false;

  constructor(
    private readonly config: Readonly<Config>,
    private readonly logger: Logger,
    private readonly options: ChildRunnerOptions = {},
  ) {}

  async run(job: WorkJob, context: ProductionContext, attempts: number, progress: ProductionProgress): Promise<ProducedSummary> {
    if (this.closed) throw new PasserelleError('QUEUE_UNAVAILABLE');
    context.signal.throwIfAborted();
    const child = this.idle.pop() ?? this.start();
    const run = ++this.runs;
    let abortTimer: NodeJS.Timeout | undefined;
    const onAbort = () => {
      child.send({ type: 'abort', run, reason: String((context.signal.reason as Error | undefined)?.message ?? 'aborted') } satisfies ParentMessage);
      abortTimer = setTimeout(() => {
        this.logger.warn('summary process did not stop: killed', { job: context.id });
        child.kill('SIGKILL');
      }, this.options.abortGraceMs ?? 2_000);
    };
    try {
      return await new Promise<ProducedSummary>((resolve, reject) => {
        this.pending.set(run, { resolve, reject, progress, context, child });
        (child as ChildProcess & { currentRun?: number }).currentRun = run;
        context.signal.addEventListener('abort', onAbort, { once: true });
        child.send({ type: 'run', run, job, context: { id: context.id, attempt: context.attempt }, attempts } satisfies ParentMessage);
      });
    } catch (error) {
      // Cancelled or timed out: the queue expects the signal's reason.
      if (context.signal.aborted) throw context.signal.reason ?? error;
      throw error;
    } finally {
      context.signal.removeEventListener('abort', onAbort);
      if (abortTimer) clearTimeout(abortTimer);
      this.pending.delete(run);
      (child as ChildProcess & { currentRun?: number }).currentRun = undefined;
      if (child.exitCode === null && child.signalCode === null && !this.closed && !context.signal.aborted) this.idle.push(child);
      else if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    const exits = [...this.all].map((child) => new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
      setTimeout(() => child.kill('SIGKILL'), 2_000).unref();
    }));
    await Promise.all(exits);
  }

  /** Number of child processes alive (for tests and `tâches` diagnostics). */
  get processes(): number {
    return [...this.all].filter((child) => child.exitCode === null && child.signalCode === null).length;
  }

  private start(): ChildProcess {
    const heap = this.options.maxHeapMb ?? 1_024;
    const inherited = process.execArgv.filter((argument) => !argument.startsWith('--max-old-space-size'));
    // TypeScript sources (development, tests, the `passerelle` launcher's tsx) need tsx in the child too.
    const typescript = ENTRY.endsWith('.ts') && !inherited.some((argument) => argument.includes('tsx')) ? [`--import=${import.meta.resolve('tsx/esm')}`] : [];
    const child = fork(ENTRY, [], {
      execArgv: [...inherited, ...typescript, `--max-old-space-size=${heap}`, '--disable-warning=ExperimentalWarning'],
      serialization: 'advanced',
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    });
    this.all.add(child);
    if (child.pid !== undefined) {
      try {
        setPriority(child.pid, this.options.niceness ?? 10);
      } catch (error) {
        this.logger.warn('summary process priority not lowered', { error });
      }
    }
    child.on('message', (message: ChildMessage) => this.receive(message));
    child.on('exit', (code, signal) => {
      this.all.delete(child);
      const index = this.idle.indexOf(child);
      if (index >= 0) this.idle.splice(index, 1);
      const run = (child as ChildProcess & { currentRun?: number }).currentRun;
      const pending = run === undefined ? undefined : this.pending.get(run);
      if (pending) pending.reject(new Error(`summary process exited (${signal ?? code})`));
    });
    child.on('error', (error) => this.logger.warn('summary process error', { error }));
    child.send({ type: 'init', config: this.config } satisfies ParentMessage);
    return child;
  }

  private receive(message: ChildMessage): void {
    switch (message.type) {
      case 'progress':
        void this.pending.get(message.run)?.progress(message.done, message.total).catch((error: unknown) => this.logger.warn('progress not reported', { error }));
        return;
      case 'done':
        this.pending.get(message.run)?.resolve(message.summary);
        return;
      case 'failed':
        this.pending.get(message.run)?.reject(revive(message.error));
        return;
      case 'log':
        this.logger[message.level](message.message, { ...message.fields, process: 'summary' });
        return;
      case 'step-get': {
        // The run's finished steps live with the queue, in this process: the child asks for them.
        const pending = this.pending.get(message.run);
        const steps = pending?.context.steps;
        const answer = (value?: string) => pending?.child.send({ type: 'step', ask: message.ask, ...(value === undefined ? {} : { value }) } satisfies ParentMessage);
        if (!steps) answer();
        else steps.get(message.key).then(answer, () => answer());
        return;
      }
      case 'step-set':
        void this.pending.get(message.run)?.context.steps?.set(message.key, message.value).catch((error: unknown) => this.logger.warn('summary step not kept', { error }));
        return;
      default:
        return;
    }
  }
}

/** A catalogue error comes back as itself (its code decides retries and the French message); others as errors. */
function revive(error: SerialisedError): Error {
  if (error.code) {
    try {
      return new PasserelleError(error.code as ErrorCode, error.details ?? {}, { cause: new Error(error.message) });
    } catch {
      // An unknown code: a plain error below.
    }
  }
  return new Error(error.message);
}
