import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Redis } from 'ioredis';
import type { ChannelAdapter } from '../bots/channel-adapter.ts';
import { createBotApplication } from '../app/bot-application.ts';
import { createLogger, silentLogger } from '../bots/logger.ts';
import type { ConversationAddress } from '../bots/message.ts';
import type { Reply } from '../bots/reply.ts';
import { loadConfig } from '../config/load-config.ts';
import { createKnowledge } from '../knowledge/create-knowledge.ts';
import { createChatModel } from '../knowledge/models/langchain-chat-model.ts';
import { startFakeModelServer } from '../test/fakes/model-server.ts';
import { createQueues } from '../app/create-queues.ts';
import { startWorkConsumer } from '../app/work-consumer.ts';
import type { BenchContext, Figure, PartReport } from './bench-part.ts';
import { percentile, since } from './statistics.ts';

/**
 * Workers: the whole Code des douanes summarised title by title — one summarise-code job per « Titre »
 * heading — on the real Redis (bull), by a separate worker process (`passerelle worker` equivalent, the
 * default concurrency), with a fake OpenAI-compatible model answering every call after a fixed latency.
 * The bench process plays the bot: it enqueues the jobs and consumes the deliveries through a real Bot.
 * Measures jobs per minute, total time, latency to each result, model calls, and the worker's peak RSS
 * (VmHWM) and CPU time. Skipped, with a note, when the corpus or Redis is absent.
 */

const MODEL_LATENCY_MS = 20;
const SELF = fileURLToPath(import.meta.url);

