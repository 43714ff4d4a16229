import { hostname } from 'node:os';
import { join } from 'node:path';
import { PasserelleError, toPasserelleError } from '../bots/errors.ts';
import type { Logger } from '../bots/logger.ts';
import { syncScheduleName, type Config, type SyncSchedule } from '../config/schema.ts';
import type { Knowledge } from '../knowledge/create-knowledge.ts';
import type { ChatModel } from '../knowledge/ports/chat-model.ts';
import { formatSyncRun, type SyncReport } from '../knowledge/sync/sync-report.ts';
import { nextDailyRun, type JobContext, type JobQueue } from '../queue/job-queue.ts';
import { SyncJob, type DeliveryJob } from '../queue/jobs.ts';
import type { LeaseStore } from '../state/lease-store.ts';
import type { ConversationReferences, SyncRunLog, SyncRunRecord } from '../state/state-store.ts';
import { runSync } from './sync-run.ts';

/**
 * The scheduled synchronisations with the official sources (`sync.schedules`): each schedule is a repeatable job
 * of the sync queue — bull on Redis, consumed by `passerelle worker`; without Redis, the in-process queue of
 * `passerelle serve`, which also catches up at start a run that was due while it was stopped (its timers die
 * with the process; Redis keeps bull's).
 *
 * A run synchronises the schedule's bases in turn, under the `sync` lease (one run at a time across every
 * process sharing the state store: the mirror files are shared), stores its reports in the state store (the
 * console shows them) and sends them in French to the curators' conversations (`sync.notify`) through the
 * deliveries queue, the one outbound path. A run that stopped on a failure a later run may get past (a
 * truncated archive, a source that does not answer) is tried again after `sync.retryMinutes`, doubled each time,
 * `sync.attempts` in all; each attempt is stored and reported.
 */

export const SYNC_LEASE = 'sync';
/** A run holds the lease this long, renewed every third of it while it runs. */
const LEASE_TTL_MS = 15 * 60_000;

export interface SyncJobDependencies {
  config: Readonly<Config>;
  knowledge: Knowledge;
  model: ChatModel | undefined;
  queue: JobQueue<SyncJob>;
  deliveries: JobQueue<DeliveryJob>;
  runs: SyncRunLog & Pick<ConversationReferences, 'getReference'>;
  leases: LeaseStore;
  logger: Logger;
  now?: () => Date;
}

export function scheduleKey(schedule: SyncSchedule): string {
  return `sync-${syncScheduleName(schedule)}`;
}

/** Declares the schedules (removing those no longer configured) and consumes the sync queue, one run at a time. */
export async function startSyncSchedules(dependencies: SyncJobDependencies): Promise<void> {
  const { config, queue, runs, logger } = dependencies;
  const { schedules, attempts, retryMinutes } = config.sync;
  queue.process(1, syncProcessor(dependencies));
  for (const schedule of schedules) {
    await queue.repeat(
      { kind: 'sync', schedule: syncScheduleName(schedule) },
      {
        key: scheduleKey(schedule),
        ...(schedule.at ? { dailyAt: schedule.at, timeZone: 'Europe/Paris' } : { everyMs: (schedule.everyMinutes as number) * 60_000 }),
        attempts,
        backoffMs: retryMinutes * 60_000,
        priority: 10,
      },
    );
  }
  await queue.pruneRepeats(schedules.map(scheduleKey));
  if (schedules.length > 0) logger.info('sync schedules declared', { schedules: schedules.map(syncScheduleName), durable: queue.durable });
  if (queue.durable) return;
  // In-process timers died with the last process: a run due meanwhile is started now.
  const now = (dependencies.now ?? (() => new Date()))().getTime();
  for (const schedule of schedules) {
    const name = syncScheduleName(schedule);
    const [last] = await runs.listSyncRuns(1, name);
    if (!last) continue;
    const due = schedule.at ? previousDailyRun(now, schedule.at) : Date.parse(last.startedAt) + (schedule.everyMinutes as number) * 60_000;
    if (Date.parse(last.startedAt) < due && due <= now) {
      logger.info('sync run missed while stopped: starting it now', { schedule: name });
      await queue.add({ kind: 'sync', schedule: name }, { jobId: `catch-up:${name}:${due}`, attempts, backoffMs: retryMinutes * 60_000, priority: 10 });
    }
  }
}

/** The last time at or before `now` the Paris clock read `at`. */
function previousDailyRun(now: number, at: string): number {
  const candidate = nextDailyRun(now - 86_400_000, at, 'Europe/Paris');
  return candidate <= now ? candidate : candidate - 86_400_000;
}

