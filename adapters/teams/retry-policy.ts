import { ConnectorError } from './connector-http.ts';
import { systemClock, type Clock } from './outbound-limiter.ts';

/**
 * When to try a Bot Connector request again (Microsoft's guidance for Teams bots):
 * - 429: after Retry-After when given, else exponential backoff with jitter;
 * - 412, 502, 503, 504 and connection failures: exponential backoff with jitter (Retry-After honoured);
 * - everything else is final, 403 included (bot blocked, uninstalled, or stream stopped: the caller decides);
 * - a timeout is final too: the activity may have been delivered, and a retry would post it twice.
 * Attempts are bounded; the last error is rethrown as is.
 */

export interface RetryOptions {
  /** Attempts in all, the first included. */
  maxAttempts: number;
  /** First backoff step; doubles at each attempt up to `maxDelayMs`. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** Longest Retry-After obeyed; longer asks are shortened to this. */
  maxRetryAfterMs: number;
  /** Uniform [0, 1) source for the jitter. */
  random: () => number;
}

export const DEFAULT_RETRY: RetryOptions = {
  maxAttempts: 5,
  baseDelayMs: 1_000,
  maxDelayMs: 30_000,
  maxRetryAfterMs: 300_000,
  random: Math.random,
};

const TRANSIENT = new Set([412, 502, 503, 504]);

/** Throttling, a transient service failure, or a connection that failed before anything was sent. */
export function isTransient(error: unknown): error is ConnectorError {
  return error instanceof ConnectorError && (error.status === 429 || TRANSIENT.has(error.status) || (error.status === 0 && error.code === 'NetworkError'));
}

/** Delay before attempt `attempt + 1` after `error` ended attempt `attempt` (1-based); undefined: give up. */
export function retryDelay(error: unknown, attempt: number, options: RetryOptions): number | undefined {
  if (!isTransient(error) || attempt >= options.maxAttempts) return undefined;
  if (error.retryAfterMs !== undefined) return Math.min(error.retryAfterMs, options.maxRetryAfterMs);
  return backoff(attempt, options);
}

/** "Equal jitter": half the exponential step, plus a random part of the other half. */
export function backoff(attempt: number, options: RetryOptions): number {
  const step = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(step / 2 + options.random() * (step / 2));
}

export async function withRetry<T>(
  operation: (attempt: number) => Promise<T>,
  options: RetryOptions = DEFAULT_RETRY,
  clock: Clock = systemClock,
  onRetry?: (error: unknown, attempt: number, delayMs: number) => void,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await operation(attempt);
    } catch (error) {
      const delay = retryDelay(error, attempt, options);
      if (delay === undefined) throw error;
      onRetry?.(error, attempt, delay);
      await clock.sleep(delay);
    }
  }
}
