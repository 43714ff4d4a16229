import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { createBotApplication, type BotApplication } from '../../../app/bot-application.ts';
import { silentLogger } from '../../../bots/logger.ts';
import type { Reply } from '../../../bots/reply.ts';
import { loadConfig } from '../../../config/load-config.ts';
import type { Config } from '../../../config/schema.ts';
import { createKnowledge, type Knowledge } from '../../../knowledge/create-knowledge.ts';
import { createChatModel } from '../../../knowledge/models/langchain-chat-model.ts';
import type { ChatModel } from '../../../knowledge/ports/chat-model.ts';
import { createQueues, type Queues } from '../../../app/create-queues.ts';
import type { JobSnapshot } from '../../../queue/job-queue.ts';
import type { WorkJobInput } from '../../../queue/jobs.ts';
import { startWorkConsumer } from '../../../app/work-consumer.ts';
import { modelEnv, RecordingChannel, tempDir, type ModelEndpoint } from '../bot/harness.ts';
import { deleteKeysUnder, REDIS_URL, testPrefix, waitFor } from './redis-helpers.ts';
import { CODE, writeCodeCorpus } from './code-corpus.ts';

/**
 * Everything a worker test needs, for real: the configuration, an embedded store with a tiny ingested
 * code corpus, the two queues (bull on Redis with a prefix of the test's own, or in-process), a Bot from
 * createBotApplication consuming deliveries into a RecordingChannel, and the work consumer.
 */

export interface RigOptions {
  /** Default true: bull queues on the real Redis. */
  redis?: boolean | string;
  model?: ModelEndpoint;
  /** Values of `config.queue` (attempts, backoffMs…). */
  queue?: Record<string, unknown>;
  /** Default true: start the work consumer in this process. */
  worker?: boolean;
  /** Other configuration values (e.g. `{ access: { admins: [...] } }`). */
  config?: Record<string, unknown>;
}

export interface Rig {
  config: Readonly<Config>;
  app: BotApplication;
  knowledge: Knowledge;
  queues: Queues;
  model: ChatModel | undefined;
  channel: RecordingChannel;
  dir: string;
  prefix: string;
  /** Copies a file into the rig's uploads folder and returns the document job's `file`. */
  upload(path: string, name?: string): { path: string; name: string; size: number; sha256: string };
  /** Adds a work job straight to the queue (as JobService would), with the rig's address and requester. */
  enqueue(job: Partial<WorkJobInput> & Pick<WorkJobInput, 'kind'>, id?: string): Promise<string>;
  /** Waits until the job is completed or failed, and its deliveries are done. */
  settled(id: string, timeoutMs?: number): Promise<JobSnapshot<WorkJobInput>>;
  /** Replies sent as new messages (results and failures). */
  sent(): Reply[];
  updates(messageId?: string): Reply[];
  close(): Promise<void>;
}

export const REQUESTER = { channel: 'teams' as const, userId: 'agent-1@douane.finances.gouv.fr', userHash: 'hash-agent-1' };
export const ADDRESS = { key: 'teams:conv-workers', reference: { id: 'conv-workers' } };

let jobCounter = 0;

export async function startRig(options: RigOptions = {}): Promise<Rig> {
  const temp = tempDir('workers');
  const prefix = testPrefix();
  const redisUrl = options.redis === false ? undefined : typeof options.redis === 'string' ? options.redis : REDIS_URL;
  const config = loadConfig({
    env: {
      PASSERELLE_DATA_DIR: join(temp.path, 'data'),
      PASSERELLE_LOG_LEVEL: 'silent',
      PASSERELLE_RATE_LIMIT_PER_MINUTE: '1000',
      PASSERELLE_QUEUE_PREFIX: prefix,
      ...(redisUrl ? { REDIS_URL: redisUrl } : {}),
      ...(options.model ? modelEnv({ ceiling: 'diffusion-restreinte', ...options.model }) : {}),
    },
    overrides: { chatModel: { maxRetries: 0 }, queue: { attempts: 2, backoffMs: 100, lockDurationMs: 2_000, stalledIntervalMs: 1_000, ...options.queue }, ...options.config },
  });
  const knowledge = await createKnowledge(config);
  await knowledge.ingestion.ingest({ kb: 'legal', ceiling: 'diffusion-restreinte' }, [writeCodeCorpus(join(temp.path, 'corpus'))], { defaultClassification: 'public' });
  const queues = createQueues(config);
  const model = options.model ? createChatModel(config.chatModel) : undefined;
  const app = await createBotApplication(config, silentLogger, { knowledge, queues, model: model ?? null });
  const channel = new RecordingChannel('teams');
  app.bot.register(channel);
  app.startJobs();
  if (queues.work.durable && options.worker !== false) startWorkConsumer(config, knowledge, model, queues, silentLogger);
  const uploads = join(temp.path, 'data', 'uploads');
  mkdirSync(uploads, { recursive: true });

  const rig: Rig = {
    config,
    app,
    knowledge,
    queues,
    model,
    channel,
    dir: temp.path,
    prefix,
    upload(path, name = basename(path)) {
      const target = join(uploads, `${++jobCounter}-${name}`);
      copyFileSync(path, target);
      const bytes = readFileSync(target);
      return { path: target, name, size: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') };
    },
    async enqueue(job, id = `job-${++jobCounter}`) {
      const data = { requester: REQUESTER, address: ADDRESS, ...job } as WorkJobInput;
      await queues.work.add(data, { jobId: id, attempts: config.queue.attempts, backoffMs: config.queue.backoffMs, timeoutMs: config.queue.jobTimeoutMs });
      return id;
    },
    async settled(id, timeoutMs = 15_000) {
      const job = await waitFor(async () => {
        const snapshot = await queues.work.get(id);
        return snapshot && ['completed', 'failed', 'cancelled'].includes(snapshot.state) ? snapshot : undefined;
      }, `job ${id} to finish`, timeoutMs);
      await waitFor(async () => (await queues.deliveries.pending()).length === 0, 'deliveries to drain', timeoutMs);
      return job;
    },
    sent: () => channel.sent.map((entry) => entry.reply),
    updates: (messageId) => channel.updates.filter((entry) => !messageId || entry.id === messageId).map((entry) => entry.reply),
    async close() {
      await app.close();
      await queues.close();
      await knowledge.close();
      if (redisUrl) await deleteKeysUnder(prefix, redisUrl).catch(() => undefined);
      temp.remove();
    },
  };
  return rig;
}

/** A Markdown document of `sections` sections of about `charsPerSection` characters each. */
export function writeLongMarkdown(dir: string, sections: number, charsPerSection: number): string {
  const sentence = 'Le service des douanes contrôle les marchandises déclarées à l’importation et vérifie les documents présentés par le déclarant. ';
  const body = Array.from({ length: sections }, (_, index) => `## Section ${index + 1}\n\n${`Section ${index + 1} : ${sentence}`.repeat(Math.ceil(charsPerSection / sentence.length))}`);
  const path = join(dir, 'long-note.md');
  writeFileSync(path, `# Note de service longue\n\n${body.join('\n\n')}\n`);
  return path;
}

export { CODE };
