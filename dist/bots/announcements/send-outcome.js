import { PasserelleError } from "../errors.js";
import * as say from "./messages.js";
/** `details.delivery` of the Teams adapter's former 403 error, still recognised. */
const LEGACY_UNREACHABLE = 'conversation-unreachable';
/**
 * `roomId`: the Matrix room the send was for. matrix-js-sdk's send scheduler, when it gives up on one event,
 * rejects every event queued behind it with that event's error: a 403 about another room says nothing
 * final about this one, so such a borrowed error is treated as transient.
 */
export function classifySendError(error, roomId) {
    if (roomId && concernsAnotherRoom(error, roomId))
        return retry('transient', say.REASON_TRANSIENT);
    if (error instanceof PasserelleError) {
        if (error.code === 'RECIPIENT_UNREACHABLE' || error.details.delivery === LEGACY_UNREACHABLE)
            return { kind: 'blocked', errorCode: 'blocked', reason: say.REASON_BLOCKED };
        if (error.code === 'CHANNEL_UNAVAILABLE')
            return retry('channel-unavailable', say.REASON_CHANNEL_UNAVAILABLE, error.retryAfterMs);
        if (error.retryable)
            return retry('transient', say.REASON_TRANSIENT, error.retryAfterMs);
        const raw = rawFailure(error.cause);
        if (raw)
            return raw;
        return { kind: 'failed', errorCode: 'channel-error', reason: say.channelError(technical(error.cause ?? error)) };
    }
    return rawFailure(error) ?? { kind: 'failed', errorCode: 'channel-error', reason: say.channelError(technical(error)) };
}
/** An unmapped HTTP or Matrix error, read from its status and errcode; undefined when it has neither. */
function rawFailure(error) {
    if (!error || typeof error !== 'object')
        return undefined;
    const candidate = error;
    const status = [candidate.httpStatus, candidate.status, candidate.statusCode].find((value) => typeof value === 'number');
    const errcode = typeof candidate.errcode === 'string' ? candidate.errcode : undefined;
    if (status === 403 || errcode === 'M_FORBIDDEN')
        return { kind: 'blocked', errorCode: 'blocked', reason: say.REASON_BLOCKED };
    if (status === 429 || errcode === 'M_LIMIT_EXCEEDED')
        return retry('rate-limited', say.REASON_RATE_LIMITED, retryAfterOf(candidate));
    if ((status !== undefined && status >= 500) || candidate.name === 'ConnectionError' || (typeof candidate.code === 'string' && /^(ECONNRESET|ECONNREFUSED|ETIMEDOUT|EPIPE)$/.test(candidate.code))) {
        return retry('transient', say.REASON_TRANSIENT);
    }
    if (status !== undefined)
        return { kind: 'failed', errorCode: 'channel-error', reason: say.channelError(technical(error)) };
    return undefined;
}
function concernsAnotherRoom(error, roomId) {
    const candidate = (error instanceof PasserelleError ? error.cause : error);
    // The URL is the failed request's own; `event` is not reliable (the SDK sets it on the shared error object
    // for each event it rejects, so it names whichever was rejected last).
    const match = /\/rooms\/([^/?]+)\//.exec(typeof candidate?.url === 'string' ? candidate.url : '');
    if (match)
        return decodeURIComponent(match[1]) !== roomId;
    const eventRoom = typeof candidate?.event?.getRoomId === 'function' ? candidate.event.getRoomId() : undefined;
    return eventRoom !== undefined && eventRoom !== roomId;
}
function retry(errorCode, reason, retryAfterMs) {
    return { kind: 'retry', errorCode, reason, ...(retryAfterMs !== undefined && retryAfterMs >= 0 ? { retryAfterMs } : {}) };
}
function retryAfterOf(error) {
    const fromData = error.data?.retry_after_ms;
    if (typeof fromData === 'number')
        return fromData;
    const getter = error.getRetryAfterMs;
    if (typeof getter !== 'function')
        return undefined;
    try {
        return getter.call(error) ?? undefined;
    }
    catch {
        return undefined;
    }
}
/** A short technical description for the admin's report (never shown to recipients). */
function technical(error) {
    const text = error instanceof Error ? error.message : String(error);
    return text.replace(/\s+/g, ' ').slice(0, 200);
}
