import type { MatrixChannelAdapter } from '../adapters/matrix/index.ts';
import type { TeamsAdapter } from '../adapters/teams/teams-adapter.ts';
import type { ChannelAdapter } from '../bots/channel-adapter.ts';
import { PasserelleError } from '../bots/errors.ts';
import type { Logger } from '../bots/logger.ts';
import type { Config } from '../config/schema.ts';
import type { Knowledge } from '../knowledge/create-knowledge.ts';
import { startAdminApi } from './admin-surface.ts';
import type { LeaseKeeper } from './matrix-lease.ts';
import { observeAnnouncements, startMetricsListener, startObservability } from './observability.ts';
import { createBotApplication, type BotApplication } from './bot-application.ts';

/** The bot process as `passerelle serve` runs it. */
export interface ServingBot {
  app: BotApplication;
  channels: ChannelAdapter[];
  /** Port of the admin API, when it is enabled. */
  adminPort?: number;
  /**
   * Resolves when this process must stop by itself: it held the Tchap lease and lost it (app/matrix-lease.ts).
   * The supervisor (systemd, compose) restarts it as a follower.
   */
  stopped: Promise<string>;
  close(): Promise<void>;
}

/**
 * Builds and starts the bot process: the application, the enabled channels (Teams endpoint, Matrix device:
 * exactly one such process per deployment), the jobs (deliveries, announcements and, without Redis, the
 * work itself) and the admin API.
 */
export async function startServing(config: Readonly<Config>, logger: Logger, openKnowledge: () => Promise<Knowledge>): Promise<ServingBot> {
  if (!config.teams.enabled && !config.matrix.enabled) {
    throw new PasserelleError('CONFIG_INVALID', { problems: 'aucun canal activé (TEAMS_ENABLED=true et/ou MATRIX_ENABLED=true) ; pour essayer en local : passerelle chat' });
  }
  const observability = startObservability(config, 'serve', logger);
  const app = await createBotApplication(config, logger, { knowledge: await openKnowledge() });
  observeAnnouncements(app.announcements.store);
  const channels: EnabledChannels = {};
  // Replicas (state in PostgreSQL): Tchap is started by the replica holding the lease, not here.
  const leased = config.matrix.enabled && config.state.kind === 'postgres';
  if (config.teams.enabled) channels.teams = await (await import('../adapters/teams/index.ts')).createTeamsAdapter({ config, logger, limiter: app.limiters.teams });
  if (config.matrix.enabled && !leased) channels.matrix = await (await import('../adapters/matrix/index.ts')).createMatrixAdapter({ config, logger, limiter: app.limiters.matrix });
  attachChannels(app, channels);
  if (!leased) app.startJobs();
  await app.bot.start();
  let stop: (reason: string) => void = () => undefined;
  const stopped = new Promise<string>((resolve) => (stop = resolve));
  const lease = leased ? await holdTchapLease(app, logger, (matrix) => channels.matrix = matrix, stop) : undefined;
  const admin = await startAdminApi(app, logger);
  return {
    app,
    get channels() {
      return Object.values(channels);
    },
    ...(admin.adminPort ? { adminPort: admin.adminPort } : {}),
    stopped,
    async close() {
      await lease?.stop();
      await admin.close();
      await app.close();
      await observability.shutdown();
    },
  };
}

/**
 * Replicas: the Tchap connection (one device, one /sync loop, one crypto store in the shared data folder)
 * belongs to the replica holding the "matrix" lease in PostgreSQL. That replica also consumes the jobs that
 * must reach Tchap — deliveries and announcement fan-out — so it starts them; the other replicas answer Teams
 * turns. When the holder crashes, another replica's keeper takes the lease within 20 s and starts Tchap; the
 * core's event-id dedupe (PostgreSQL) keeps a replayed event from being answered twice. A holder that loses
 * its lease stops the process (`stop`).
 */
