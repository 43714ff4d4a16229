import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
const PREFIX = 'console-session:';
/** A session seen again within this delay is not written again (fewer writes; idle expiry is this coarse). */
const TOUCH_MS = 30_000;
export class Sessions {
    storage;
    sessionMs;
    idleMs;
    now;
    constructor(storage, sessionMs, idleMs, now = Date.now) {
        this.storage = storage;
        this.sessionMs = sessionMs;
        this.idleMs = idleMs;
        this.now = now;
    }
    async create(user) {
        const id = randomBytes(32).toString('base64url');
        const now = this.now();
        const session = { user, csrf: randomBytes(24).toString('base64url'), createdAt: now, seenAt: now };
        await this.storage.cacheSet(key(id), JSON.stringify(session), this.idleMs);
        return { id, session };
    }
    /** The live session of this id, touched; undefined when unknown or expired (an expired one is deleted). */
    async get(id) {
        if (!id || id.length > 100)
            return undefined;
        const stored = await this.storage.cacheGet(key(id));
        if (!stored)
            return undefined;
        const session = JSON.parse(stored);
        const now = this.now();
        if (now - session.createdAt >= this.sessionMs || now - session.seenAt >= this.idleMs) {
            await this.destroy(id);
            return undefined;
        }
        if (now - session.seenAt >= TOUCH_MS) {
            session.seenAt = now;
            await this.storage.cacheSet(key(id), JSON.stringify(session), Math.min(this.idleMs, this.sessionMs - (now - session.createdAt)));
        }
        return session;
    }
    async destroy(id) {
        await this.storage.cacheInvalidate(key(id));
    }
}
function key(id) {
    return `${PREFIX}${createHash('sha256').update(id).digest('hex')}`;
}
/** Constant-time comparison of a submitted CSRF token with the session's. */
export function sameToken(given, expected) {
    if (!given)
        return false;
    const a = createHash('sha256').update(given).digest();
    const b = createHash('sha256').update(expected).digest();
    return timingSafeEqual(a, b);
}
