import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { PostgresAnnouncementStore } from "../state/announcement-store-postgres.js";
import { SqliteAnnouncementStore } from "../state/announcement-store-sqlite.js";
import { AnnouncementService } from "../bots/announcements/announcement-service.js";
import { AudienceResolver } from "../bots/announcements/audience-resolver.js";
import { FanoutConsumer } from "../bots/announcements/fanout-consumer.js";
import { ANNOUNCEMENT_QUEUE_PREFIX } from "../bots/announcements/fanout-queues.js";
import { BullJobQueue } from "../queue/bull-job-queue.js";
import { instrumentQueue } from "./instrumented-queue.js";
import { InProcessJobQueue } from "../queue/in-process-job-queue.js";
import { RecipientSender } from "../bots/announcements/recipient-sender.js";
export async function createAnnouncements(deps, overrides = {}) {
    const { config, logger } = deps;
    const settings = config.announcements;
    const store = overrides.store ?? (await createAnnouncementStore(config, logger));
    const queues = overrides.queues ?? createAnnouncementQueues(config);
    const rates = overrides.rates ?? { teamsPerSecond: settings.teamsPerSecond, matrixPerSecond: settings.matrixPerSecond };
    const owner = overrides.owner ?? `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
    const maxAttempts = overrides.maxAttempts ?? 5;
    const directories = {};
    const channels = new Set(overrides.channels ?? [...(config.teams.enabled ? ['teams'] : []), ...(config.matrix.enabled ? ['matrix'] : [])]);
    const { outbound, limiters } = deps;
    let consumer;
    const sender = new RecipientSender({
        store, outbound, limiters, owner, maxAttempts, logger,
        ...(overrides.now ? { now: overrides.now } : {}),
        onFinished: (id) => consumer?.noteProgress(id),
    });
    const options = {
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
    const resolver = new AudienceResolver({ state: deps.state, channels, directories, maxRecipients: overrides.maxRecipients ?? 200_000 });
    const service = new AnnouncementService({
        store, resolver, fanout: consumer, maxChars: settings.maxChars, draftTtlMs: overrides.draftTtlMs ?? 24 * 3_600_000,
        ...(overrides.now ? { now: overrides.now } : {}),
    });
    const started = consumer;
    return {
        store, service, consumer: started, queues, directories,
        start: () => started.start(),
        async close() {
            await started.stop();
            if (!overrides.queues)
                await queues.close();
            if (!overrides.store)
                await store.close();
        },
    };
}
/** SQLite: the data directory's state file (its own tables); PostgreSQL: the state store's database and schema. */
async function createAnnouncementStore(config, logger) {
    if (config.state.kind === 'postgres')
        return PostgresAnnouncementStore.open({ connectionString: config.state.databaseUrl, ...(logger ? { logger } : {}) });
    return new SqliteAnnouncementStore(join(config.dataDir, 'state.sqlite'));
}
function concurrencyFor(perSecond) {
    return Math.max(1, Math.min(64, Math.ceil(perSecond / 2)));
}
/** One queue per channel (bull on Redis when configured, else in-process), created on first use. */
function createAnnouncementQueues(config) {
    const { queue } = config;
    const make = (channel) => instrumentQueue(makeQueue(channel));
    const makeQueue = (channel) => queue.redisUrl
        ? new BullJobQueue(`${ANNOUNCEMENT_QUEUE_PREFIX}${channel}`, {
            redisUrl: queue.redisUrl,
            prefix: queue.prefix,
            lockDurationMs: queue.lockDurationMs,
            stalledIntervalMs: queue.stalledIntervalMs,
            // Finished jobs are kept a day: their ids keep re-enqueuing idempotent meanwhile (the store decides after).
            keepCompletedSeconds: 86_400,
        })
        : new InProcessJobQueue(`${ANNOUNCEMENT_QUEUE_PREFIX}${channel}`, 86_400_000);
    return lazyQueues(() => make('teams'), () => make('matrix'));
}
/** Queues created on first use: a bot process that never announces opens no Redis connection for them. */
function lazyQueues(teams, matrix) {
    const made = {};
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
