/** Delay before attempt `attempt + 1` after a failure ended attempt `attempt` (1-based); undefined: give up. */
export function retryDelay(failure, attempt, options) {
    if (!failure.transient || attempt >= options.maxAttempts)
        return undefined;
    if (failure.retryAfterMs !== undefined)
        return failure.retryAfterMs <= options.maxRetryAfterMs ? failure.retryAfterMs : undefined;
    return backoff(attempt, options);
}
/** Exponential step of `attempt`; with `random`, half of it plus a random part of the other half. */
export function backoff(attempt, options) {
    const step = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** Math.max(0, attempt - 1));
    return options.random ? Math.round(step / 2 + options.random() * (step / 2)) : step;
}
/** Runs `operation` until it succeeds or the policy gives up; `classify` reads the adapter's errors. */
export async function withRetry(operation, classify, options, clock, onRetry) {
    for (let attempt = 1;; attempt++) {
        try {
            return await operation(attempt);
        }
        catch (error) {
            const failure = classify(error);
            const delay = retryDelay(failure, attempt, options);
            if (delay === undefined)
                throw error;
            onRetry?.(error, attempt, delay, failure);
            await clock.sleep(delay);
        }
    }
}
