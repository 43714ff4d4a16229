import { PasserelleError } from '../errors.ts';
import * as say from './messages.ts';

/**
 * What a failed send means for the recipient. The adapters' contract (bots/errors.ts): RECIPIENT_UNREACHABLE
 * is final (bot blocked, uninstalled, conversation left), CHANNEL_UNAVAILABLE is retryable and carries the
 * service's Retry-After when it gave one (429). Errors an adapter did not map are read by their HTTP status
 * or Matrix errcode (403/M_FORBIDDEN final, 429/M_LIMIT_EXCEEDED and 5xx retryable); anything else is a
 * final failure, reported with its technical cause.
 */
export type SendFailure =
  | { kind: 'blocked'; errorCode: string; reason: string }
  | { kind: 'retry'; errorCode: string; reason: string; retryAfterMs?: number }
  | { kind: 'failed'; errorCode: string; reason: string };

/** `details.delivery` of the Teams adapter's former 403 error, still recognised. */
const LEGACY_UNREACHABLE = 'conversation-unreachable';

/**
 * `roomId`: the Matrix room the send was for. matrix-js-sdk's send scheduler, when it gives up on one event,
 * rejects every event queued behind it with that event's error: a 403 about another room says nothing
 * final about this one, so such a borrowed error is treated as transient.
 */
export function classifySendError(error: unknown, roomId?: string): SendFailure {
  if (roomId && concernsAnotherRoom(error, roomId)) return retry('transient', say.REASON_TRANSIENT);
  if (error instanceof PasserelleError) {
    if (error.code === 'RECIPIENT_UNREACHABLE' || error.details.delivery === LEGACY_UNREACHABLE) return { kind: 'blocked', errorCode: 'blocked', reason: say.REASON_BLOCKED };
    if (error.code === 'CHANNEL_UNAVAILABLE') return retry('channel-unavailable', say.REASON_CHANNEL_UNAVAILABLE, error.retryAfterMs);
    if (error.retryable) return retry('transient', say.REASON_TRANSIENT, error.retryAfterMs);
    const raw = rawFailure(error.cause);
    if (raw) return raw;
    return { kind: 'failed', errorCode: 'channel-error', reason: say.channelError(technical(error.cause ?? error)) };
  }
  return rawFailure(error) ?? { kind: 'failed', errorCode: 'channel-error', reason: say.channelError(technical(error)) };
}

/** An unmapped HTTP or Matrix error, read from its status and errcode; undefined when it has neither. */
function rawFailure(error: unknown): SendFailure | undefined {
  if (!error || typeof error !== 'object') return undefined;
  const candidate = error as { status?: unknown; httpStatus?: unknown; statusCode?: unknown; errcode?: unknown; name?: unknown; code?: unknown; data?: { retry_after_ms?: unknown } };
  const status = [candidate.httpStatus, candidate.status, candidate.statusCode].find((value): value is number => typeof value === 'number');
  const errcode = typeof candidate.errcode === 'string' ? candidate.errcode : undefined;
  if (status === 403 || errcode === 'M_FORBIDDEN') return { kind: 'blocked', errorCode: 'blocked', reason: say.REASON_BLOCKED };
  if (status === 429 || errcode === 'M_LIMIT_EXCEEDED') return retry('rate-limited', say.REASON_RATE_LIMITED, retryAfterOf(candidate));
  if ((status !== undefined && status >= 500) || candidate.name === 'ConnectionError' || (typeof candidate.code === 'string' && /^(ECONNRESET|ECONNREFUSED|ETIMEDOUT|EPIPE)$/.test(candidate.code))) {
    return retry('transient', say.REASON_TRANSIENT);
  }
  if (status !== undefined) return { kind: 'failed', errorCode: 'channel-error', reason: say.channelError(technical(error)) };
  return undefined;
}

function concernsAnotherRoom(error: unknown, roomId: string): boolean {
  const candidate = (error instanceof PasserelleError ? error.cause : error) as { url?: unknown; event?: { getRoomId?: () => string | undefined } } | undefined;
  // The URL is the failed request's own; `event` is not reliable (the SDK sets it on the shared error object
  // for each event it rejects, so it names whichever was rejected last).
  const match = /\/rooms\/([^/?]+)\//.exec(typeof candidate?.url === 'string' ? candidate.url : '');
  if (match) return decodeURIComponent(match[1] as string) !== roomId;
  const eventRoom = typeof candidate?.event?.getRoomId === 'function' ? candidate.event.getRoomId() : undefined;
  return eventRoom !== undefined && eventRoom !== roomId;
}

function retry(errorCode: string, reason: string, retryAfterMs?: number): SendFailure {
  return { kind: 'retry', errorCode, reason, ...(retryAfterMs !== undefined && retryAfterMs >= 0 ? { retryAfterMs } : {}) };
}

function retryAfterOf(error: { data?: { retry_after_ms?: unknown } }): number | undefined {
  const fromData = error.data?.retry_after_ms;
  if (typeof fromData === 'number') return fromData;
  const getter = (error as { getRetryAfterMs?: () => number | null }).getRetryAfterMs;
  if (typeof getter !== 'function') return undefined;
  try {
    return getter.call(error) ?? undefined;
  } catch {
    return undefined;
  }
}

/**
 * What the admin's report says of a refusal, in French: the service's status and error code when it gave
 * them (« code HTTP 400, BadArgument »), never the English text of an exception (the cause is in the log).
 */
function technical(error: unknown): string {
  const candidate = (error && typeof error === 'object' ? error : {}) as { status?: unknown; httpStatus?: unknown; statusCode?: unknown; errcode?: unknown; code?: unknown };
  const status = [candidate.httpStatus, candidate.status, candidate.statusCode].find((value): value is number => typeof value === 'number');
  const code = [candidate.errcode, candidate.code].find((value): value is string => typeof value === 'string' && /^[\w.-]{1,60}$/.test(value));
  if (status !== undefined) return `code HTTP ${status}${code ? `, ${code}` : ''}`;
  return code ? `erreur ${code}` : 'erreur inattendue, détail dans le journal';
}
