import { PasserelleError, type ErrorCode } from '../bots/errors.ts';

/**
 * The catalogue error for a non-2xx answer of a model service (embeddings, cross-encoder): 429 and 5xx may
 * succeed later (`unavailable`, with Retry-After kept), other statuses — a redirect included, never followed —
 * are a configuration problem.
 */
export async function httpFailure(response: Response, service: string, unavailable: ErrorCode): Promise<PasserelleError> {
  if (response.status >= 300 && response.status < 400) {
    // Requests carry the passages and the key: a redirect is never followed (fetch with redirect: 'manual').
    await response.body?.cancel().catch(() => undefined);
    return new PasserelleError('MODEL_REJECTED_REQUEST', {}, { cause: new Error(`${service} HTTP ${response.status}: redirect to ${locationOrigin(response)} refused (set the service's final URL)`) });
  }
  const detail = (await response.text().catch(() => '')).slice(0, 300);
  const cause = new Error(`${service} HTTP ${response.status}: ${detail}`);
  const retryAfter = Number(response.headers.get('retry-after'));
  if (response.status === 429 || response.status >= 500) {
    return new PasserelleError(unavailable, {}, { cause, ...(retryAfter > 0 ? { retryAfterMs: retryAfter * 1000 } : {}) });
  }
  return new PasserelleError('MODEL_REJECTED_REQUEST', {}, { cause });
}

function locationOrigin(response: Response): string {
  try {
    return new URL(response.headers.get('location') ?? '', response.url).origin;
  } catch {
    return '(unreadable Location)';
  }
}