async function holdTchapLease(app: BotApplication, logger: Logger, attached: (matrix: MatrixChannelAdapter) => void, stop: (reason: string) => void): Promise<LeaseKeeper> {
  const { config } = app;
  const { PostgresLeaseStore } = await import('../state/lease-store-postgres.ts');
  const { LeaseKeeper } = await import('./matrix-lease.ts');
  const store = new PostgresLeaseStore({ connectionString: config.state.databaseUrl as string, logger });
  const keeper = new LeaseKeeper(store, { name: 'matrix', ...LEASE_TIMINGS }, {
    acquired: async (fence) => {
      const matrix = await (await import('../adapters/matrix/index.ts')).createMatrixAdapter({ config, logger, limiter: app.limiters.matrix }, { leaseHeld: true });
      attachChannels(app, { matrix });
      attached(matrix);
      await matrix.start(app.bot.inbound);
      app.startJobs();
      logger.info('Tchap connection started on this replica', { fence });
    },
    lost: (reason) => stop(`bail Tchap perdu : ${reason}`),
  }, logger);
  keeper.start();
  const stopKeeper = keeper.stop.bind(keeper);
  return Object.assign(keeper, { stop: async () => {
    await stopKeeper();
    await store.close();
  } });
}

/** Lease lifetime and renewal period, ms: a crashed holder is replaced within ttl + renewal (< 30 s). */
export const LEASE_TIMINGS = { ttlMs: 15_000, renewEveryMs: 5_000 };

/** The channel adapters of a bot process, as the composition root builds them. */
export interface EnabledChannels {
  teams?: TeamsAdapter;
  matrix?: MatrixChannelAdapter;
}

/**
 * Registers the channels on the bot (the outbound path) and gives announcement audiences their directories:
 * Microsoft Graph for `equipe:`/`groupe:` (the Teams adapter's, when the app has a secret or a certificate),
 * the Matrix room members for `membres:`.
 */
export function attachChannels(app: BotApplication, channels: EnabledChannels): void {
  const { directories } = app.announcements;
  if (channels.teams) {
    app.bot.register(channels.teams);
    const { directory, installer } = channels.teams;
    if (directory) {
      directories.teams = {
        teamMembers: (teamId) => directory.teamMembers(teamId),
        groupMembers: (groupId) => directory.groupMembers(groupId),
        ...(installer ? { installApp: (userIds: string[]) => installer.installForUsers(userIds) } : {}),
      };
    }
  }
  if (channels.matrix) {
    const matrix = channels.matrix;
    app.bot.register(matrix);
    directories.matrix = { joinedMembers: (roomId) => matrix.roomMembers(roomId) };
    if (app.config.matrix.userId) directories.matrixBotUserId = app.config.matrix.userId;
    app.announcements.rooms.attach(matrix, matrix.ready);
  }
}

/**
 * `passerelle worker`: consumes the work, enrichment and sync queues (Redis required); results and sync reports go
 * back through the deliveries queue.
 */
export async function startWorker(config: Readonly<Config>, logger: Logger, openKnowledge: () => Promise<Knowledge>): Promise<{ metricsPort?: number; schedules: Promise<void>; close(): Promise<void> }> {
  if (!config.queue.redisUrl) throw new PasserelleError('CONFIG_INVALID', { problems: 'REDIS_URL est requis pour un processus worker séparé' });
  const { createQueues } = await import('./create-queues.ts');
  const { startEnrichmentConsumer, startWorkConsumer } = await import('./work-consumer.ts');
  const { createChatModel } = await import('../knowledge/models/langchain-chat-model.ts');
  const observability = startObservability(config, 'worker', logger);
  const knowledge = await openKnowledge();
  const queues = createQueues(config, logger);
  const model = createChatModel(config.chatModel);
  startWorkConsumer(config, knowledge, model, queues, logger);
  startEnrichmentConsumer(config, knowledge, model, queues, logger);
  // Scheduled synchronisations: repeatable jobs in Redis, run here; their reports stored in the state store.
  const { createStateStore } = await import('./state-store.ts');
  const { openSyncLeases, startSyncSchedules } = await import('./sync-jobs.ts');
  const state = await createStateStore(config);
  const leases = await openSyncLeases(config);
  // Not awaited: declaring the schedules waits for Redis, which may come up after the worker.
  const schedules = startSyncSchedules({ config, knowledge, model, queue: queues.sync, deliveries: queues.deliveries, runs: state, leases, logger }).catch((error: unknown) =>
    logger.error('sync schedules could not be declared', { error }),
  );
  const port = config.observability.workerMetricsPort;
  const listener = port === undefined ? undefined : await startMetricsListener(config, port, logger);
  return {
    ...(listener ? { metricsPort: listener.port } : {}),
    /** Settles once the sync schedules are declared (or their declaration failed, logged). */
    schedules,
    async close() {
      await Promise.race([schedules, new Promise((resolve) => setTimeout(resolve, 5_000).unref())]);
      await listener?.close();
      await queues.close();
      await leases.close();
      await state.close();
      await observability.shutdown();
    },
  };
}
