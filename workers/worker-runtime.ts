import type { Logger } from '../bots/logger.ts';
import type { Config } from '../config/schema.ts';
import { formatReport } from '../cli/commands/ingest-command.ts';
import { ingestCatalogueSources } from '../knowledge/ingestion/catalogue-sources.ts';
import type { Knowledge } from '../knowledge/create-knowledge.ts';
import type { ChatModel } from '../knowledge/ports/chat-model.ts';
import type { Queues } from './create-queues.ts';
import { Enricher } from '../knowledge/enrichment/enricher.ts';
import { PermanentJobError } from './job-queue.ts';
import { EnrichJob } from './jobs.ts';
import { createWorkProcessor } from './work-processor.ts';

/**
 * Starts consuming the work queue: in `passerelle worker` (Redis) or inside the bot process (in-process
 * queue). Concurrency from config.
 */
export function startWorkConsumer(config: Readonly<Config>, knowledge: Knowledge, model: ChatModel | undefined, queues: Queues, logger: Logger): void {
  const processor = createWorkProcessor({
    store: knowledge.store,
    model,
    deliveries: queues.deliveries,
    maxChunkChars: 4_000,
    attempts: config.queue.attempts,
    logger,
    async reingest(kb) {
      const base = knowledge.catalog.get(kb);
      const report = await ingestCatalogueSources(base, knowledge.ingestion, logger);
      return formatReport(report, base.name);
    },
  });
  queues.work.process(config.queue.workerConcurrency, processor);
}

/** Starts consuming enrichment runs (one at a time: each is a long series of model calls). */
export function startEnrichmentConsumer(config: Readonly<Config>, knowledge: Knowledge, model: ChatModel | undefined, queues: Queues, logger: Logger): void {
  queues.enrichment.process(1, async (raw, context) => {
    const job = EnrichJob.parse(raw);
    if (!model) throw new PermanentJobError('no chat model configured', 'Aucun modèle de langage n’est configuré : l’enrichissement automatique est impossible.');
    if (!knowledge.enrichment) throw new PermanentJobError('enrichment off', 'L’enrichissement est désactivé (PASSERELLE_ENRICHMENT=off).');
    knowledge.catalog.get(job.kb);
    const enricher = new Enricher(knowledge.store, knowledge.enrichment.store, knowledge.enrichment.lookup, knowledge.encoder, knowledge.embedding, {
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
  });
}
