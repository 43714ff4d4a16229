import { PasserelleError } from '../bots/errors.ts';
import type { Logger } from '../bots/logger.ts';
import type { Config } from '../config/schema.ts';
import { createStore } from '../knowledge/create-knowledge.ts';
import { createChatModel } from '../knowledge/models/langchain-chat-model.ts';
import type { ChildMessage, ParentMessage, SerialisedError } from './child-summary-runner.ts';
import type { StepMemo } from '../queue/job-queue.ts';
import { produceSummary, type ProductionDependencies } from './summary-production.ts';

/**
 * A child process of the bot computing summaries (see child-summary-runner.ts): it opens the knowledge store
 * (read only in practice) and the chat model from the configuration it is given, runs one job at a time, and
 * reports progress, the summary or the error over IPC. Its logs go to the parent's logger.
 */

let dependencies: ProductionDependencies | undefined;
const controllers = new Map<number, AbortController>();
const asks = new Map<number, (value: string | undefined) => void>();
let lastAsk = 0;

/** The run's step memo, kept by the parent (with the queue). */
function stepsOf(run: number): StepMemo {
  return {
    get: (key) =>
      new Promise((resolve) => {
        const ask = ++lastAsk;
        asks.set(ask, resolve);
        send({ type: 'step-get', run, ask, key });
      }),
    set: async (key, value) => send({ type: 'step-set', run, key, value }),
  };
}

function send(message: ChildMessage): void {
  process.send?.(message);
}

const logger: Logger = {
  debug: () => undefined,
  info: (message, fields) => send({ type: 'log', level: 'info', message, ...(fields ? { fields: plain(fields) } : {}) }),
  warn: (message, fields) => send({ type: 'log', level: 'warn', message, ...(fields ? { fields: plain(fields) } : {}) }),
  error: (message, fields) => send({ type: 'log', level: 'error', message, ...(fields ? { fields: plain(fields) } : {}) }),
};

function init(config: Readonly<Config>): ProductionDependencies {
  return {
    store: createStore(config as Config),
    model: createChatModel(config.chatModel),
    maxChunkChars: 4_000,
    attempts: config.queue.attempts,
    logger,
    knowledgeBases: config.knowledgeBases.map((kb) => kb.id),
  };
}

process.on('message', (message: ParentMessage) => {
  switch (message.type) {
    case 'init':
      dependencies = init(message.config);
      return;
    case 'abort':
      controllers.get(message.run)?.abort(new Error(message.reason));
      return;
    case 'step':
      asks.get(message.ask)?.(message.value);
      asks.delete(message.ask);
      return;
    case 'run': {
      const controller = new AbortController();
      controllers.set(message.run, controller);
      const context = { ...message.context, signal: controller.signal, steps: stepsOf(message.run) };
      const progress = async (done: number, total: number) => send({ type: 'progress', run: message.run, done, total });
      produceSummary(message.job, { ...(dependencies as ProductionDependencies), attempts: message.attempts }, context, progress)
        .then((summary) => send({ type: 'done', run: message.run, summary }))
        .catch((error: unknown) => send({ type: 'failed', run: message.run, error: serialise(error, controller.signal.aborted) }))
        .finally(() => controllers.delete(message.run));
      return;
    }
  }
});

// The parent gone, nothing is left to do.
process.on('disconnect', () => process.exit(0));

function serialise(error: unknown, aborted: boolean): SerialisedError {
  if (error instanceof PasserelleError) return { code: error.code, details: { ...error.details }, message: error.message, aborted };
  return { message: error instanceof Error ? error.message : String(error), aborted };
}

/** Log fields as plain data (errors as their message): what crosses the IPC channel. */
function plain(fields: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(fields).map(([key, value]) => [key, value instanceof Error ? { message: value.message, ...(value instanceof PasserelleError ? { code: value.code } : {}) } : value]));
}
