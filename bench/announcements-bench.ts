import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { createChannelLimiters } from '../app/channel-limiters.ts';
import type { ChannelAdapter, SendOptions } from '../bots/channel-adapter.ts';
import { PasserelleError } from '../bots/errors.ts';
import { silentLogger } from '../bots/logger.ts';
import type { ConversationAddress } from '../bots/message.ts';
import { Outbound } from '../bots/outbound/outbound.ts';
import type { Config } from '../config/schema.ts';
import { SqliteAnnouncementStore } from '../state/announcement-store-sqlite.ts';
import { SqliteStateStore } from '../state/sqlite-state-store.ts';
import { loadConfig } from '../config/load-config.ts';
import { BullJobQueue } from '../queue/bull-job-queue.ts';
import { InProcessJobQueue } from '../queue/in-process-job-queue.ts';
import { createAnnouncements } from '../app/announcements.ts';
import { inProcessQueues, type AnnouncementJob } from '../bots/announcements/fanout-queues.ts';
import { reportCsv } from '../bots/announcements/report-csv.ts';
import type { BenchContext, Figure, PartReport } from './bench-part.ts';
import { since } from './statistics.ts';
import { answersDuringFanout, summary as waitSummary } from './answers-during-fanout.ts';
import { announcementPace } from './announcement-pace.ts';

/**
 * Announcements: one announcement to 17,000 people — 12,000 on Teams, 5,000 on Tchap — through the real
 * fan-out (announcement store in a SQLite file, one bull queue per channel on Redis, the per-channel send
 * limiter), into two fake channel services that answer after 5 ms. The services inject what real ones do:
 * a 429 with Retry-After every 2,000 calls, 403 for 60 recipients (final), one 5xx for 120 others (tried
 * again), and they refuse (429) any send above 1.25 × the configured rate in a sliding second (as Teams
 * allows 50/s against the default 40/s). Tchap's service keeps one message per idempotency key, like a
 * homeserver with transaction ids. Measured: delivery rate against the configured limit, messages lost or
 * duplicated, time to prepare and to deliver, the CSV report, memory.
 */

const TEAMS = 12_000;
const MATRIX = 5_000;
const RATES = { teamsPerSecond: 400, matrixPerSecond: 200 };
const LATENCY_MS = 5;
const EVERY_429 = 2_000;
const RETRY_AFTER_MS = 100;
const TENANT = 'tenant-bench';

/** The outbound path over the fake services, and the channels' limiters (the announcements' share paces the sends). */
function channelsOf(config: Readonly<Config>, state: SqliteStateStore, services: Record<'teams' | 'matrix', FakeService>, rates: { teamsPerSecond: number; matrixPerSecond: number }) {
  const limiters = createChannelLimiters(config, rates);
  const outbound = new Outbound(state, silentLogger);
  for (const service of Object.values(services)) outbound.register(service);
  return { outbound, limiters };
}

class FakeService implements ChannelAdapter {
  readonly received = new Map<string, number>();
  readonly times: number[] = [];
  injected429 = 0;
  earned429 = 0;
  calls = 0;
  private readonly window: number[] = [];
  private readonly seen = new Set<string>();
  readonly idempotentSends: boolean;

  constructor(
    readonly name: 'teams' | 'matrix',
    private readonly serverLimit: number,
    readonly blocked: Set<string>,
    private readonly transient: Set<string>,
    private readonly every429 = EVERY_429,
  ) {
    this.idempotentSends = name === 'matrix';
  }

  async start(): Promise<void> {}
  async stop(): Promise<void> {}
  async update(): Promise<void> {}

  async send(address: ConversationAddress, _reply: unknown, options?: SendOptions): Promise<string> {
    this.calls++;
    const now = performance.now();
    while (this.window.length > 0 && (this.window[0] as number) <= now - 1_000) this.window.shift();
    if (this.window.length >= this.serverLimit) {
      this.earned429++;
      throw new PasserelleError('CHANNEL_UNAVAILABLE', { channel: this.name }, { retryAfterMs: 1_000 });
    }
    this.window.push(now);
    if (this.calls % this.every429 === 0) {
      this.injected429++;
      throw new PasserelleError('CHANNEL_UNAVAILABLE', { channel: this.name }, { retryAfterMs: RETRY_AFTER_MS });
    }
    if (this.blocked.has(address.key)) throw new PasserelleError('RECIPIENT_UNREACHABLE', { channel: this.name });
    if (this.transient.delete(address.key)) throw new PasserelleError('CHANNEL_UNAVAILABLE', { channel: this.name });
    const key = options?.idempotencyKey;
    if (!(key && this.seen.has(key))) {
      this.received.set(address.key, (this.received.get(address.key) ?? 0) + 1);
      this.times.push(now);
      if (key) this.seen.add(key);
    }
    await sleep(LATENCY_MS);
    return `${this.name}-${this.calls}`;
  }
}