export async function run(context: BenchContext): Promise<PartReport> {
  const corpus = join(context.sharedDir, 'corpus', 'code_douanes.jsonl');
  const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  if (!existsSync(corpus)) return skipped(`skipped: ${corpus} absent`);
  if (!(await redisAnswers(redisUrl))) return skipped(`skipped: no Redis at ${redisUrl}`);

  const titles = titlesOf(corpus);
  const dir = await mkdtemp(join(tmpdir(), 'passerelle-bench-workers-'));
  const prefix = `passerelle-bench-${randomBytes(4).toString('hex')}`;
  const server = await startFakeModelServer();
  server.onChat(() => ({ delayMs: MODEL_LATENCY_MS, then: { content: '- Point essentiel du passage, avec sa référence (art. 1).' } }));
  const env = {
    PASSERELLE_DATA_DIR: join(dir, 'data'),
    PASSERELLE_LOG_LEVEL: 'silent',
    REDIS_URL: redisUrl,
    PASSERELLE_QUEUE_PREFIX: prefix,
    CHAT_MODEL_PROVIDER: 'openai-compatible',
    CHAT_MODEL_URL: `${server.url}/v1`,
    CHAT_MODEL_NAME: 'albert-large',
    CHAT_MODEL_API_KEY: 'sk-bench',
    CHAT_MODEL_CEILING: 'public',
  };
  const overrides = { chatModel: { maxRetries: 0 } };
  const config = loadConfig({ env, overrides });
  const knowledge = await createKnowledge(config);
  const ingestStarted = performance.now();
  await knowledge.ingestion.ingest({ kb: 'legal', ceiling: 'diffusion-restreinte' }, [corpus], { defaultClassification: 'public' });
  context.log(`ingested the code in ${(since(ingestStarted) / 1000).toFixed(1)} s; ${titles.length} titles`);

  const queues = createQueues(config);
  const app = await createBotApplication(config, silentLogger, { knowledge, queues, model: null });
  const channel = new CountingChannel();
  app.bot.register(channel);
  app.startJobs();

  let worker: ChildProcess | undefined;
  try {
    const spawned = performance.now();
    worker = await startWorker({ env, overrides });
    const startup = since(spawned) / 1000;
    context.log(`worker ${worker.pid} ready in ${startup.toFixed(1)} s (concurrency ${config.queue.workerConcurrency})`);
    const readyRss = procStatus(worker.pid as number, 'VmRSS') ?? psRss(worker.pid as number) ?? null;
    const readyCpu = cpuSeconds(worker.pid as number);
    const started = performance.now();
    const memory = sampleMemory(worker.pid as number);
    for (const [index, label] of titles.entries()) {
      await queues.work.add(
        { kind: 'summarise-code', requester: { channel: 'teams', userId: 'bench', userHash: 'bench' }, address: { key: `teams:bench-${index}`, reference: {} }, length: 'court', kb: 'legal', code: 'Code des douanes', part: { type: 'heading', label } },
        { jobId: `bench-${index}`, attempts: 1, timeoutMs: 10 * 60_000 },
      );
    }
    await channel.until(titles.length, 15 * 60_000);
    const total = since(started) / 1000;
    const peakRss = memory.stop();
    const cpu = cpuSeconds(worker.pid as number);
    const latencies = channel.results.map((result) => (result.at - started) / 1000).sort((a, b) => a - b);
    const failed = channel.results.filter((result) => result.reply.kind !== 'answer');
    const calls = server.requests.filter((request) => request.path.endsWith('/chat/completions')).length;
    const figures: Figure[] = [
      { key: 'workers.jobs', label: 'Summary jobs (one per « Titre » of the Code des douanes)', value: titles.length, unit: '' },
      { key: 'workers.failed', label: 'Jobs that failed', value: failed.length, unit: '', target: { below: 1 } },
      { key: 'workers.total', label: 'All titles summarised, wall time', value: total, unit: 's', digits: 1 },
      { key: 'workers.jobs_per_minute', label: `Throughput (worker concurrency ${config.queue.workerConcurrency}, model ${MODEL_LATENCY_MS} ms per call)`, value: (titles.length / total) * 60, unit: 'jobs/min', digits: 1 },
      { key: 'workers.latency_p50', label: 'Time to a result from enqueueing, median', value: percentile(latencies, 50), unit: 's', digits: 2 },
      { key: 'workers.latency_max', label: 'Time to a result from enqueueing, slowest', value: latencies.at(-1) ?? null, unit: 's', digits: 2 },
      { key: 'workers.model_calls', label: 'Model calls (map, reduce, final)', value: calls, unit: '' },
      { key: 'workers.worker_startup', label: 'Worker process start (spawn to ready)', value: startup, unit: 's', digits: 1 },
      { key: 'workers.worker_ready_rss', label: 'Worker process, RSS once ready (modules, store open)', value: readyRss, unit: 'MB' },
      { key: 'workers.worker_peak_rss', label: 'Worker process, peak RSS (VmHWM)', value: peakRss, unit: 'MB' },
      { key: 'workers.worker_cpu_start', label: 'Worker process, CPU time to start (user + system)', value: readyCpu, unit: 's', digits: 1 },
      { key: 'workers.worker_cpu_jobs', label: `Worker process, CPU time for the ${titles.length} jobs`, value: cpu !== null && readyCpu !== null ? cpu - readyCpu : null, unit: 's', digits: 2 },
    ];
    const deliveries = channel.results.length === titles.length && new Set(channel.results.map((result) => result.key)).size === titles.length;
    return {
      figures,
      notes: [
        `${titles.length} titles, ${calls} model calls (fake OpenAI-compatible server, ${MODEL_LATENCY_MS} ms per call), bull on ${redisUrl}, one worker process`,
        deliveries ? 'exactly one result delivered per job' : `unexpected deliveries: ${channel.results.length} for ${titles.length} jobs`,
        ...failed.map((result) => `failed: ${result.key} — ${result.reply.text.slice(0, 120)}`),
      ],
      details: { perTitle: channel.results.map((result) => ({ title: titles[Number(result.key.split('-').pop())], seconds: (result.at - started) / 1000 })) },
    };
  } finally {
    if (worker) await stopWorker(worker);
    await app.close();
    await queues.close();
    await knowledge.close();
    await server.close();
    await deleteKeys(redisUrl, prefix);
    await rm(dir, { recursive: true, force: true });
  }
}

function skipped(note: string): PartReport {
  const keys = ['jobs', 'total', 'jobs_per_minute', 'worker_peak_rss'];
  return { figures: keys.map((key) => ({ key: `workers.${key}`, label: key, value: null, unit: '' })), notes: [note] };
}

