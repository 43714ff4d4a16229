import { retryDelay as policyDelay, type Failure } from '../../bots/outbound/retry-policy.ts';

/**
 * How Tchap (matrix-js-sdk) failures read for the one retry policy (bots/outbound/retry-policy.ts):
 * `M_LIMIT_EXCEEDED` (HTTP 429) after the server's `retry_after_ms` (or `Retry-After`), connection errors and
 * 5xx with exponential backoff (1 s, 2 s, 4 s…, at most 30 s); any other error is final. Works on the SDK's
 * errors by shape, without importing it.
 */

/** Limits of the retry policy. */
export interface RetrySettings {
  /** Attempts per request, first included. */
  maxAttempts: number;
  /** Longest wait accepted between attempts; a longer `retry_after_ms` makes the request fail. */
  maxRetryWaitMs: number;
}

/** Whether an error is a rate-limit refusal (matrix-js-sdk MatrixError / HTTPError). */
export function isRateLimited(error: unknown): boolean {
  return typeof (error as { isRateLimitError?: unknown })?.isRateLimitError === 'function' && (error as { isRateLimitError(): boolean }).isRateLimitError();
}

function classifyMatrixError(error: unknown): Failure {
  if (isRateLimited(error)) {
    let advised: number | null = null;
    try {
      advised = (error as { getRetryAfterMs(): number | null }).getRetryAfterMs();
    } catch {
      advised = null;
    }
    return { transient: true, ...(advised !== null ? { retryAfterMs: advised } : {}) };
  }
  const name = (error as { name?: unknown })?.name;
  const status = (error as { httpStatus?: unknown })?.httpStatus;
  return { transient: name === 'ConnectionError' || (typeof status === 'number' && status >= 500) };
}

/** Delay before attempt `attempt + 1`, or undefined when the error is final. */
export function retryDelay(error: unknown, attempt: number, settings: RetrySettings): number | undefined {
  return policyDelay(classifyMatrixError(error), attempt, { maxAttempts: settings.maxAttempts, baseDelayMs: 1_000, maxDelayMs: 30_000, maxRetryAfterMs: settings.maxRetryWaitMs });
}
