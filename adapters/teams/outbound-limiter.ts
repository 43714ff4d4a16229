/**
 * In-memory rate limits for outgoing Bot Connector requests, at Teams' published bot limits: per
 * conversation 7 per second and 60 per 30 seconds, per tenant 50 per second. Requests wait their turn
 * (first come, first served within a conversation); nothing is ever dropped. One process only: several
 * replicas would each apply the limits (the 429 handling of the delivery policy covers the rest).
 */

/** At most `capacity` requests in any `windowMs` (a burst of `capacity` is allowed). */
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

/**
 * "At most `capacity` requests in any `windowMs`", kept exactly with the send times of the last `capacity`
 * requests (a sliding-window log). A continuously refilled token bucket of the same capacity and rate
 * would let up to twice the limit through in one window (a full burst plus the refill), which Teams
 * answers with 429; the log never does, at full throughput.
 */
class SlidingWindow {
  private readonly times: number[] = [];

  constructor(private readonly limit: RateLimit) {}

  /** Milliseconds until one more request fits in the window (0: now). */
  waitFor(now: number): number {
    this.prune(now);
    if (this.times.length < this.limit.capacity) return 0;
    return (this.times[0] as number) + this.limit.windowMs - now;
  }

  take(now: number): void {
    this.times.push(now);
  }

  /** No request in the window any more: forgetting it changes nothing. */
  isIdle(now: number): boolean {
    this.prune(now);
    return this.times.length === 0;
  }

  private prune(now: number): void {
    while (this.times.length > 0 && (this.times[0] as number) <= now - this.limit.windowMs) this.times.shift();
  }
}

export class OutboundLimiter {
  private readonly windows = new Map<string, SlidingWindow[]>();
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
      const windows = [
        ...this.windowsFor(`conversation:${conversationKey}`, this.limits.perConversation, now),
        ...(tenant ? this.windowsFor(`tenant:${tenant}`, this.limits.perTenant, now) : []),
      ];
      const wait = Math.max(0, ...windows.map((window) => window.waitFor(now)));
      if (wait === 0) {
        for (const window of windows) window.take(now);
        return;
      }
      await this.clock.sleep(wait);
    }
  }

  private windowsFor(key: string, limits: readonly RateLimit[], now: number): SlidingWindow[] {
    let windows = this.windows.get(key);
    if (!windows) {
      if (this.windows.size >= 10_000) this.prune(now);
      windows = limits.map((limit) => new SlidingWindow(limit));
      this.windows.set(key, windows);
    }
    return windows;
  }

  /** Forgets the windows of idle conversations and tenants, so memory stays bounded. */
  private prune(now: number): void {
    for (const [key, windows] of this.windows) if (windows.every((window) => window.isIdle(now))) this.windows.delete(key);
  }
}
