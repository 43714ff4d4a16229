import type { Bot } from '../bots/bot.ts';
import type { Logger } from '../bots/logger.ts';
import type { StateStore } from '../state/state-store.ts';
import type { Config } from '../config/schema.ts';

/**
 * What a channel adapter factory receives from the composition root. Adapters store conversation
 * references in `state` (for proactive sends) and report ratings through `bot.recordRating`.
 */
export interface AdapterContext {
  config: Readonly<Config>;
  state: StateStore;
  bot: Bot;
  logger: Logger;
}
