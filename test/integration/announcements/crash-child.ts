/**
 * A fan-out consumer process for the crash tests (not a test file): the announcement store is a SQLite
 * file, the queues are bull on Redis (or in-process), and the two channels are "services" that write every
 * message they accept to a delivery log (one JSON line per message, appended synchronously: what the
 * service received survives the SIGKILL of this process). With CHANNEL_IDEMPOTENT=1 a channel behaves like
 * a homeserver with transaction ids: a message whose key is already in the log is accepted but not stored
 * again. Each send answers only after LATENCY_MS, so that a kill often falls between "the service has it"
 * and "the store knows it".
 *
 * Environment: STORE_FILE, DELIVERY_LOG, REDIS_URL?, QUEUE_PREFIX?, CHANNEL_IDEMPOTENT?, LATENCY_MS, RATE.
 */
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ChannelAdapter, SendOptions } from '../../../bots/channel-adapter.ts';
import { silentLogger } from '../../../bots/logger.ts';
import type { ConversationAddress } from '../../../bots/message.ts';
import { SqliteAnnouncementStore } from '../../../state/announcement-store-sqlite.ts';
import { SqliteStateStore } from '../../../state/sqlite-state-store.ts';
import { loadConfig } from '../../../config/load-config.ts';
import { BullJobQueue } from '../../../queue/bull-job-queue.ts';
import { InProcessJobQueue } from '../../../queue/in-process-job-queue.ts';
import { Outbound } from '../../../bots/outbound/outbound.ts';
import { createChannelLimiters } from '../../../app/channel-limiters.ts';
import { createAnnouncements } from '../../../app/announcements.ts';
import { inProcessQueues, type AnnouncementJob } from '../../../bots/announcements/fanout-queues.ts';

const env = process.env;
const log = env.DELIVERY_LOG as string;
const idempotent = env.CHANNEL_IDEMPOTENT === '1';
const latencyMs = Number(env.LATENCY_MS ?? 20);
const rate = Number(env.RATE ?? 200);

const seen = new Set<string>(existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter(Boolean).map((line) => (JSON.parse(line) as { idempotencyKey: string }).idempotencyKey) : []);

function loggingChannel(name: 'teams' | 'matrix'): ChannelAdapter {
  let counter = 0;
  return {
    name,
    idempotentSends: idempotent,
    async start() {},
    async stop() {},
    async update() {},
    async send(address: ConversationAddress, _reply: unknown, options?: SendOptions) {
      const key = options?.idempotencyKey ?? `${address.key}#${Date.now()}#${Math.random()}`;
      if (!(idempotent && seen.has(key))) {
        appendFileSync(log, `${JSON.stringify({ channel: name, key: address.key, idempotencyKey: key, pid: process.pid })}\n`);
        seen.add(key);
      }
      await sleep(latencyMs);
      return `${name}-${process.pid}-${++counter}`;
    },
  };
}

const config = loadConfig({ env: { PASSERELLE_DATA_DIR: '/tmp/unused-passerelle-crash', PASSERELLE_LOG_LEVEL: 'silent' } });
const state = new SqliteStateStore(':memory:');
const limiters = createChannelLimiters(config, { teamsPerSecond: rate, matrixPerSecond: rate });
const store = new SqliteAnnouncementStore(env.STORE_FILE as string);
const outbound = new Outbound(state, silentLogger);
outbound.register(loggingChannel('teams'));
outbound.register(loggingChannel('matrix'));
const queue = (name: string) =>
  env.REDIS_URL
    ? new BullJobQueue<AnnouncementJob>(name, { redisUrl: env.REDIS_URL, prefix: env.QUEUE_PREFIX as string, lockDurationMs: Number(env.LOCK_MS ?? 3_000), stalledIntervalMs: Number(env.STALLED_MS ?? 1_000) })
    : new InProcessJobQueue<AnnouncementJob>(name);
const announcements = await createAnnouncements(
  { config, state, logger: silentLogger, outbound, limiters },
  {
    store,
    queues: inProcessQueues(queue('passerelle-announce-teams'), queue('passerelle-announce-matrix')),
    channels: ['teams', 'matrix'],
    rates: { teamsPerSecond: rate, matrixPerSecond: rate },
    fanout: { tickMs: 100, backoffMs: 50, staleMs: 1_000, concurrency: { teams: 8, matrix: 8 } },
  },
);
await announcements.start();
process.stdout.write('ready\n');
// Like the bot process (HTTP servers, channel connections), stay alive until killed.
setInterval(() => undefined, 60_000);
