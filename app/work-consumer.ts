import type { Logger } from '../bots/logger.ts';
import type { Config } from '../config/schema.ts';
import type { Knowledge } from '../knowledge/create-knowledge.ts';
import type { ChatModel } from '../knowledge/ports/chat-model.ts';
import type { Queues } from './create-queues.ts';
import { PasserelleError } from '../bots/errors.ts';
import { Enricher } from '../knowledge/enrichment/enricher.ts';
import { EnrichJob } from '../queue/jobs.ts';
import { ChildProcessSummaryRunner } from '../worker/child-summary-runner.ts';
import { createWorkProcessor } from '../worker/work-processor.ts';

/**
 * Starts consuming the work queue: in `passerelle worker` (Redis), or inside the bot process (in-process
 * queue) where summaries are computed in child processes at a lower priority, so that the bot keeps
 * answering while a large document is summarised. Concurrency from config.
 */
export function startWorkConsumer(config: Readonly<Config>, knowledge: Knowledge, model: ChatModel | undefined, queues: Queues, logger: Logger): { close(): Promise<void> } {
  const runner = queues.work.durable ? undefined : new ChildProcessSummaryRunner(config, logger);
  const processor = createWorkProcessor({
    store: knowledge.store,
    model,
    deliveries: queues.deliveries,
    maxChunkChars: 4_000,
    attempts: config.queue.attempts,
    logger,
    knowledgeBases: knowledge.catalog.ids,
    ...(runner ? { runner } : {}),
  });
  queues.work.process(config.queue.workerConcurrency, processor);
  return { close: async () => runner?.close() };
}

/** Starts consuming enrichment runs (one at a time: each is a long series of model calls). */
export function startEnrichmentConsumer(config: Readonly<Config>, knowledge: Knowledge, model: ChatModel | undefined, queues: Queues, logger: Logger): void {
  queues.enrichment.process(1, async (raw, context) => {
    const job = EnrichJob.parse(raw);
    // Not retryable (CONFIG_INVALID): the queue fails the run at once.
    if (!model) throw new PasserelleError('CONFIG_INVALID', { problems: 'l’enrichissement automatique demande un modèle de langage (CHAT_MODEL_PROVIDER, CHAT_MODEL_NAME…)' });
    const entries = knowledge.enrichment?.store;
    if (!knowledge.enrichment || !entries) throw new PasserelleError('CONFIG_INVALID', { problems: 'l’enrichissement est désactivé (PASSERELLE_ENRICHMENT=off)' });
    knowledge.catalog.get(job.kb);
    const enricher = new Enricher(knowledge.store, entries, knowledge.enrichment.lookup, knowledge.encoder, knowledge.embedding, {
      embedderCeiling: config.embeddings.ceiling,
      timeoutMs: config.chatModel.timeoutMs,
    });
    const report = await enricher.run(job.kb, model, {
      force: job.force,
      ...(job.limit ? { limit: job.limit } : {}),
      signal: context.signal,
      progress: (done, total) => context.reportProgress(Math.floor((done / Math.max(total, 1)) * 100)),
    });
    logger.info('enrichment run finished', { ...report, failed: report.failed.length });
    // A run where every model call failed is a failure, not « 0 entries written ».
    if (report.written === 0 && report.failed.length > 0) {
      throw new PasserelleError('ENRICHMENT_FAILED', { failed: report.failed.length, reasons: [...new Set(report.failed.map((failure) => failure.reason))].join(', ') });
    }
  });
}
