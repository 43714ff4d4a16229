import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { join } from 'node:path';
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
import { DurableTurns } from '../bots/durable-turns.ts';
import type { LeaseStore } from '../state/lease-store.ts';

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
 * Builds and starts the bot process — one replica of any number: the application, the enabled channels
 * (the Teams endpoint with durable turns; the Matrix device on the replica holding the Tchap lease), the jobs
 * (deliveries, announcements and, without Redis, the work itself) and the admin API.
 */
export async function startServing(config: Readonly<Config>, logger: Logger, openKnowledge: () => Promise<Knowledge>): Promise<ServingBot> {
  if (!config.teams.enabled && !config.matrix.enabled) {
    throw new PasserelleError('CONFIG_INVALID', { problems: 'aucun canal activé (TEAMS_ENABLED=true et/ou MATRIX_ENABLED=true) ; pour essayer en local : passerelle chat' });
  }
  const observability = startObservability(config, 'serve', logger);
  const replica = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  const turns = config.teams.enabled ? await openDurableTurns(config, replica, logger) : undefined;
  const app = await createBotApplication(config, logger, { knowledge: await openKnowledge(), ...(turns ? { turns: turns.turns } : {}) });
  observeAnnouncements(app.announcements.store);
  const channels: EnabledChannels = {};
  // Tchap is started by the replica holding the lease (PostgreSQL for replicas on several machines, the
  // state file for processes of one machine), not here; Teams by every replica.
  if (config.teams.enabled) channels.teams = await (await import('../adapters/teams/index.ts')).createTeamsAdapter({ config, logger, limiter: app.limiters.teams });
  attachChannels(app, channels);
  app.startJobs(config.matrix.enabled ? { without: ['matrix'] } : {});
  await app.bot.start();
  turns?.turns.start();
  let stop: (reason: string) => void = () => undefined;
  const stopped = new Promise<string>((resolve) => (stop = resolve));
  const lease = config.matrix.enabled ? await holdTchapLease(app, replica, logger, (matrix) => channels.matrix = matrix, stop) : undefined;
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
      await turns?.turns.stop();
      await admin.close();
      await app.close();
      await turns?.close();
      await observability.shutdown();
    },
  };
}

/**
 * Durable Teams turns (bots/durable-turns.ts): a Teams message is recorded in the state database before its
 * 200 and answered by another replica if this one dies first. PostgreSQL for replicas on several machines,
 * the state file for processes of one machine.
 */
async function openDurableTurns(config: Readonly<Config>, owner: string, logger: Logger): Promise<{ turns: DurableTurns; close(): Promise<void> }> {
  const journal = config.state.kind === 'postgres'
    ? new (await import('../state/turn-journal-postgres.ts')).PostgresTurnJournal({ connectionString: config.state.databaseUrl as string, logger })
    : new (await import('../state/turn-journal-sqlite.ts')).SqliteTurnJournal(join(config.dataDir, 'state.sqlite'));
  return { turns: new DurableTurns(journal, { owner, ...TURN_TIMINGS }, logger), close: () => journal.close() };
}

/** Claim lifetime of a turn being answered, its renewal and the sweep for turns of dead replicas, ms. */
export const TURN_TIMINGS = { ttlMs: 20_000, renewEveryMs: 5_000, sweepEveryMs: 5_000 };

/**
 * The Tchap connection (one device, one /sync loop, one crypto store in the shared data folder) belongs to
 * the replica holding the "matrix" lease — in PostgreSQL across machines, in the state file for processes of
 * one machine (`serve` twice on one host fails over too). That replica also takes the jobs that must reach
 * Tchap (forwarded deliveries, Tchap fan-out, held Tchap questions); every replica takes Teams'. When the
 * holder crashes, another replica's keeper takes the lease within 20 s and starts Tchap; the core's event-id
 * dedupe (an event is seen once answered) keeps a replayed event from being answered twice, and an event
 * not yet answered is delivered again by the server. A holder that loses its lease stops the process (`stop`).
 * A lone process takes the lease at once: Tchap is up when startServing resolves.
 */
async function holdTchapLease(app: BotApplication, holder: string, logger: Logger, attached: (matrix: MatrixChannelAdapter) => void, stop: (reason: string) => void): Promise<LeaseKeeper> {
  const { config } = app;
  const { LeaseKeeper } = await import('./matrix-lease.ts');
  const store: LeaseStore = config.state.kind === 'postgres'
    ? new (await import('../state/lease-store-postgres.ts')).PostgresLeaseStore({ connectionString: config.state.databaseUrl as string, logger })
    : new (await import('../state/lease-store-sqlite.ts')).SqliteLeaseStore(join(config.dataDir, 'state.sqlite'));
  const keeper = new LeaseKeeper(store, { name: 'matrix', holder, ...LEASE_TIMINGS }, {
    acquired: async (fence) => {
      const matrix = await (await import('../adapters/matrix/index.ts')).createMatrixAdapter({ config, logger, limiter: app.limiters.matrix }, { leaseHeld: true });
      attachChannels(app, { matrix });
      attached(matrix);
      await matrix.start(app.bot.inbound);
      app.startChannelJobs('matrix');
      logger.info('Tchap connection started on this replica', { fence });
    },
    lost: (reason) => stop(`bail Tchap perdu : ${reason}`),
  }, logger);
  await keeper.start();
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
