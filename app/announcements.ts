import { readFile, stat } from 'node:fs/promises';
import { AnnouncementRooms, parseRoomList, type AnnouncementRoomChannel, type AnnouncementRoomsControl } from '../bots/announcements/announcement-rooms.ts';
import { PasserelleError } from '../bots/errors.ts';
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { isAlive } from '../adapters/matrix/process-lock.ts';
import type { Logger } from '../bots/logger.ts';
import { PostgresAnnouncementStore } from '../state/announcement-store-postgres.ts';
import { SqliteAnnouncementStore } from '../state/announcement-store-sqlite.ts';
import type { AnnouncementChannel, AnnouncementStore } from '../state/announcement-store.ts';
import type { StateStore } from '../state/state-store.ts';
import type { Config } from '../config/schema.ts';
import { AnnouncementService } from '../bots/announcements/announcement-service.ts';
import { AudienceResolver } from '../bots/announcements/audience-resolver.ts';
import type { AudienceDirectories } from '../bots/announcements/directories.ts';
import { FanoutConsumer, type FanoutOptions } from '../bots/announcements/fanout-consumer.ts';
import { ANNOUNCEMENT_QUEUE_PREFIX, type AnnouncementJob, type AnnouncementQueues } from '../bots/announcements/fanout-queues.ts';
import { BullJobQueue } from '../queue/bull-job-queue.ts';
import { instrumentQueue } from './instrumented-queue.ts';
import { InProcessJobQueue } from '../queue/in-process-job-queue.ts';
import type { JobQueue } from '../queue/job-queue.ts';
import { RecipientSender } from '../bots/announcements/recipient-sender.ts';
import type { Outbound } from '../bots/outbound/outbound.ts';
import type { ChannelLimiters } from './channel-limiters.ts';

/**
 * Announcements as the bot process holds them (wired by app/bot-application.ts): the store, the service the
 * chat command, the admin API and the CLI use, and the fan-out consumer started with the other jobs.
 */
export interface Announcements {
  store: AnnouncementStore;
  service: AnnouncementService;
  consumer: FanoutConsumer;
  queues: AnnouncementQueues;
  /** Filled by the composition root once the channels exist (Graph for Teams, room members for Tchap). */
  directories: AudienceDirectories;
  /**
   * Tchap announcement rooms: `attach` the channel once it exists (with a membership list, the rooms are kept
   * in the background once `ready` resolves); `sync` keeps them from ANNOUNCE_ROOMS_FILE now.
   */
  rooms: AnnouncementRoomsControl & { attach(channel: AnnouncementRoomChannel, ready?: Promise<void>): void };
  /** Repairs and consumes the fan-out queues of `channels` (default: both). */
  start(channels?: readonly AnnouncementChannel[]): Promise<void>;
  /** Consumes one more channel's queue (this replica took the Tchap connection). */
  consume(channel: AnnouncementChannel): Promise<void>;
  /**
   * Stops the fan-out (no new send; the queues closed) while the channels are still connected: a send in
   * flight then ends as it would have, instead of failing on a closed connection. Idempotent.
   */
  stopSending(): Promise<void>;
  /** Stops sending and closes the store. */
  close(): Promise<void>;
}

export interface AnnouncementsDeps {
  config: Readonly<Config>;
  state: StateStore;
  /** The one outbound path: sends leave on its channels' bulk lane. */
  outbound: Pick<Outbound, 'channel' | 'send'>;
  /** The channels' rate limiters, shared with the adapters (a Retry-After pauses the bulk lane). */
  limiters: ChannelLimiters;
  logger: Logger;
}

/** Knobs for tests and the benchmark; production takes everything from configuration. */
export interface AnnouncementsOverrides {
  store?: AnnouncementStore;
  queues?: AnnouncementQueues;
  /** Enabled channels (default: from config.teams/matrix.enabled). */
  channels?: AnnouncementChannel[];
  /** Send rates the fan-out's concurrency is sized for (default: config.announcements). */
  rates?: { teamsPerSecond: number; matrixPerSecond: number };
  fanout?: Partial<FanoutOptions>;
  maxAttempts?: number;
  maxRecipients?: number;
  draftTtlMs?: number;
  now?: () => Date;
  owner?: string;
}