export async function run(context: BenchContext): Promise<PartReport> {
  const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  const redis = await redisAnswers(redisUrl);
  const dir = await mkdtemp(join(tmpdir(), 'passerelle-bench-announce-'));
  const prefix = `passerelle-bench-${randomBytes(4).toString('hex')}`;
  const notes: string[] = [];
  const state = new SqliteStateStore(':memory:');
  const keys = { teams: [] as string[], matrix: [] as string[] };
  for (let n = 0; n < TEAMS; n++) {
    const key = `teams:a:personal-${n}`;
    keys.teams.push(key);
    await state.saveReference({ key, channel: 'teams', userId: `aad-${n}`, tenant: TENANT, isDirect: true, active: true, updatedAt: new Date().toISOString(), reference: { conversation: { id: `a:personal-${n}`, tenantId: TENANT }, serviceUrl: 'https://smba.example/' } });
  }
  for (let n = 0; n < MATRIX; n++) {
    const key = `matrix:!dm-${n}:tchap.example`;
    keys.matrix.push(key);
    await state.saveReference({ key, channel: 'matrix', userId: `@agent${n}:tchap.example`, isDirect: true, active: true, updatedAt: new Date().toISOString(), reference: { roomId: `!dm-${n}:tchap.example`, isDirect: true } });
  }
  const pick = (list: string[], every: number, offset: number) => new Set(list.filter((_, i) => i % every === offset));
  const services = {
    teams: new FakeService('teams', RATES.teamsPerSecond * 1.25, pick(keys.teams, 300, 7), pick(keys.teams, 150, 11)),
    matrix: new FakeService('matrix', RATES.matrixPerSecond * 1.25, pick(keys.matrix, 250, 3), pick(keys.matrix, 125, 5)),
  };
  const blockedCount = services.teams.blocked.size + services.matrix.blocked.size;
  const queue = (name: string) => (redis ? new BullJobQueue<AnnouncementJob>(name, { redisUrl, prefix }) : new InProcessJobQueue<AnnouncementJob>(name));
  const store = new SqliteAnnouncementStore(join(dir, 'state.sqlite'));
  const config = loadConfig({ env: { PASSERELLE_DATA_DIR: join(dir, 'data'), PASSERELLE_LOG_LEVEL: 'silent' } });
  const announcements = await createAnnouncements(
    { config, state, logger: silentLogger, ...channelsOf(config, state, services, RATES) },
    { store, queues: inProcessQueues(queue('passerelle-announce-teams'), queue('passerelle-announce-matrix')), channels: ['teams', 'matrix'], rates: RATES, fanout: { backoffMs: 200, tickMs: 500 } },
  );
  notes.push(`queues: ${redis ? `bull on Redis (${redisUrl})` : 'in-process (no Redis reachable)'}; store: SQLite file; fake services answer in ${LATENCY_MS} ms`);
  let heapPeak = 0;
  const sampler = setInterval(() => (heapPeak = Math.max(heapPeak, process.memoryUsage().heapUsed)), 100);
  try {
    await announcements.start();
    context.log(`preparing an announcement to ${TEAMS + MATRIX} recipients`);
    const prepareStarted = performance.now();
    const prepared = await announcements.service.prepare({ to: 'tous', markdown: '**Exercice** : annonce de charge.', createdBy: 'bench', origin: 'api' });
    const prepareMs = since(prepareStarted);
    const sendStarted = performance.now();
    await announcements.service.confirm(prepared.announcement.id);
    const confirmMs = since(sendStarted);
    await announcements.consumer.settled();
    const enqueueMs = since(sendStarted);
    context.log('delivering');
    const id = prepared.announcement.id;
    for (let polls = 1; (await store.getAnnouncement(id))?.status !== 'completed'; polls++) {
      if (since(sendStarted) > 600_000) throw new Error(`not completed after 10 min: ${JSON.stringify(await store.countRecipients(id))}`);
      if (polls % 25 === 0) context.log(`${JSON.stringify(await store.countRecipients(id))}, calls: teams ${services.teams.calls}, matrix ${services.matrix.calls}`);
      await sleep(200);
    }
    const deliverMs = since(sendStarted);
    const counts = await store.countRecipients(id);
    const csvStarted = performance.now();
    let csvBytes = 0;
    for await (const chunk of reportCsv(announcements.service.recipients(id))) csvBytes += Buffer.byteLength(chunk);
    const csvMs = since(csvStarted);

    let lost = 0;
    let duplicates = 0;
    for (const recipient of await store.listRecipients(id)) {
      const times = services[recipient.channel].received.get(recipient.address?.key ?? '') ?? 0;
      if (times > 1) duplicates++;
      if ((recipient.status === 'sent' && times === 0) || recipient.status === 'pending' || recipient.status === 'sending') lost++;
    }
    const figures: Figure[] = [
      { key: 'recipients', label: 'Recipients (Teams + Tchap)', value: counts.total, unit: '' },
      { key: 'prepare.ms', label: 'Prepare: resolve "tous" and store the draft', value: prepareMs, unit: 'ms' },
      { key: 'confirm.ms', label: 'Confirm: answer to the admin (jobs are enqueued in the background)', value: confirmMs, unit: 'ms' },
      { key: 'enqueue.ms', label: `Confirm → one job per recipient enqueued (${redis ? 'bull' : 'in-process'})`, value: enqueueMs, unit: 'ms' },
      { key: 'deliver.s', label: 'Confirm → completed (every recipient final)', value: deliverMs / 1000, unit: 's', digits: 1 },
    ];
    for (const channel of ['teams', 'matrix'] as const) {
      const service = services[channel];
      const limit = channel === 'teams' ? RATES.teamsPerSecond : RATES.matrixPerSecond;
      const seconds = ((service.times.at(-1) ?? 0) - (service.times[0] ?? 0)) / 1000;
      const rate = service.times.length / Math.max(seconds, 0.001);
      figures.push(
        { key: `${channel}.rate`, label: `${channel}: delivered per second (limit ${limit}/s)`, value: rate, unit: '/s' },
        { key: `${channel}.rate_ratio`, label: `${channel}: delivery rate / configured limit`, value: (100 * rate) / limit, unit: '%', digits: 1, target: { atLeast: 90 } },
        { key: `${channel}.max_second`, label: `${channel}: most sends in any sliding second, seen by the service`, value: maxInWindow(service.times), unit: '', target: { below: limit + 1 } },
        { key: `${channel}.429_injected`, label: `${channel}: 429 injected (Retry-After ${RETRY_AFTER_MS} ms)`, value: service.injected429, unit: '' },
        { key: `${channel}.429_earned`, label: `${channel}: 429 earned by exceeding the service's limit`, value: service.earned429, unit: '', target: { below: 1 } },
      );
    }
    figures.push(
      { key: 'sent', label: 'Sent', value: counts.sent, unit: '' },
      { key: 'blocked', label: `Blocked (403 injected for ${blockedCount})`, value: counts.blocked, unit: '' },
      { key: 'failed', label: 'Failed', value: counts.failed, unit: '', target: { below: 1 } },
      { key: 'lost', label: 'Lost (reported sent but not received, or never finished)', value: lost, unit: '', target: { below: 1 } },
      { key: 'duplicates', label: 'Received more than once', value: duplicates, unit: '', target: { below: 1 } },
      { key: 'csv.ms', label: `CSV report of every recipient (${(csvBytes / 1e6).toFixed(1)} MB)`, value: csvMs, unit: 'ms' },
      { key: 'heap.peak', label: 'Peak JS heap (sampled every 100 ms)', value: heapPeak / 2 ** 20, unit: 'MB' },
    );
    context.log('capacity: the same audience with no limit and no fault');
    const capacity = await measureCapacity(state, dir, redis ? { redisUrl, prefix: `${prefix}-capacity` } : undefined);
    figures.push({ key: 'capacity', label: 'Capacity: sends per second with no limit (both channels, 5 ms services)', value: capacity, unit: '/s' });
    context.log('Tchap answers during a direct-chat fan-out at production pacing (simulated clock)');
    const answers = await answersDuringFanout();
    const idle = waitSummary(answers.idle);
    const busy = waitSummary(answers.duringFanout);
    figures.push(
      { key: 'answers.idle.p95', label: 'Tchap answer: wait for turns, no fan-out (p95, 1 req/s)', value: idle.p95, unit: 'ms' },
      { key: 'answers.fanout.p50', label: 'Tchap answer: wait for turns during a DM fan-out (p50)', value: busy.p50, unit: 'ms' },
      { key: 'answers.fanout.p95', label: 'Tchap answer: wait for turns during a DM fan-out (p95)', value: busy.p95, unit: 'ms' },
      { key: 'answers.fanout.sent_per_s', label: 'Tchap announcements sent per second meanwhile', value: answers.announcementsSent / 600, unit: '/s', digits: 2 },
    );
    context.log('17,000 Tchap agents: direct messages against announcement rooms at 1 request/s (simulated clock)');
    for (const row of await announcementPace()) {
      figures.push(
        { key: `pace.${row.key}.quiet_min`, label: `Tchap pace: ${row.label} (${row.deliveries} × ${row.requestsEach} request(s)), minutes`, value: row.quietSeconds / 60, unit: 'min', digits: 1 },
        { key: `pace.${row.key}.busy_min`, label: `… with a question every 20 s answered meanwhile, minutes`, value: row.busySeconds / 60, unit: 'min', digits: 1 },
        { key: `pace.${row.key}.answers_p95`, label: '… answers’ wait for their turns meanwhile (p95)', value: row.answersP95, unit: 'ms' },
      );
    }
    return { figures, notes, details: { counts, rates: RATES, latencyMs: LATENCY_MS, every429: EVERY_429, retryAfterMs: RETRY_AFTER_MS } };
  } finally {
    clearInterval(sampler);
    await announcements.close();
    await announcements.queues.close(); // given as an override: closed by whoever made them
    await store.close();
    await state.close();
    if (redis) await deleteKeys(redisUrl, `${prefix}:*`);
    await rm(dir, { recursive: true, force: true });
  }
}

