import type { Logger } from '../bots/logger.ts';
import type { Config } from '../config/schema.ts';
import type { Knowledge } from '../knowledge/create-knowledge.ts';
import type { ChatModel } from '../knowledge/ports/chat-model.ts';
import type { Queues } from './create-queues.ts';
import { createWorkProcessor } from '../worker/work-processor.ts';

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
  });
  queues.work.process(config.queue.workerConcurrency, processor);
}
