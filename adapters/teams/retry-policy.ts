import type { Clock } from '../../bots/outbound/rate-limiter.ts';
import { backoff, retryDelay as policyDelay, withRetry as policyRetry, type Failure, type RetryOptions } from '../../bots/outbound/retry-policy.ts';
import { ConnectorError } from './connector-http.ts';

/**
 * How Bot Connector failures read for the one retry policy (bots/outbound/retry-policy.ts), after
 * Microsoft's guidance for Teams bots: 429 (Retry-After when given), 412, 502, 503, 504 and connections that
 * failed before anything was sent are transient; everything else is final, 403 included (bot blocked,
 * uninstalled, or stream stopped: the caller decides), and so is a timeout.
 */

export { backoff, type RetryOptions };

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

function classifyConnectorError(error: unknown): Failure {
  return isTransient(error) ? { transient: true, ...(error.retryAfterMs !== undefined ? { retryAfterMs: error.retryAfterMs } : {}) } : { transient: false };
}

/** Delay before attempt `attempt + 1` after `error` ended attempt `attempt` (1-based); undefined: give up. */
export function retryDelay(error: unknown, attempt: number, options: RetryOptions): number | undefined {
  return policyDelay(classifyConnectorError(error), attempt, options);
}

export function withRetry<T>(operation: (attempt: number) => Promise<T>, options: RetryOptions, clock: Pick<Clock, 'sleep'>, onRetry?: (error: unknown, attempt: number, delayMs: number) => void): Promise<T> {
  return policyRetry(operation, classifyConnectorError, options, clock, onRetry);
}
