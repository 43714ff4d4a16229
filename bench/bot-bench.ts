import { mkdtempSync, rmSync, existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { ChannelAdapter } from '../bots/channel-adapter.ts';
import { createBotApplication } from '../app/bot-application.ts';
import { silentLogger } from '../bots/logger.ts';
import type { IncomingMessage } from '../bots/message.ts';
import { loadConfig } from '../config/load-config.ts';
import { createChatModel } from '../knowledge/models/langchain-chat-model.ts';
import type { ChatModel } from '../knowledge/ports/chat-model.ts';
import { startFakeModelServer } from '../test/fakes/model-server.ts';
import type { BenchContext, PartReport } from './bench-part.ts';
import { percentile } from './statistics.ts';

/**
 * Bot overhead per answer — everything but the model call — with 100 questions in flight at once through
 * the whole pipeline (dedupe, access, rate limit, AI notice, routing, retrieval, generation through a real
 * LangChain client against the fake OpenAI-protocol server, citation verification, audit, memory), on
 * the embedded store and the SQLite state store. Overhead = time from `bot.handle` to the reply minus the
 * time spent inside the model client.
 */
export async function run(context: BenchContext): Promise<PartReport> {
  const dataDir = mkdtempSync(join(tmpdir(), 'passerelle-bench-bot-'));
  const fake = await startFakeModelServer();
  fake.onChat((request) => {
    const system = String(request.body.messages?.[0]?.content ?? '');
    if (system.includes('classes des questions')) return { content: '{"kb": "legal", "confidence": 0.9}' };
    return { content: 'Selon le texte cité, la règle s’applique aux agents des douanes [1].' };
  });
  try {
    const config = loadConfig({
      env: { PASSERELLE_DATA_DIR: dataDir, CHAT_MODEL_PROVIDER: 'openai-compatible', CHAT_MODEL_URL: `${fake.url}/v1`, CHAT_MODEL_NAME: 'bench', CHAT_MODEL_CEILING: 'diffusion-restreinte' },
      overrides: { bot: { answerCacheTtlMinutes: 0, rateLimitPerMinute: 1000 } },
    });
    const inner = createChatModel(config.chatModel) as ChatModel;
    let modelMs = new Map<string, number>();
    const timed: ChatModel = {
      id: inner.id,
      ceiling: inner.ceiling,
      async complete(messages, options) {
        const started = performance.now();
        try {
          return await inner.complete(messages, options);
        } finally {
          const key = String(messages[messages.length - 1]?.content ?? '');
          modelMs.set(key, (modelMs.get(key) ?? 0) + performance.now() - started);
        }
      },
    };
    const app = await createBotApplication(config, silentLogger, { model: timed });
    const corpus = join(context.sharedDir, 'corpus', 'code_douanes.jsonl');
    const source = existsSync(corpus) ? corpus : join(context.root, 'examples', 'procedures');
    await app.knowledge.ingestion.ingest({ kb: existsSync(corpus) ? 'legal' : 'procedures', ceiling: 'diffusion-restreinte' }, [source], { defaultClassification: 'public' });
    const sent = new Map<string, number>();
    const adapter: ChannelAdapter = {
      name: 'local',
      idempotentSends: false,
      async start() {},
      async stop() {},
      async send(address, reply) {
        if (reply.kind === 'answer') sent.set(address.key, performance.now());
        return `m-${Math.random()}`;
      },
      async update() {},
    };
    app.bot.register(adapter);
    const questions = loadQuestions(context.sharedDir);
    const message = (index: number): IncomingMessage => ({
      channel: 'local',
      id: `bench-${index}`,
      conversation: { key: `local:bench-${index}`, reference: {} },
      sender: { id: `agent-${index}` },
      text: `code: ${questions[index % questions.length]}`,
      addressedToBot: true,
      isDirect: true,
      attachments: [],
      receivedAt: new Date().toISOString(),
    });
    // Warm-up: index build, JIT, connections.
    for (let i = 0; i < 5; i++) await app.bot.handle({ ...message(i), id: `warm-${i}`, conversation: { key: `local:warm-${i}`, reference: {} } });
    modelMs = new Map();
    const started = new Map<string, number>();
    const cpuStart = process.cpuUsage();
    const batchStart = performance.now();
    await Promise.all(
      Array.from({ length: 100 }, (_, index) => {
        const incoming = message(index);
        started.set(incoming.conversation.key, performance.now());
        return app.bot.handle(incoming);
      }),
    );
    const batchMs = performance.now() - batchStart;
    const cpu = process.cpuUsage(cpuStart);
    const cpuPerAnswerMs = (cpu.user + cpu.system) / 1000 / 100;
    const totals: number[] = [];
    for (let index = 0; index < 100; index++) {
      const key = `local:bench-${index}`;
      const end = sent.get(key);
      const begin = started.get(key);
      if (end === undefined || begin === undefined) continue;
      const total = end - begin;
      totals.push(total);
    }
    // Sequential, one question at a time: overhead without queueing behind 99 others.
    const sequential: number[] = [];
    for (let index = 0; index < 30; index++) {
      const incoming = { ...message(index), id: `seq-${index}`, conversation: { key: `local:seq-${index}`, reference: {} } };
      modelMs = new Map();
      const begin = performance.now();
      await app.bot.handle(incoming);
      const total = (sent.get(incoming.conversation.key) ?? begin) - begin;
      sequential.push(Math.max(0, total - [...modelMs.values()].reduce((sum, ms) => sum + ms, 0)));
    }
    await app.close();
    totals.sort((a, b) => a - b);
    sequential.sort((a, b) => a - b);
    return {
      figures: [
        { key: 'bot.concurrent.answered', label: 'answers received out of 100 concurrent questions', value: totals.length, unit: '', target: { atLeast: 100 } },
        { key: 'bot.concurrent.cpu', label: 'CPU per answer, 100 in flight (fake model server included)', value: cpuPerAnswerMs, unit: 'ms', digits: 1, target: { below: 50 } },
        { key: 'bot.concurrent.batch', label: 'wall time for the 100 answers', value: batchMs, unit: 'ms', digits: 0 },
        { key: 'bot.concurrent.latency.p50', label: 'latency of one answer, 100 in flight — p50', value: percentile(totals, 50), unit: 'ms', digits: 0 },
        { key: 'bot.concurrent.latency.p95', label: 'latency of one answer, 100 in flight — p95', value: percentile(totals, 95), unit: 'ms', digits: 0 },
        { key: 'bot.sequential.overhead.p50', label: 'overhead per answer (model call excluded), one at a time — p50', value: percentile(sequential, 50), unit: 'ms', digits: 1 },
        { key: 'bot.sequential.overhead.p95', label: 'overhead per answer (model call excluded), one at a time — p95', value: percentile(sequential, 95), unit: 'ms', digits: 1, target: { below: 50 } },
      ],
      notes: [
        `corpus: ${source}`,
        'generative mode through ChatOpenAI against the fake OpenAI-protocol server on 127.0.0.1 (no delay); model time measured around the client call and subtracted',
        'with 100 questions in flight on one event loop, an answer’s wall time is mostly waiting for the 99 others, so the per-answer overhead under concurrency is given as CPU time per answer (process CPU over the batch / 100); the one-at-a-time figures subtract the time spent inside the model client',
      ],
    };
  } finally {
    await fake.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

function loadQuestions(sharedDir: string): string[] {
  const file = join(sharedDir, 'eval', 'legal_dev_questions.jsonl');
  if (!existsSync(file)) return ['Qui peut procéder à la saisie des marchandises ?', 'Où déposer la déclaration en détail ?'];
  return readFileSync(file, 'utf8').trim().split('\n').map((line) => (JSON.parse(line) as { question: string }).question);
}
