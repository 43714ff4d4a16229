import { PasserelleError } from "../bots/errors.js";
import { Enricher } from "../knowledge/enrichment/enricher.js";
import { EnrichJob } from "../queue/jobs.js";
import { createWorkProcessor } from "../worker/work-processor.js";
/**
 * Starts consuming the work queue: in `passerelle worker` (Redis) or inside the bot process (in-process
 * queue). Concurrency from config.
 */
export function startWorkConsumer(config, knowledge, model, queues, logger) {
    const processor = createWorkProcessor({
        store: knowledge.store,
        model,
        deliveries: queues.deliveries,
        maxChunkChars: 4_000,
        attempts: config.queue.attempts,
        logger,
    });
    queues.work.process(config.queue.workerConcurrency, processor);
}
/** Starts consuming enrichment runs (one at a time: each is a long series of model calls). */
export function startEnrichmentConsumer(config, knowledge, model, queues, logger) {
    queues.enrichment.process(1, async (raw, context) => {
        const job = EnrichJob.parse(raw);
        // Not retryable (CONFIG_INVALID): the queue fails the run at once.
        if (!model)
            throw new PasserelleError('CONFIG_INVALID', { problems: 'l’enrichissement automatique demande un modèle de langage (CHAT_MODEL_PROVIDER, CHAT_MODEL_NAME…)' });
        const entries = knowledge.enrichment?.store;
        if (!knowledge.enrichment || !entries)
            throw new PasserelleError('CONFIG_INVALID', { problems: 'l’enrichissement est désactivé (PASSERELLE_ENRICHMENT=off)' });
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
    });
}
