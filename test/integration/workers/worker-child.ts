import { createLogger } from '../../../bots/logger.ts';
import { loadConfig } from '../../../config/load-config.ts';
import { createKnowledge } from '../../../knowledge/create-knowledge.ts';
import { createChatModel } from '../../../knowledge/models/langchain-chat-model.ts';
import { createQueues } from '../../../app/create-queues.ts';
import { startWorkConsumer } from '../../../app/work-consumer.ts';

/**
 * A worker process for the crash tests and the benchmark: `worker-child.ts '<json>'` where the JSON holds
 * `{ env, overrides }` for loadConfig. Consumes the work queue like `passerelle worker`, prints "ready" on
 * stdout, and stops on SIGTERM (or dies on SIGKILL).
 */
const { env, overrides } = JSON.parse(process.argv[2] ?? '{}') as { env: Record<string, string>; overrides: Record<string, unknown> };
const config = loadConfig({ env, overrides });
const logger = createLogger(config.logLevel ?? 'info');
const knowledge = await createKnowledge(config);
const queues = createQueues(config);
startWorkConsumer(config, knowledge, createChatModel(config.chatModel), queues, logger);
await queues.work.healthy();
process.stdout.write('ready\n');
process.once('SIGTERM', () => {
  void queues.close().then(() => knowledge.close()).then(() => process.exit(0));
});