/** One run of a schedule (exported for the tests: the queue calls it). */
export function syncProcessor(dependencies: SyncJobDependencies): (raw: SyncJob, context: JobContext) => Promise<void> {
  const { config, knowledge, model, runs, leases, logger } = dependencies;
  const now = dependencies.now ?? (() => new Date());
  return async (raw, context) => {
    const parsed = SyncJob.safeParse(raw);
    if (!parsed.success) throw new PasserelleError('JOB_INVALID', {}, { cause: new Error(parsed.error.message) });
    const name = parsed.data.schedule;
    const schedule = config.sync.schedules.find((candidate) => syncScheduleName(candidate) === name);
    if (!schedule) {
      logger.warn('sync job of a schedule no longer configured: skipped', { schedule: name });
      return;
    }
    const holder = `${hostname()}:${process.pid}:${context.id}`;
    if (!(await leases.acquire(SYNC_LEASE, holder, LEASE_TTL_MS))) {
      logger.info('a synchronisation is already running elsewhere: this run is skipped', { schedule: name, job: context.id });
      return;
    }
    const renew = setInterval(() => void leases.acquire(SYNC_LEASE, holder, LEASE_TTL_MS).catch(() => undefined), LEASE_TTL_MS / 3);
    renew.unref();
    const startedAt = now().toISOString();
    const reports: SyncReport[] = [];
    const errors: string[] = [];
    let retryable = true;
    try {
      for (const kb of schedule.bases) {
        if (context.signal.aborted) break;
        try {
          const url = schedule.url === true ? config.sync.legiUrl : schedule.url;
          const report = await runSync(config, knowledge, model, { source: schedule.source, kb, ...(schedule.dir ? { dir: schedule.dir } : {}), ...(url ? { url } : {}) }, context.signal);
          reports.push(report);
          if (report.failure && !report.failure.retryable) retryable = false;
        } catch (error) {
          const failure = toPasserelleError(error);
          errors.push(`base ${kb} : ${failure.userMessage}`);
          if (!failure.retryable) retryable = false;
          logger.warn('scheduled sync of a base failed', { schedule: name, kb, error });
        }
      }
    } finally {
      clearInterval(renew);
      await leases.release(SYNC_LEASE, holder).catch(() => undefined);
    }
    const failed = errors.length > 0 || reports.some((report) => !report.complete) || context.signal.aborted;
    const attempts = config.sync.attempts;
    const retry = failed && retryable && !context.signal.aborted && context.attempt < attempts;
    const finishedAt = now().toISOString();
    const run: SyncRunRecord = {
      id: `${context.id}#${context.attempt}`,
      schedule: name,
      source: schedule.source,
      bases: [...schedule.bases],
      status: failed ? 'failed' : 'success',
      attempt: context.attempt,
      ...(retry ? { retryAt: new Date(Date.parse(finishedAt) + config.sync.retryMinutes * 60_000 * 2 ** (context.attempt - 1)).toISOString() } : {}),
      startedAt,
      finishedAt,
      reports,
      errors,
    };
    await runs.recordSyncRun(run);
    await notifyCurators(dependencies, run, reports, context);
    logger.info('scheduled sync finished', { schedule: name, status: run.status, attempt: context.attempt, retry });
    if (!failed) return;
    const reason = errors[0] ?? reports.find((report) => !report.complete)?.steps.find((step) => step.status === 'failed')?.error ?? 'arrêtée';
    throw new PasserelleError(retryable ? 'SYNC_RUN_INCOMPLETE' : 'SYNC_RUN_FAILED', { schedule: name, reason: reason.replace(/\.$/, '') });
  };
}

/** The run's report to each curators' conversation, through the deliveries queue (the bot process sends it). */
async function notifyCurators(dependencies: SyncJobDependencies, run: SyncRunRecord, reports: SyncReport[], context: JobContext): Promise<void> {
  const { config, deliveries, runs, logger } = dependencies;
  const text = formatSyncRun({ ...run, reports });
  for (const key of config.sync.notify) {
    const reference = await runs.getReference(key);
    if (!reference || !reference.active) {
      logger.warn('sync report not sent: conversation unknown or inactive (the bot must have been reached there)', { conversation: key });
      continue;
    }
    await deliveries.add(
      {
        action: 'send',
        address: { key: reference.key, reference: reference.reference },
        channel: reference.channel,
        reply: { kind: 'notice', text, citations: [], suggestedActions: [], aiGenerated: false, feedback: false },
        jobId: context.id,
      },
      { jobId: `${run.id}:report:${key}`, attempts: 5, backoffMs: 1_000, priority: 5 },
    );
  }
}

/** The lease store of the state database (PostgreSQL when configured, else the state file). */
export async function openSyncLeases(config: Readonly<Config>): Promise<LeaseStore> {
  if (config.state.kind === 'postgres') {
    const { PostgresLeaseStore } = await import('../state/lease-store-postgres.ts');
    return new PostgresLeaseStore({ connectionString: config.state.databaseUrl as string });
  }
  const { SqliteLeaseStore } = await import('../state/lease-store-sqlite.ts');
  return new SqliteLeaseStore(join(config.dataDir, 'state.sqlite'));
}
