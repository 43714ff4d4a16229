import { createHash, timingSafeEqual } from 'node:crypto';
export function checkBearer(header, expected) {
    if (!header)
        return 'missing';
    const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header);
    if (!match)
        return 'invalid';
    const given = createHash('sha256').update(match[1], 'utf8').digest();
    const wanted = createHash('sha256').update(expected, 'utf8').digest();
    return timingSafeEqual(given, wanted) ? 'ok' : 'invalid';
}
/**
 * Failed authentications per client address in a sliding minute: beyond `limit`, the client is answered
 * 429 without the token being checked (slows down guessing; tokens are ≥ 24 characters anyway).
 */
export class FailedAuthLimiter {
    limit;
    windowMs;
    now;
    failures = new Map();
    constructor(limit = 20, windowMs = 60_000, now = Date.now) {
        this.limit = limit;
        this.windowMs = windowMs;
        this.now = now;
    }
    blocked(client) {
        return this.recent(client).length >= this.limit;
    }
    record(client) {
        const times = this.recent(client);
        times.push(this.now());
        this.failures.set(client, times);
        if (this.failures.size > 10_000)
            this.failures.clear();
    }
    recent(client) {
        const since = this.now() - this.windowMs;
        return (this.failures.get(client) ?? []).filter((time) => time > since);
    }
}
