import { retryDelay as policyDelay } from "../../bots/outbound/retry-policy.js";
/** Whether an error is a rate-limit refusal (matrix-js-sdk MatrixError / HTTPError). */
export function isRateLimited(error) {
    return typeof error?.isRateLimitError === 'function' && error.isRateLimitError();
}
function classifyMatrixError(error) {
    if (isRateLimited(error)) {
        let advised = null;
        try {
            advised = error.getRetryAfterMs();
        }
        catch {
            advised = null;
        }
        return { transient: true, ...(advised !== null ? { retryAfterMs: advised } : {}) };
    }
    const name = error?.name;
    const status = error?.httpStatus;
    return { transient: name === 'ConnectionError' || (typeof status === 'number' && status >= 500) };
}
/** Delay before attempt `attempt + 1`, or undefined when the error is final. */
export function retryDelay(error, attempt, settings) {
    return policyDelay(classifyMatrixError(error), attempt, { maxAttempts: settings.maxAttempts, baseDelayMs: 1_000, maxDelayMs: 30_000, maxRetryAfterMs: settings.maxRetryWaitMs });
}
