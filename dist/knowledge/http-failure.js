import { PasserelleError } from "../bots/errors.js";
/**
 * The catalogue error for a non-2xx answer of a model service (embeddings, cross-encoder): 429 and 5xx may
 * succeed later (`unavailable`, with Retry-After kept), other statuses are a configuration problem.
 */
export async function httpFailure(response, service, unavailable) {
    const detail = (await response.text().catch(() => '')).slice(0, 300);
    const cause = new Error(`${service} HTTP ${response.status}: ${detail}`);
    const retryAfter = Number(response.headers.get('retry-after'));
    if (response.status === 429 || response.status >= 500) {
        return new PasserelleError(unavailable, {}, { cause, ...(retryAfter > 0 ? { retryAfterMs: retryAfter * 1000 } : {}) });
    }
    return new PasserelleError('MODEL_REJECTED_REQUEST', {}, { cause });
}
