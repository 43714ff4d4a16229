import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Role } from './roles.ts';

/**
 * Console sessions, kept server-side in the state store's cache (shared by replicas, kept across restarts,
 * deleted when they expire): the browser holds only a random id in an HttpOnly cookie; the store holds
 * its SHA-256. A session ends `sessionMs` after sign-in or `idleMs` after the last request, whichever
 * comes first. Each carries its CSRF token (synchroniser token, checked on every state-changing request).
 */

export interface ConsoleUser {
  /** Stable identity shown in the journal: e-mail, else the provider's subject. */
  id: string;
  name: string;
  role: Role;
  /** 'jeton' (local sign-in with the admin token), 'proconnect', 'entra'. */
  provider: string;
}

export interface Session {
  user: ConsoleUser;
  csrf: string;
  createdAt: number;
  seenAt: number;
}

/** What the sessions need of a store (the state store's cache). */
export interface SessionStorage {
  cacheGet(key: string): Promise<string | undefined>;
  cacheSet(key: string, value: string, ttlMs: number): Promise<void>;
  cacheInvalidate(prefix: string): Promise<number>;
}

const PREFIX = 'console-session:';
/** A session seen again within this delay is not written again (fewer writes; idle expiry is this coarse). */
const TOUCH_MS = 30_000;

export class Sessions {
  constructor(
    private readonly storage: SessionStorage,
    private readonly sessionMs: number,
    private readonly idleMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  async create(user: ConsoleUser): Promise<{ id: string; session: Session }> {
    const id = randomBytes(32).toString('base64url');
    const now = this.now();
    const session: Session = { user, csrf: randomBytes(24).toString('base64url'), createdAt: now, seenAt: now };
    await this.storage.cacheSet(key(id), JSON.stringify(session), this.idleMs);
    return { id, session };
  }

  /** The live session of this id, touched; undefined when unknown or expired (an expired one is deleted). */
  async get(id: string | undefined): Promise<Session | undefined> {
    if (!id || id.length > 100) return undefined;
    const stored = await this.storage.cacheGet(key(id));
    if (!stored) return undefined;
    const session = JSON.parse(stored) as Session;
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

  async destroy(id: string): Promise<void> {
    await this.storage.cacheInvalidate(key(id));
  }
}

function key(id: string): string {
  return `${PREFIX}${createHash('sha256').update(id).digest('hex')}`;
}

/** Constant-time comparison of a submitted CSRF token with the session's. */
export function sameToken(given: string | undefined, expected: string): boolean {
  if (!given) return false;
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}
