import type { Logger } from '../bots/logger.ts';
import type { Config } from '../config/schema.ts';
import { formatReport } from '../cli/commands/ingest-command.ts';
import { ingestCatalogueSources } from '../knowledge/ingestion/catalogue-sources.ts';
import type { Knowledge } from '../knowledge/create-knowledge.ts';
import type { ChatModel } from '../knowledge/ports/chat-model.ts';
import type { Queues } from './create-queues.ts';
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