export async function createAnnouncements(deps: AnnouncementsDeps, overrides: AnnouncementsOverrides = {}): Promise<Announcements> {
  const { config, logger } = deps;
  const settings = config.announcements;
  const store = overrides.store ?? (await createAnnouncementStore(config, logger));
  const queues = overrides.queues ?? createAnnouncementQueues(config);
  const rates = overrides.rates ?? { teamsPerSecond: settings.teamsPerSecond, matrixPerSecond: settings.matrixPerSecond };
  const owner = overrides.owner ?? `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
  const maxAttempts = overrides.maxAttempts ?? 5;
  const directories: AudienceDirectories = {};
  const channels = new Set<AnnouncementChannel>(overrides.channels ?? [...(config.teams.enabled ? ['teams' as const] : []), ...(config.matrix.enabled ? ['matrix' as const] : [])]);
  const { outbound, limiters } = deps;
  let consumer: FanoutConsumer | undefined;
  const sender = new RecipientSender({
    store, outbound, limiters, owner, maxAttempts, logger,
    ...(overrides.now ? { now: overrides.now } : {}),
    onFinished: (id) => consumer?.noteProgress(id),
    claimantAlive,
  });
  const options: FanoutOptions = {
    // Enough sends in flight to reach the rate with ~0.5 s per send, never more than 64.
    concurrency: { teams: concurrencyFor(rates.teamsPerSecond), matrix: concurrencyFor(rates.matrixPerSecond) },
    jobAttempts: maxAttempts + 5,
    backoffMs: 2_000,
    tickMs: 5_000,
    staleMs: 60_000,
    enqueueParallelism: 64,
    ...overrides.fanout,
  };
  consumer = new FanoutConsumer({ store, queues, sender, outbound, owner, logger, options, ...(overrides.now ? { now: overrides.now } : {}) });
  const resolver = new AudienceResolver({ state: deps.state, channels, directories, maxRecipients: overrides.maxRecipients ?? 200_000, roomsAbove: settings.roomsAbove });
  let roomChannel: AnnouncementRoomChannel | undefined;
  const keeper = new AnnouncementRooms(() => roomChannel, logger);
  /** Modification time of the membership list at the last synchronisation; the list is looked at every `roomsCheckSeconds`. */
  let listVersion: number | undefined;
  let watcher: NodeJS.Timeout | undefined;
  let keeping: Promise<void> | undefined;
  let closed = false;
  /** One synchronisation at a time. */
  const keep = (): Promise<void> =>
    (keeping ??= rooms
      .sync()
      .then((report) => logger.info('announcement rooms kept', { rooms: report.rooms.length, failed: report.failedRooms.length }))
      .catch((error: unknown) => logger.warn('announcement rooms not kept', { error }))
      .finally(() => (keeping = undefined)));
  const rooms: Announcements['rooms'] = {
    attach(channel, ready) {
      roomChannel = channel;
      // Rooms are an audience (and the default for large Tchap ones) where a membership list keeps them.
      if (!settings.roomsFile) return;
      directories.announcementRooms = { list: () => keeper.list() };
      // One request per second: minutes for many newcomers, in the background; then again whenever the list
      // changes (looked at every roomsCheckSeconds); `annonce salons synchroniser` does it at once.
      const file = settings.roomsFile;
      void (ready ?? Promise.resolve()).then(async () => {
        await keep();
        clearInterval(watcher);
        if (closed) return;
        watcher = setInterval(() => {
          void stat(file)
            .then((info) => (info.mtimeMs !== listVersion ? keep() : undefined))
            .catch((error: unknown) => logger.warn('announcement rooms list unreadable', { file, error }));
        }, settings.roomsCheckSeconds * 1_000);
        watcher.unref();
      });
    },
    list: () => keeper.list(),
    async sync() {
      const file = settings.roomsFile;
      if (!file) throw new PasserelleError('ANNOUNCE_ROOMS_UNAVAILABLE', { why: 'aucune liste de membres : ANNOUNCE_ROOMS_FILE' });
      let text: string;
      try {
        listVersion = (await stat(file)).mtimeMs;
        text = await readFile(file, 'utf8');
      } catch (error) {
        throw new PasserelleError('ANNOUNCE_ROOMS_LIST_INVALID', { file, problem: 'fichier illisible' }, { cause: error });
      }
      return keeper.sync(parseRoomList(text, file));
    },
  };
  const service = new AnnouncementService({
    store, resolver, fanout: consumer, maxChars: settings.maxChars, draftTtlMs: overrides.draftTtlMs ?? 24 * 3_600_000,
    ...(overrides.now ? { now: overrides.now } : {}),
  });
  const started = consumer;
  let stopping: Promise<void> | undefined;
  const stopSending = (): Promise<void> =>
    (stopping ??= (async () => {
      await started.stop();
      if (!overrides.queues) await queues.close();
      await sender.drain();
    })());
  return {
    store, service, consumer: started, queues, directories, rooms,
    start: (channels) => started.start(channels),
    consume: (channel) => started.consume(channel),
    stopSending,
    async close() {
      closed = true;
      clearInterval(watcher);
      await stopSending();
      if (!overrides.store) await store.close();
    },
  };
}

/** A send claimed by another instance on another machine is presumed interrupted after this long. */
const CLAIM_STALE_MS = 120_000;

/**
 * Whether the consumer instance `owner` (`<host>:<pid>:<random>`, see createAnnouncements) may still be
 * sending a row it claimed at `claimedAt`: on this machine, while its process runs (an earlier instance of
 * this very process is not); on another machine (another replica), for two minutes — far longer than one
 * send may take — after which it is presumed dead. Anything else is not a replica's instance: dead.
 */
export function claimantAlive(owner: string, claimedAt: string, now = Date.now()): boolean {
  const parts = owner.split(':');
  const pid = Number(parts[1]);
  if (parts.length !== 3 || !Number.isInteger(pid) || pid <= 0) return false; // not a replica's instance
  if (parts[0] === hostname()) return isAlive(pid);
  return now - Date.parse(claimedAt) < CLAIM_STALE_MS;
}

/** SQLite: the data directory's state file (its own tables); PostgreSQL: the state store's database and schema. */
async function createAnnouncementStore(config: Readonly<Config>, logger?: Logger): Promise<AnnouncementStore> {
  if (config.state.kind === 'postgres') return PostgresAnnouncementStore.open({ connectionString: config.state.databaseUrl as string, ...(logger ? { logger } : {}) });
  return new SqliteAnnouncementStore(join(config.dataDir, 'state.sqlite'));
}

/**
 * Jobs in progress per channel: one second's worth of sends (at most 128). A job holds its slot while it
 * waits for its share of the limiter and, the share granted, while it claims, sends and records — enough
 * slots keep the channel at its rate; the rows in 'sending' stay those whose request is on the wire.
 */
function concurrencyFor(perSecond: number): number {
  return Math.max(1, Math.min(128, Math.ceil(perSecond)));
}

/** One queue per channel (bull on Redis when configured, else in-process), created on first use. */
function createAnnouncementQueues(config: Readonly<Config>): AnnouncementQueues {
  const { queue } = config;
  const make = (channel: AnnouncementChannel): JobQueue<AnnouncementJob> => instrumentQueue(makeQueue(channel));
  const makeQueue = (channel: AnnouncementChannel): JobQueue<AnnouncementJob> =>
    queue.redisUrl
      ? new BullJobQueue<AnnouncementJob>(`${ANNOUNCEMENT_QUEUE_PREFIX}${channel}`, {
          redisUrl: queue.redisUrl,
          prefix: queue.prefix,
          lockDurationMs: queue.lockDurationMs,
          stalledIntervalMs: queue.stalledIntervalMs,
          // Finished jobs are kept a day: their ids keep re-enqueuing idempotent meanwhile (the store decides after).
          keepCompletedSeconds: 86_400,
        })
      : new InProcessJobQueue<AnnouncementJob>(`${ANNOUNCEMENT_QUEUE_PREFIX}${channel}`, 86_400_000);
  return lazyQueues(() => make('teams'), () => make('matrix'));
}

/** Queues created on first use: a bot process that never announces opens no Redis connection for them. */
function lazyQueues(teams: () => JobQueue<AnnouncementJob>, matrix: () => JobQueue<AnnouncementJob>): AnnouncementQueues {
  const made: Partial<Record<AnnouncementChannel, JobQueue<AnnouncementJob>>> = {};
  return {
    get teams() {
      return (made.teams ??= teams());
    },
    get matrix() {
      return (made.matrix ??= matrix());
    },
    async close() {
      await Promise.all(Object.values(made).map((queue) => queue.close()));
    },
  };
}