/** Sends per second of the whole pipeline when no limit holds it back (17,000 recipients again). */
async function measureCapacity(state: SqliteStateStore, dir: string, redis: { redisUrl: string; prefix: string } | undefined): Promise<number> {
  const services = { teams: new FakeService('teams', Infinity, new Set(), new Set(), Infinity), matrix: new FakeService('matrix', Infinity, new Set(), new Set(), Infinity) };
  const queue = (name: string) => (redis ? new BullJobQueue<AnnouncementJob>(name, redis) : new InProcessJobQueue<AnnouncementJob>(name));
  const store = new SqliteAnnouncementStore(join(dir, 'capacity.sqlite'));
  const config = loadConfig({ env: { PASSERELLE_DATA_DIR: join(dir, 'data'), PASSERELLE_LOG_LEVEL: 'silent' } });
  const announcements = await createAnnouncements(
    { config, state, logger: silentLogger, ...channelsOf(config, state, services, { teamsPerSecond: 1e6, matrixPerSecond: 1e6 }) },
    { store, queues: inProcessQueues(queue('passerelle-announce-teams'), queue('passerelle-announce-matrix')), channels: ['teams', 'matrix'], rates: { teamsPerSecond: 1e6, matrixPerSecond: 1e6 } },
  );
  try {
    await announcements.start();
    const { announcement } = await announcements.service.submit({ to: 'tous', markdown: 'Capacité', createdBy: 'bench', origin: 'api' });
    while ((await store.getAnnouncement(announcement.id))?.status !== 'completed') await sleep(100);
    const times = [...services.teams.times, ...services.matrix.times].sort((a, b) => a - b);
    return times.length / Math.max(((times.at(-1) ?? 0) - (times[0] ?? 0)) / 1000, 0.001);
  } finally {
    await announcements.close();
    await announcements.queues.close();
    await store.close();
    if (redis) await deleteKeys(redis.redisUrl, `${redis.prefix}:*`);
  }
}

/** Most elements of an ascending series within any window of `windowMs`. */
function maxInWindow(times: readonly number[], windowMs = 1_000): number {
  let best = 0;
  for (let start = 0, end = 0; end < times.length; end++) {
    while ((times[end] as number) - (times[start] as number) >= windowMs) start++;
    best = Math.max(best, end - start + 1);
  }
  return best;
}

async function redisAnswers(url: string): Promise<boolean> {
  const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return (await client.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
}

async function deleteKeys(url: string, pattern: string): Promise<void> {
  const client = new Redis(url);
  try {
    let cursor = '0';
    do {
      const [next, batch] = await client.scan(cursor, 'MATCH', pattern, 'COUNT', 1_000);
      cursor = next;
      if (batch.length > 0) await client.del(...batch);
    } while (cursor !== '0');
  } finally {
    client.disconnect();
  }
}
