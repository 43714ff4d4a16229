import { readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { createBotApplication } from '../app/bot-application.ts';
import { createQueues } from '../app/create-queues.ts';
import { silentLogger } from '../bots/logger.ts';
import type { Attachment } from '../bots/message.ts';
import { loadConfig } from '../config/load-config.ts';
import { createKnowledge } from '../knowledge/create-knowledge.ts';
import { message, RecordingChannel } from '../test/integration/bot/harness.ts';
import { writeCodeCorpus } from '../test/integration/workers/code-corpus.ts';
import { createWorkProcessor } from '../worker/work-processor.ts';
import type { BenchContext, Figure, PartReport } from './bench-part.ts';
import { median } from './statistics.ts';

/**
 * The embedded set-up (no Redis, in-process queue): how long another agent waits for an answer while a
 * 16 MB document is being summarised, with the summary computed in a child process (the default) and, for
 * comparison, on the bot's own event loop (as before). Questions are asked one after the other while the
 * job runs, at set times (latency counted from the time of asking); the bot's event-loop delay is sampled
 * over the same window.
 */

const DOCUMENT_BYTES = 16 * 1024 * 1024;
const QUESTION = 'Les agents des douanes peuvent-ils visiter les bagages des voyageurs ?';
const QUESTIONS_DURING = 15;

class FileChannel extends RecordingChannel {
  async download(attachment: Attachment): Promise<Buffer> {
    return readFileSync(attachment.locator as string);
  }
}

export async function run(context: BenchContext): Promise<PartReport> {
  const dir = await mkdtemp(join(tmpdir(), 'passerelle-bench-embedded-'));
  try {
    const document = join(dir, 'note-volumineuse.md');
    writeLargeNote(document, DOCUMENT_BYTES);
    const isolated = await measure(dir, document, 'child', context);
    const inline = await measure(dir, document, 'inline', context);
    const figures: Figure[] = [
      { key: 'embedded.baseline_p50', label: 'Answer latency, no job running, median', value: isolated.baseline, unit: 'ms', digits: 0 },
      { key: 'embedded.child_p50', label: 'Answer latency during the 16 MB summary, child process (default), median', value: isolated.p50, unit: 'ms', digits: 0 },
      { key: 'embedded.child_max', label: 'Answer latency during the summary, child process, slowest', value: isolated.max, unit: 'ms', digits: 0, target: { below: 2_000 } },
      { key: 'embedded.child_tasks', label: '« tâches » during the summary, child process', value: isolated.tasks, unit: 'ms', digits: 0 },
      { key: 'embedded.child_loop_max', label: 'Bot event-loop delay during the summary, child process, max', value: isolated.loopMax, unit: 'ms', digits: 0 },
      { key: 'embedded.child_job', label: 'Summary of the 16 MB document, child process (start to result)', value: isolated.job, unit: 's', digits: 1 },
      { key: 'embedded.inline_p50', label: 'Answer latency during the summary, on the bot’s event loop (before), median', value: inline.p50, unit: 'ms', digits: 0 },
      { key: 'embedded.inline_max', label: 'Answer latency during the summary, on the bot’s event loop, slowest', value: inline.max, unit: 'ms', digits: 0 },
      { key: 'embedded.inline_tasks', label: '« tâches » during the summary, on the bot’s event loop', value: inline.tasks, unit: 'ms', digits: 0 },
      { key: 'embedded.inline_loop_max', label: 'Bot event-loop delay during the summary, on the bot’s event loop, max', value: inline.loopMax, unit: 'ms', digits: 0 },
      { key: 'embedded.inline_job', label: 'Summary of the 16 MB document, on the bot’s event loop', value: inline.job, unit: 's', digits: 1 },
    ];
    return {
      figures,
      notes: [
        `document: ${(DOCUMENT_BYTES / 2 ** 20).toFixed(0)} MB of Markdown (extractive summary, no model); questions answered extractively from a tiny code; ${isolated.count} / ${inline.count} questions answered during the job (child / inline)`,
      ],
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function measure(root: string, document: string, mode: 'child' | 'inline', context: BenchContext) {
  const dir = await mkdtemp(join(root, `${mode}-`));
  const config = loadConfig({
    env: { PASSERELLE_DATA_DIR: join(dir, 'data'), PASSERELLE_LOG_LEVEL: 'silent', PASSERELLE_RATE_LIMIT_PER_MINUTE: '10000' },
    overrides: { queue: { maxDocumentBytes: 40 * 1024 * 1024, attempts: 1, jobTimeoutMs: 10 * 60_000 } },
  });
  const knowledge = await createKnowledge(config);
  await knowledge.ingestion.ingest({ kb: 'legal', ceiling: 'diffusion-restreinte' }, [writeCodeCorpus(join(dir, 'corpus'))], { defaultClassification: 'public' });
  const queues = createQueues(config);
  const app = await createBotApplication(config, silentLogger, { knowledge, queues, model: null });
  const channel = new FileChannel('teams');
  app.bot.register(channel);
  app.startJobs();
  if (mode === 'inline') {
    // As before: the work processor on the bot's own event loop (the last processor given wins).
    queues.work.process(config.queue.workerConcurrency, createWorkProcessor({ store: knowledge.store, model: undefined, deliveries: queues.deliveries, maxChunkChars: 4_000, attempts: 1, logger: silentLogger }));
  }
  const ask = async (text: string, attachments: Attachment[] = []) => {
    const started = performance.now();
    await app.bot.handle(message(text, { conversation: { key: `teams:bench-${mode}-${text.length}`, reference: {} }, attachments }));
    return performance.now() - started;
  };
  try {
    const baseline: number[] = [];
    for (let i = 0; i < 5; i++) baseline.push(await ask(QUESTION));
    const loop = monitorEventLoopDelay({ resolution: 10 });
    const started = performance.now();
    await ask('résume ce document', [{ name: 'note-volumineuse.md', contentType: 'text/markdown', locator: document }]);
    loop.enable();
    const during: number[] = [];
    let tasks: number | null = null;
    const done = () => channel.sent.some((entry) => entry.reply.kind === 'answer' && entry.reply.text.startsWith('**Résumé'));
    // Agents ask at set times (every 500 ms): the wait counts from when the question was asked, so a
    // question that arrives while the event loop is held waits for it, as a real one would.
    for (let i = 0; !done() && i < QUESTIONS_DURING; i++) {
      const asked = started + 1_000 + i * 500;
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, asked - performance.now())));
      await ask(QUESTION);
      during.push(performance.now() - asked);
      if (tasks === null) {
        const listed = performance.now();
        await ask('tâches');
        tasks = performance.now() - listed;
      }
    }
    while (!done()) await new Promise((resolve) => setTimeout(resolve, 100));
    const job = (performance.now() - started) / 1000;
    loop.disable();
    context.log(`${mode}: job ${job.toFixed(1)} s, ${during.length} questions during it, slowest ${Math.max(...during).toFixed(0)} ms`);
    return {
      baseline: median(baseline),
      p50: median(during),
      max: Math.max(...during),
      count: during.length,
      tasks,
      loopMax: loop.max / 1e6,
      loopP99: loop.percentile(99) / 1e6,
      job,
    };
  } finally {
    await app.close();
    await queues.close();
    await knowledge.close();
  }
}

/** About `bytes` of Markdown whose extractive summary keeps a CPU busy for a good while. */
function writeLargeNote(path: string, bytes: number): void {
  const words = ['contrôle', 'marchandises', 'déclarant', 'agents', 'bureau', 'douane', 'transit', 'entrepôt', 'procès-verbal', 'saisie', 'tabac', 'alcool', 'voyageur', 'franchise', 'importation'];
  const parts = ['# Note volumineuse\n\n'];
  let size = 0;
  for (let n = 1; size < bytes; n++) {
    let section = `## Section ${n}\n\n`;
    for (let p = 0; p < 5; p++) section += `${Array.from({ length: 6 }, (_, i) => `Le ${words[(n + i) % 15]} et la ${words[(n * 3 + i + p) % 15]} du poste ${n}-${p}-${i} sont vérifiés par les ${words[(i * 7 + p) % 15]} avant le départ.`).join(' ')}\n\n`;
    parts.push(section);
    size += section.length;
  }
  writeFileSync(path, parts.join(''));
}
