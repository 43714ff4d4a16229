/**
 * Wraps the client's fetch so that a 429 answer to *any* request (`retry_after_ms` in the body, or a
 * `Retry-After` header) holds every following request of the client until that time. matrix-js-sdk honours
 * the delay for its crypto requests but not for `/sync`, which it retries after 2–7 s whatever the server
 * asked; with this gate it waits as asked. Waits are capped (`maxWaitMs`) and end early when the request
 * is aborted (client stopped).
 */
export function retryAfterGate(fetchFn, maxWaitMs = 60_000, now = Date.now) {
    let pausedUntil = 0;
    return async (input, init) => {
        const wait = Math.min(pausedUntil - now(), maxWaitMs);
        if (wait > 0)
            await abortableSleep(wait, init?.signal ?? undefined);
        const response = await fetchFn(input, init);
        if (response.status === 429) {
            const delay = await retryAfterOf(response);
            if (delay > 0)
                pausedUntil = Math.max(pausedUntil, now() + delay);
        }
        return response;
    };
}
/** The delay a 429 response asks for, ms (0 when it gives none). */
export async function retryAfterOf(response) {
    const header = response.headers.get('retry-after');
    if (header && /^\d+$/.test(header.trim()))
        return Number(header.trim()) * 1_000;
    try {
        const body = (await response.clone().json());
        return typeof body.retry_after_ms === 'number' && Number.isFinite(body.retry_after_ms) && body.retry_after_ms > 0 ? body.retry_after_ms : 0;
    }
    catch {
        return 0;
    }
}
function abortableSleep(ms, signal) {
    return new Promise((resolve) => {
        if (signal?.aborted)
            return resolve();
        const timer = setTimeout(done, ms);
        function done() {
            clearTimeout(timer);
            signal?.removeEventListener('abort', done);
            resolve();
        }
        signal?.addEventListener('abort', done, { once: true });
    });
}