/** « Titre Ier », « Titre XII »…: the first « Titre » heading of every article, in the code's order. */
function titlesOf(corpus: string): string[] {
  const titles = new Set<string>();
  for (const line of readFileSync(corpus, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    const heading = (JSON.parse(line) as { title_path?: string[] }).title_path?.find((entry) => /^titre\s/i.test(entry));
    const label = heading?.split(/\s*:\s*/)[0]?.trim();
    if (label) titles.add(label);
  }
  return [...titles];
}

/** Plays the channel: records each result (the progress edits are not counted). */
class CountingChannel implements ChannelAdapter {
  readonly name = 'teams' as const;
  readonly idempotentSends = false;
  readonly results: Array<{ key: string; reply: Reply; at: number }> = [];
  private waiting: { count: number; resolve: () => void } | undefined;

  async start(): Promise<void> {}
  async stop(): Promise<void> {}
  async update(): Promise<void> {}

  async send(address: ConversationAddress, reply: Reply): Promise<string> {
    this.results.push({ key: address.key, reply, at: performance.now() });
    if (this.waiting && this.results.length >= this.waiting.count) this.waiting.resolve();
    return `sent-${this.results.length}`;
  }

  until(count: number, timeoutMs: number): Promise<void> {
    if (this.results.length >= count) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${this.results.length}/${count} results after ${timeoutMs} ms`)), timeoutMs);
      this.waiting = { count, resolve: () => (clearTimeout(timer), resolve()) };
    });
  }
}

function startWorker(settings: { env: Record<string, string>; overrides: Record<string, unknown> }): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', '--disable-warning=ExperimentalWarning', SELF, '--worker', JSON.stringify(settings)], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`worker exited before ready (${code})`)));
    child.stdout?.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('ready')) resolve(child);
    });
  });
}

async function stopWorker(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

/** Peak RSS of another process, MB: VmHWM from /proc, or the largest `ps` sample elsewhere. */
function sampleMemory(pid: number): { stop(): number | null } {
  let peak = 0;
  const sample = () => {
    const rss = procStatus(pid, 'VmRSS') ?? psRss(pid);
    if (rss !== undefined) peak = Math.max(peak, rss);
  };
  const timer = setInterval(sample, 250);
  return {
    stop() {
      clearInterval(timer);
      sample();
      const hwm = procStatus(pid, 'VmHWM');
      return hwm ?? (peak > 0 ? peak : null);
    },
  };
}

function procStatus(pid: number, field: string): number | undefined {
  try {
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

function psRss(pid: number): number | undefined {
  try {
    return Number(execFileSync('ps', ['-o', 'rss=', '-p', String(pid)]).toString().trim()) / 1024 || undefined;
  } catch {
    return undefined;
  }
}

/** User + system CPU seconds of a process, from /proc/<pid>/stat (null elsewhere). */
function cpuSeconds(pid: number): number | null {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return null;
  }
}

async function redisAnswers(url: string): Promise<boolean> {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    return (await redis.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    redis.disconnect();
  }
}

async function deleteKeys(url: string, prefix: string): Promise<void> {
  const redis = new Redis(url, { maxRetriesPerRequest: 1 });
  try {
    const keys = await redis.keys(`${prefix}:*`);
    for (let i = 0; i < keys.length; i += 500) await redis.del(...keys.slice(i, i + 500));
  } finally {
    redis.disconnect();
  }
}

/** `workers-bench.ts --worker '<json>'`: the worker process, as `passerelle worker` runs it. */
async function workerMain(settings: { env: Record<string, string>; overrides: Record<string, unknown> }): Promise<void> {
  const config = loadConfig(settings);
  const knowledge = await createKnowledge(config);
  const queues = createQueues(config);
  startWorkConsumer(config, knowledge, createChatModel(config.chatModel), queues, createLogger(config.logLevel ?? 'warn'));
  await queues.work.healthy();
  process.stdout.write('ready\n');
  process.once('SIGTERM', () => void queues.close().then(() => knowledge.close()).then(() => process.exit(0)));
}

if (process.argv[1] && pathToFileURL(process.argv[1]).href === import.meta.url && process.argv[2] === '--worker') {
  await workerMain(JSON.parse(process.argv[3] ?? '{}') as { env: Record<string, string>; overrides: Record<string, unknown> });
}
