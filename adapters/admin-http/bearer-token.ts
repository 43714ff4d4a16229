import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * `Authorization: Bearer <token>` against the configured admin token, in constant time: both sides are
 * hashed (SHA-256) first, so neither the comparison nor an early length mismatch tells anything about the
 * token's content or length.
 */
export type TokenCheck = 'ok' | 'missing' | 'invalid';

export function checkBearer(header: string | undefined, expected: string): TokenCheck {
  if (!header) return 'missing';
  const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header);
  if (!match) return 'invalid';
  const given = createHash('sha256').update(match[1] as string, 'utf8').digest();
  const wanted = createHash('sha256').update(expected, 'utf8').digest();
  return timingSafeEqual(given, wanted) ? 'ok' : 'invalid';
}

/**
 * Failed authentications per client address in a sliding minute: beyond `limit`, the client's bad attempts are
 * answered 429 and no longer journaled (slows down guessing and keeps the audit log readable; tokens are ≥ 24
 * characters anyway). The right token is never refused: an address is shared (proxy, local processes), and a
 * lockout anyone can trigger would lock the administrator out.
 */
export class FailedAuthLimiter {
  private readonly failures = new Map<string, number[]>();

  constructor(
    private readonly limit = 20,
    private readonly windowMs = 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  blocked(client: string): boolean {
    return this.recent(client).length >= this.limit;
  }

  record(client: string): void {
    const times = this.recent(client);
    times.push(this.now());
    this.failures.set(client, times);
    if (this.failures.size > 10_000) this.failures.clear();
  }

  private recent(client: string): number[] {
    const since = this.now() - this.windowMs;
    return (this.failures.get(client) ?? []).filter((time) => time > since);
  }
}
