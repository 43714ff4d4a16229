import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/**
 * The process's Prometheus metrics, every name prefixed `passerelle_`. One registry per process (like the
 * logger, a leaf any layer may record into); `/metrics` renders it (the admin listener of `serve`, the
 * worker's own listener). Labels are bounded sets — base ids, channel names, outcomes, stage and queue
 * names — never user ids, conversation ids or text (no personal data, no unbounded series).
 *
 * Gauges of state held elsewhere (queue depths, announcement progress) are read at scrape time from the
 * sources the composition root registers (`metricSources`).
 */

export const registry = new Registry();

/** Latency buckets, seconds: 5 ms to 2 minutes (a generated answer with a slow model). */
const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 20, 30, 60, 120];
/** Job buckets, seconds: 50 ms to an hour (a summary of a long document). */
const JOB_BUCKETS = [0.05, 0.25, 1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600];

export const metrics = {
  questions: new Counter({
    name: 'passerelle_questions_total',
    help: 'Questions answered, by knowledge base, channel and outcome (extractive, generative, standard, refusal, abstention).',
    labelNames: ['kb', 'channel', 'outcome'] as const,
    registers: [registry],
  }),
  answerSeconds: new Histogram({
    name: 'passerelle_answer_duration_seconds',
    help: 'Time to produce an answer (routing, retrieval, generation), by channel and outcome.',
    labelNames: ['channel', 'outcome'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [registry],
  }),
  stageSeconds: new Histogram({
    name: 'passerelle_stage_duration_seconds',
    help: 'Time spent in each pipeline stage (deduplicate, access-control… dispatch) and answer step (answer.route, answer.retrieve, answer.generate).',
    labelNames: ['stage'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [registry],
  }),
  modelTokens: new Counter({
    name: 'passerelle_model_tokens_total',
    help: 'Chat model tokens, by model and direction (input, output).',
    labelNames: ['model', 'direction'] as const,
    registers: [registry],
  }),
  energy: new Counter({
    name: 'passerelle_energy_watt_hours_total',
    help: 'Estimated energy of model calls, watt-hours (tokens × bot.energyWhPer1kTokens), by knowledge base.',
    labelNames: ['kb'] as const,
    registers: [registry],
  }),
  queueJobs: new Gauge({
    name: 'passerelle_queue_jobs',
    help: 'Jobs in each queue, by state (waiting, active, delayed, failed), read at scrape time.',
    labelNames: ['queue', 'state'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      for (const source of metricSources.queues) {
        const counts = await source.counts().catch(() => undefined);
        if (!counts) continue;
        for (const [state, count] of Object.entries(counts)) this.set({ queue: source.name, state }, count);
      }
    },
  }),
  jobSeconds: new Histogram({
    name: 'passerelle_job_duration_seconds',
    help: 'Time of one job attempt, by queue and outcome (completed, failed).',
    labelNames: ['queue', 'outcome'] as const,
    buckets: JOB_BUCKETS,
    registers: [registry],
  }),
  rateLimitWaitSeconds: new Histogram({
    name: 'passerelle_rate_limit_wait_seconds',
    help: 'Time an outgoing channel request waited for its turn in the channel rate limiter, by channel and lane (interactive, bulk).',
    labelNames: ['channel', 'lane'] as const,
    buckets: [0, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60],
    registers: [registry],
  }),
  throttled: new Counter({
    name: 'passerelle_channel_throttled_total',
    help: 'Rate-limit refusals from a channel service (Teams 429, Tchap M_LIMIT_EXCEEDED), by channel.',
    labelNames: ['channel'] as const,
    registers: [registry],
  }),
  deliveries: new Counter({
    name: 'passerelle_deliveries_total',
    help: 'Worker results handed to a channel by the bot process, by channel, action (send, update) and outcome (delivered, duplicate, refused, failed).',
    labelNames: ['channel', 'action', 'outcome'] as const,
    registers: [registry],
  }),
  announcementSends: new Counter({
    name: 'passerelle_announcement_sends_total',
    help: 'Announcement messages sent to recipients, by channel and outcome (sent, failed, blocked).',
    labelNames: ['channel', 'outcome'] as const,
    registers: [registry],
  }),
  announcementRecipients: new Gauge({
    name: 'passerelle_announcement_recipients',
    help: 'Recipients of announcements in progress, by state (pending, sending, sent, failed, blocked), read at scrape time.',
    labelNames: ['state'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      const progress = await metricSources.announcements?.().catch(() => undefined);
      for (const [state, count] of Object.entries(progress ?? {})) this.set({ state }, count);
    },
  }),
  matrixSyncLagSeconds: new Histogram({
    name: 'passerelle_matrix_sync_lag_seconds',
    help: 'Delay between a Tchap message being sent (origin_server_ts) and the bot receiving it through /sync.',
    buckets: [0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 300],
    registers: [registry],
  }),
  undecryptable: new Counter({
    name: 'passerelle_undecryptable_events_total',
    help: 'Encrypted messages the bot could not decrypt, by channel and state: failed (still undecryptable after the grace period; the sender is told once per burst), recovered (their keys arrived later and they were answered). Unresolved = failed - recovered.',
    labelNames: ['channel', 'state'] as const,
    registers: [registry],
  }),
  inboundEvents: new Counter({
    name: 'passerelle_inbound_events_total',
    help: 'Events received from the channels, by channel and kind (message, rating, installed, removed, undecryptable).',
    labelNames: ['channel', 'kind'] as const,
    registers: [registry],
  }),
};

/** A queue whose depth is read at scrape time. */
export interface QueueDepthSource {
  name: string;
  counts(): Promise<Record<string, number>>;
}

/** The sources of the scrape-time gauges, registered by the composition root. */
export const metricSources: {
  queues: QueueDepthSource[];
  announcements?: () => Promise<Record<string, number>>;
} = { queues: [] };

let defaultsCollected = false;

/** Process metrics (CPU, resident memory, heap, event-loop lag, handles) under the same prefix; once per process. */
export function collectProcessMetrics(): void {
  if (defaultsCollected) return;
  defaultsCollected = true;
  collectDefaultMetrics({ register: registry, prefix: 'passerelle_' });
}

/** Seconds elapsed since `startedAt` (a `performance.now()` reading). */
export function secondsSince(startedAt: number): number {
  return (performance.now() - startedAt) / 1000;
}

/** The Prometheus text exposition of every metric. */
export async function renderMetrics(): Promise<{ contentType: string; body: string }> {
  return { contentType: registry.contentType, body: await registry.metrics() };
}
