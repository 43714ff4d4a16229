import type { Clock } from './rate-limiter.ts';

/**
 * The one retry policy of outgoing channel requests. Each adapter only classifies its own errors
 * (`Failure`); the policy decides:
 * - a rate-limit refusal (Teams 429, Tchap M_LIMIT_EXCEEDED) waits what the service asked (Retry-After,
 *   retry_after_ms), else backs off;
 * - a transient failure (5xx, 412, a connection that broke before anything was sent) backs off
 *   exponentially, Retry-After honoured when given;
 * - anything else is final (403 included: the caller decides), and so is a timeout (the request may have
 *   been delivered: a retry could post it twice);
 * - a service asking to wait longer than `maxRetryAfterMs` is not waited for in the process: the request
 *   fails, and the error carries the delay for the caller (a queue retries the job later);
 * - attempts are bounded; the last error is rethrown as is.
 */

/** What an adapter says of a failed request. */
export interface Failure {
  /** Worth trying again (throttling, 5xx, broken connection). */
  transient: boolean;
  /** Delay the service asked for, ms. */
  retryAfterMs?: number;
}

export interface RetryOptions {
  /** Attempts in all, the first included. */
  maxAttempts: number;
  /** First backoff step, ms; doubles at each attempt up to `maxDelayMs`. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** Longest delay asked by the service that is waited for in the process, ms. */
  maxRetryAfterMs: number;
  /** Uniform [0, 1) source for "equal jitter"; without it the backoff is exact (1 s, 2 s, 4 s…). */
  random?: () => number;
}

/** Delay before attempt `attempt + 1` after a failure ended attempt `attempt` (1-based); undefined: give up. */
export function retryDelay(failure: Failure, attempt: number, options: RetryOptions): number | undefined {
  if (!failure.transient || attempt >= options.maxAttempts) return undefined;
  if (failure.retryAfterMs !== undefined) return failure.retryAfterMs <= options.maxRetryAfterMs ? failure.retryAfterMs : undefined;
  return backoff(attempt, options);
}

/** Exponential step of `attempt`; with `random`, half of it plus a random part of the other half. */
export function backoff(attempt: number, options: RetryOptions): number {
  const step = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** Math.max(0, attempt - 1));
  return options.random ? Math.round(step / 2 + options.random() * (step / 2)) : step;
}

/** Runs `operation` until it succeeds or the policy gives up; `classify` reads the adapter's errors. */
export async function withRetry<T>(
  operation: (attempt: number) => Promise<T>,
  classify: (error: unknown) => Failure,
  options: RetryOptions,
  clock: Pick<Clock, 'sleep'>,
  onRetry?: (error: unknown, attempt: number, delayMs: number, failure: Failure) => void,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await operation(attempt);
    } catch (error) {
      const failure = classify(error);
      const delay = retryDelay(failure, attempt, options);
      if (delay === undefined) throw error;
      onRetry?.(error, attempt, delay, failure);
      await clock.sleep(delay);
    }
  }
}
