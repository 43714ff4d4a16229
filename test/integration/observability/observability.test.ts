import assert from 'node:assert/strict';
import { join } from 'node:path';
import { startAdminApi } from '../../../app/admin-surface.ts';
import { createBotApplication, type BotApplication } from '../../../app/bot-application.ts';
import { startMetricsListener, startObservability, type Observability } from '../../../app/observability.ts';
import { createLogger } from '../../../bots/logger.ts';
import type { IncomingMessage } from '../../../bots/message.ts';
import { loadConfig } from '../../../config/load-config.ts';
import type { Config } from '../../../config/schema.ts';
import { createKnowledge } from '../../../knowledge/create-knowledge.ts';
import { startFakeModelServer, type FakeModelServer } from '../../fakes/model-server.ts';
import { startFakeOtlpCollector, type FakeOtlpCollector } from '../../fakes/otlp-collector.ts';
import { message, modelEnv, RecordingChannel, tempDir } from '../bot/harness.ts';
import { writeCodeCorpus } from '../workers/code-corpus.ts';
import { waitFor } from '../workers/redis-helpers.ts';

/**
 * Observability of the bot process, for real: the application from createBotApplication on an ingested code,
 * a fake model server (tokens), in-process queues (a summary job runs in the process), the admin listener's
 * /metrics, JSON log lines captured, and a fake OTLP/HTTP collector receiving the traces.
 */

type LogLine = Record<string, unknown> & { message: string; requestId?: string; traceId?: string };

interface Rig {
  app: BotApplication;
  config: Readonly<Config>;
  channel: RecordingChannel;
  matrix: RecordingChannel;
  logs: LogLine[];
  receive(message: IncomingMessage): Promise<void>;
  close(): Promise<void>;
}

async function startRig(env: Record<string, string>, models: FakeModelServer): Promise<Rig> {
  const temp = tempDir('observability');
  const config = loadConfig({
    env: {
      PASSERELLE_DATA_DIR: join(temp.path, 'data'), PASSERELLE_RATE_LIMIT_PER_MINUTE: '1000', PASSERELLE_ABSTAIN_BELOW: '0.3',
      PASSERELLE_ADMIN_PORT: '0', PASSERELLE_METRICS: 'true', ...modelEnv({ provider: 'openai-compatible', server: models, ceiling: 'diffusion-restreinte' }), ...env,
    },
    overrides: { chatModel: { maxRetries: 0 } },
  });
  const knowledge = await createKnowledge(config);
  await knowledge.ingestion.ingest({ kb: 'legal', ceiling: 'diffusion-restreinte' }, [writeCodeCorpus(join(temp.path, 'corpus'))], { defaultClassification: 'public' });
  const logs: LogLine[] = [];
  const logger = createLogger('debug', (line) => logs.push(JSON.parse(line) as LogLine));
  const app = await createBotApplication(config, logger, { knowledge });
  const channel = new RecordingChannel('teams');
  const matrix = new RecordingChannel('matrix');
  app.bot.register(channel);
  app.bot.register(matrix);
  app.startJobs();
  return {
    app, config, channel, matrix, logs,
    async receive(incoming) {
      await app.bot.inbound.receive({ kind: 'message', message: incoming });
    },
    async close() {
      await app.close();
      await knowledge.close();
      temp.remove();
    },
  };
}

/** The sum of the series of a metric matching `labels` in a Prometheus exposition (0 when none). */
function sample(text: string, name: string, labels: Record<string, string> = {}): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    const labelText = /\{(.*)\}/.exec(line)?.[1] ?? '';
    if (Object.entries(labels).every(([key, value]) => labelText.includes(`${key}="${value}"`))) sum += Number(line.split(' ').at(-1));
  }
  return sum;
}

