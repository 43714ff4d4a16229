/**
 * When to try a Matrix request again, and after how long: `M_LIMIT_EXCEEDED` (HTTP 429) after the server's
 * `retry_after_ms` (or `Retry-After`), connection errors and 5xx with exponential backoff (1 s, 2 s, 4 s…,
 * at most 30 s); any other error is final. Works on matrix-js-sdk errors by shape, without importing it.
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

/** Delay before attempt `attempt + 1`, or undefined when the error is final. */
export function retryDelay(error: unknown, attempt: number, options: RetrySettings): number | undefined {
  if (attempt >= options.maxAttempts) return undefined;
  const backoff = Math.min(1_000 * 2 ** (attempt - 1), 30_000);
  if (isRateLimited(error)) {
    let advised: number | null = null;
    try {
      advised = (error as { getRetryAfterMs(): number | null }).getRetryAfterMs();
    } catch {
      advised = null;
    }
    const delay = advised ?? backoff;
    return delay <= options.maxRetryWaitMs ? delay : undefined;
  }
  const name = (error as { name?: unknown })?.name;
  const status = (error as { httpStatus?: unknown })?.httpStatus;
  if (name === 'ConnectionError' || (typeof status === 'number' && status >= 500)) return backoff;
  return undefined;
}
