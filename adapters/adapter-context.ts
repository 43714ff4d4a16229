import type { Logger } from '../bots/logger.ts';
import type { RateLimiter } from '../bots/outbound/rate-limiter.ts';
import type { Config } from '../config/schema.ts';

/**
 * What a channel adapter factory receives from the composition root: configuration, the logger and the
 * channel's one rate limiter (shared with the announcement fan-out). Adapters see neither the bot nor the
 * state store: they report to the core through the `InboundSink` given to `start`.
 */
export interface AdapterContext {
  config: Readonly<Config>;
  logger: Logger;
  limiter: RateLimiter;
}