describe('observability: /metrics, request ids in JSON logs, OpenTelemetry traces', function () {
  this.timeout(60_000);
  let models: FakeModelServer;

  before(async () => {
    models = await startFakeModelServer();
    models.onChat((request) => {
      const system = String(request.body.messages?.find((entry) => entry.role === 'system')?.content ?? '');
      if (system.includes('Tu classes')) return { content: JSON.stringify({ kb: 'legal', confidence: 0.9 }) };
      return { content: 'Les agents des douanes peuvent procéder à la visite des marchandises [1].' };
    });
  });
  after(async () => models?.close());

  describe('metrics on the admin listener', () => {
    let rig: Rig;
    let admin: Awaited<ReturnType<typeof startAdminApi>>;
    const scrape = async (headers: Record<string, string> = {}) => {
      const response = await fetch(`http://127.0.0.1:${admin.adminPort}/metrics`, { headers });
      return { status: response.status, type: response.headers.get('content-type') ?? '', text: await response.text() };
    };

    before(async () => {
      rig = await startRig({}, models);
      startObservability(rig.config, 'serve', createLogger('silent'));
      admin = await startAdminApi(rig.app, createLogger('silent'));
    });
    after(async () => {
      await admin?.close();
      await rig?.close();
    });

    it('serves /healthz and the Prometheus exposition without an admin token when PASSERELLE_METRICS is on', async () => {
      const health = await fetch(`http://127.0.0.1:${admin.adminPort}/healthz`);
      assert.equal(health.status, 200);
      const { status, type, text } = await scrape();
      assert.equal(status, 200);
      assert.match(type, /^text\/plain; version=0\.0\.4/);
      for (const name of ['passerelle_questions_total', 'passerelle_stage_duration_seconds', 'passerelle_queue_jobs', 'passerelle_process_resident_memory_bytes', 'passerelle_nodejs_eventloop_lag_seconds']) {
        assert.match(text, new RegExp(`^# TYPE ${name} `, 'm'), name);
      }
      assert.doesNotMatch(text, /^# TYPE (?!passerelle_)/m, 'every metric is prefixed passerelle_');
    });

    it('a question counts by base, channel and outcome, with its stages, tokens and energy', async () => {
      const before = (await scrape()).text;
      await rig.receive(message('Les agents des douanes peuvent-ils procéder à la visite des marchandises ?'));
      assert.equal(rig.channel.sent.filter((entry) => entry.reply.kind === 'answer').length, 1, JSON.stringify(rig.channel.sent.map((entry) => [entry.reply.kind, entry.reply.text.slice(0, 120)])));
      const after = (await scrape()).text;
      const delta = (name: string, labels: Record<string, string> = {}) => sample(after, name, labels) - sample(before, name, labels);
      assert.equal(delta('passerelle_questions_total', { kb: 'legal', channel: 'teams' }), 1);
      // Generative unless the (loaded) machine made the model call time out: then extractive, still counted.
      const outcome = ['generative', 'extractive'].find((mode) => delta('passerelle_questions_total', { kb: 'legal', channel: 'teams', outcome: mode }) === 1);
      assert.ok(outcome, 'counted under its outcome');
      assert.equal(delta('passerelle_answer_duration_seconds_count', { channel: 'teams', outcome }), 1);
      for (const stage of ['dedupe', 'access', 'rate-limit', 'dispatch', 'answer.route', 'answer.retrieve', 'answer.generate']) {
        assert.equal(delta('passerelle_stage_duration_seconds_count', { stage }), 1, stage);
      }
      if (outcome === 'generative') {
        // A model call that timed out on a loaded machine (extractive outcome) reports no usage: tokens only then.
        assert.ok(delta('passerelle_model_tokens_total', { direction: 'input' }) > 0, 'input tokens');
        assert.ok(delta('passerelle_model_tokens_total', { direction: 'output' }) > 0, 'output tokens');
        assert.ok(delta('passerelle_energy_watt_hours_total', { kb: 'legal' }) > 0, 'energy');
      }
      assert.equal(delta('passerelle_inbound_events_total', { channel: 'teams', kind: 'message' }), 1);
    });

    it('a summary job: job duration by queue and outcome, deliveries, queue depths', async () => {
      const before = (await scrape()).text;
      await rig.receive(message('résume les articles 60 à 60-3', { conversation: { key: 'teams:jobs', reference: {} } }));
      await waitFor(() => rig.channel.sent.some((entry) => entry.reply.kind === 'answer' && entry.reply.text.includes('60-3')), 'the summary', 90_000);
      await waitFor(async () => (await rig.app.queues.deliveries.pending()).length === 0, 'deliveries');
      const after = (await scrape()).text;
      assert.equal(sample(after, 'passerelle_job_duration_seconds_count', { queue: 'passerelle-work', outcome: 'completed' }) - sample(before, 'passerelle_job_duration_seconds_count', { queue: 'passerelle-work', outcome: 'completed' }), 1);
      assert.ok(sample(after, 'passerelle_deliveries_total', { channel: 'teams', action: 'send', outcome: 'delivered' }) > sample(before, 'passerelle_deliveries_total', { channel: 'teams', action: 'send', outcome: 'delivered' }));
      assert.match(after, /^passerelle_queue_jobs\{queue="passerelle-work",state="waiting"\} 0$/m);
    });

    it('Tchap: sync lag from the server stamp, undecryptable events counted', async () => {
      const before = (await scrape()).text;
      const sentAt = new Date(Date.now() - 3_000).toISOString();
      await rig.receive(message('aide', { channel: 'matrix', conversation: { key: 'matrix:!room', reference: { roomId: '!room' } }, sentAt }));
      await rig.app.bot.inbound.receive({ kind: 'undecryptable', channel: 'matrix', address: { key: 'matrix:!room', reference: { roomId: '!room' } } });
      await rig.app.bot.inbound.receive({ kind: 'undecryptable', channel: 'matrix', address: { key: 'matrix:!room', reference: { roomId: '!room' } }, notify: false });
      await rig.app.bot.inbound.receive({ kind: 'undecryptable', channel: 'matrix', address: { key: 'matrix:!room', reference: { roomId: '!room' } }, recovered: true });
      const after = (await scrape()).text;
      assert.equal(sample(after, 'passerelle_matrix_sync_lag_seconds_count') - sample(before, 'passerelle_matrix_sync_lag_seconds_count'), 1);
      assert.equal(sample(after, 'passerelle_matrix_sync_lag_seconds_bucket', { le: '2' }) - sample(before, 'passerelle_matrix_sync_lag_seconds_bucket', { le: '2' }), 0, 'about 3 s of lag');
      assert.equal(sample(after, 'passerelle_matrix_sync_lag_seconds_bucket', { le: '5' }) - sample(before, 'passerelle_matrix_sync_lag_seconds_bucket', { le: '5' }), 1);
      assert.equal(sample(after, 'passerelle_undecryptable_events_total', { channel: 'matrix', state: 'failed' }) - sample(before, 'passerelle_undecryptable_events_total', { channel: 'matrix', state: 'failed' }), 2);
      assert.equal(sample(after, 'passerelle_undecryptable_events_total', { channel: 'matrix', state: 'recovered' }) - sample(before, 'passerelle_undecryptable_events_total', { channel: 'matrix', state: 'recovered' }), 1);
    });

    it('rate-limit waits and throttling (429) per channel', async () => {
      const before = (await scrape()).text;
      await rig.app.limiters.teams.acquire({ conversation: 'teams:x' });
      rig.app.limiters.teams.throttled();
      rig.app.limiters.matrix.pause(1);
      const after = (await scrape()).text;
      assert.equal(sample(after, 'passerelle_rate_limit_wait_seconds_count', { channel: 'teams', lane: 'interactive' }) - sample(before, 'passerelle_rate_limit_wait_seconds_count', { channel: 'teams', lane: 'interactive' }), 1);
      assert.equal(sample(after, 'passerelle_channel_throttled_total', { channel: 'teams' }) - sample(before, 'passerelle_channel_throttled_total', { channel: 'teams' }), 1);
      assert.equal(sample(after, 'passerelle_channel_throttled_total', { channel: 'matrix' }) - sample(before, 'passerelle_channel_throttled_total', { channel: 'matrix' }), 1);
    });
  });

  describe('the worker\'s own listener', () => {
    it('serves /metrics and /healthz on PASSERELLE_WORKER_METRICS_PORT', async () => {
      const config = loadConfig({ env: { PASSERELLE_WORKER_METRICS_PORT: '0' } });
      const listener = await startMetricsListener(config, 0, createLogger('silent'));
      try {
        const response = await fetch(`http://127.0.0.1:${listener.port}/metrics`);
        assert.equal(response.status, 200);
        assert.match(await response.text(), /^# TYPE passerelle_job_duration_seconds histogram$/m);
        assert.equal((await fetch(`http://127.0.0.1:${listener.port}/healthz`)).status, 200);
        assert.equal((await fetch(`http://127.0.0.1:${listener.port}/autre`)).status, 404);
      } finally {
        await listener.close();
      }
    });
  });

  describe('metrics behind a token', () => {
    it('answers 401 without the bearer token and 200 with it; /healthz stays open', async () => {
      const rig = await startRig({ PASSERELLE_METRICS_TOKEN: 'jeton-des-metriques-0123' }, models);
      const admin = await startAdminApi(rig.app, createLogger('silent'));
      try {
        const url = `http://127.0.0.1:${admin.adminPort}`;
        assert.equal((await fetch(`${url}/metrics`)).status, 401);
        assert.equal((await fetch(`${url}/metrics`, { headers: { authorization: 'Bearer faux' } })).status, 401);
        assert.equal((await fetch(`${url}/metrics`, { headers: { authorization: 'Bearer jeton-des-metriques-0123' } })).status, 200);
        assert.equal((await fetch(`${url}/healthz`)).status, 200);
      } finally {
        await admin.close();
        await rig.close();
      }
    });
  });

  describe('request id and traces', () => {
    let rig: Rig;
    let collector: FakeOtlpCollector;
    let observability: Observability;

    before(async () => {
      collector = await startFakeOtlpCollector();
      rig = await startRig({ OTEL_EXPORTER_OTLP_ENDPOINT: collector.url, OTEL_SERVICE_NAME: 'passerelle-test' }, models);
      observability = startObservability(rig.config, 'serve', createLogger('silent'));
    });
    after(async () => {
      await observability?.shutdown();
      await rig?.close();
      await collector?.close();
    });

    it('one request id from the channel to the worker and back (job payloads carry it), and one trace', async () => {
      rig.logs.length = 0;
      await rig.receive(message('résume les articles 60 à 60-3', { conversation: { key: 'teams:trace', reference: {} } }));
      await waitFor(() => rig.channel.sent.some((entry) => entry.reply.kind === 'answer' && entry.reply.text.includes('60-3')), 'the summary', 90_000);
      await waitFor(async () => (await rig.app.queues.deliveries.pending()).length === 0, 'deliveries');
      const inbound = rig.logs.find((line) => line.message === 'inbound event');
      assert.ok(inbound?.requestId, JSON.stringify(rig.logs.slice(0, 3)));
      assert.match(String(inbound.traceId), /^[0-9a-f]{32}$/);
      const jobs = rig.logs.filter((line) => line.message === 'job completed' && typeof line.queue === 'string');
      assert.deepEqual([...new Set(jobs.map((line) => line.queue))].sort(), ['passerelle-deliveries', 'passerelle-work']);
      for (const line of jobs) {
        assert.equal(line.requestId, inbound.requestId, `${String(line.queue)} job logged under the request id`);
        assert.equal(line.traceId, inbound.traceId);
      }
      // The id travels in the job's payload (what a separate worker process reads from Redis).
      const workJob = jobs.find((line) => line.queue === 'passerelle-work')!;
      const stored = await rig.app.queues.work.get(String(workJob.job));
      assert.equal((stored?.data as { trace?: { requestId?: string } }).trace?.requestId, inbound.requestId);
      assert.match(String((stored?.data as { trace?: { traceparent?: string } }).trace?.traceparent), /^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);

      await observability.shutdown(); // flushes the batch
      const trace = collector.spans.filter((span) => span.traceId === inbound.traceId);
      const names = trace.map((span) => span.name);
      for (const name of ['passerelle.inbound.message', 'passerelle.stage.dispatch', 'passerelle.job.passerelle-work', 'passerelle.job.passerelle-deliveries']) {
        assert.ok(names.includes(name), `${name} in ${JSON.stringify(names)}`);
      }
      const root = trace.find((span) => span.name === 'passerelle.inbound.message')!;
      assert.equal(root.parentSpanId, undefined);
      assert.equal(root.attributes['passerelle.request_id'], inbound.requestId);
      assert.equal(root.resource['service.name'], 'passerelle-test');
      assert.ok(collector.requests.every((request) => request.path === '/v1/traces' && /json/.test(request.contentType)));
    });

    it('a question traces its answer steps under the message span', async () => {
      observability = startObservability(rig.config, 'serve', createLogger('silent'));
      collector.spans.length = 0;
      await rig.receive(message('Les agents des douanes peuvent-ils procéder à la visite des marchandises ?', { conversation: { key: 'teams:q', reference: {} } }));
      await observability.shutdown();
      const root = collector.spans.find((span) => span.name === 'passerelle.inbound.message');
      assert.ok(root);
      const inTrace = collector.spans.filter((span) => span.traceId === root.traceId).map((span) => span.name);
      for (const name of ['passerelle.stage.dedupe', 'passerelle.stage.access', 'passerelle.answer.route', 'passerelle.answer.retrieve', 'passerelle.answer.generate']) assert.ok(inTrace.includes(name), `${name} in ${JSON.stringify(inTrace)}`);
    });
  });
});
