/**
 * In-memory token buckets for outgoing Bot Connector requests, at Teams' published bot limits: per
 * conversation 7 per second and 60 per 30 seconds, per tenant 50 per second. Requests wait their turn
 * (first come, first served within a conversation); nothing is ever dropped. One process only: several
 * replicas would each apply the limits (the 429 handling of the delivery policy covers the rest).
 */

/** `capacity` requests per `windowMs`, refilled continuously (a burst of `capacity` is allowed). */
export interface RateLimit {
  capacity: number;
  windowMs: number;
}

export interface OutboundLimits {
  perConversation: readonly RateLimit[];
  perTenant: readonly RateLimit[];
}

export const TEAMS_LIMITS: OutboundLimits = {
  perConversation: [
    { capacity: 7, windowMs: 1_000 },
    { capacity: 60, windowMs: 30_000 },
  ],
  perTenant: [{ capacity: 50, windowMs: 1_000 }],
};

/** Time source, injectable for tests. */
export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

class TokenBucket {
  private tokens: number;
  private updatedAt: number;

  constructor(
    private readonly limit: RateLimit,
    now: number,
  ) {
    this.tokens = limit.capacity;
    this.updatedAt = now;
  }

  /** Milliseconds until one token is available (0: available now). */
  waitFor(now: number): number {
    this.refill(now);
    if (this.tokens >= 1) return 0;
    return Math.ceil(((1 - this.tokens) * this.limit.windowMs) / this.limit.capacity);
  }

  take(): void {
    this.tokens -= 1;
  }

  /** Full again: forgetting the bucket changes nothing. */
  isFull(now: number): boolean {
    this.refill(now);
    return this.tokens >= this.limit.capacity;
  }

  private refill(now: number): void {
    const elapsed = Math.max(0, now - this.updatedAt);
    this.tokens = Math.min(this.limit.capacity, this.tokens + (elapsed * this.limit.capacity) / this.limit.windowMs);
    this.updatedAt = now;
  }
}

export class OutboundLimiter {
  private readonly buckets = new Map<string, TokenBucket[]>();
  private readonly tails = new Map<string, Promise<void>>();

  constructor(
    private readonly limits: OutboundLimits = TEAMS_LIMITS,
    private readonly clock: Clock = systemClock,
  ) {}

  /** Resolves when one request may be sent to this conversation (and tenant); queues behind earlier ones. */
  acquire(conversationKey: string, tenant: string | undefined): Promise<void> {
    const previous = this.tails.get(conversationKey) ?? Promise.resolve();
    const turn = previous.then(() => this.take(conversationKey, tenant));
    const tail = turn.catch(() => undefined);
    this.tails.set(conversationKey, tail);
    void tail.then(() => {
      if (this.tails.get(conversationKey) === tail) this.tails.delete(conversationKey);
    });
    return turn;
  }

  private async take(conversationKey: string, tenant: string | undefined): Promise<void> {
    for (;;) {
      const now = this.clock.now();
      const buckets = [
        ...this.bucketsFor(`conversation:${conversationKey}`, this.limits.perConversation, now),
        ...(tenant ? this.bucketsFor(`tenant:${tenant}`, this.limits.perTenant, now) : []),
      ];
      const wait = Math.max(0, ...buckets.map((bucket) => bucket.waitFor(now)));
      if (wait === 0) {
        for (const bucket of buckets) bucket.take();
        return;
      }
      await this.clock.sleep(wait);
    }
  }

  private bucketsFor(key: string, limits: readonly RateLimit[], now: number): TokenBucket[] {
    let buckets = this.buckets.get(key);
    if (!buckets) {
      if (this.buckets.size >= 10_000) this.prune(now);
      buckets = limits.map((limit) => new TokenBucket(limit, now));
      this.buckets.set(key, buckets);
    }
    return buckets;
  }

  /** Forgets buckets that have refilled completely (idle conversations), so memory stays bounded. */
  private prune(now: number): void {
    for (const [key, buckets] of this.buckets) if (buckets.every((bucket) => bucket.isFull(now))) this.buckets.delete(key);
  }
}
