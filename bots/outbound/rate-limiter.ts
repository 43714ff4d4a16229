/**
 * The one rate limiter of a channel: every request that leaves on it — answers, streamed updates, typing,
 * job results, announcements, joins and receipts — takes its turn here (the adapter calls `acquire` before
 * each request), so that the channel's budget is spent once, whoever spends it. The channel adapter
 * declares its service's limits (Teams: per conversation and per tenant; Tchap: per account); the
 * composition root adds the share announcements may use (`bulk`) and gives the same instance to the
 * adapter and to the fan-out. An announcement first waits for its share (`acquireShare`, in the fan-out:
 * paced sends never pile up in the adapter), then takes its turn on the channel budget like any request:
 * answers keep the rest of the budget.
 *
 * Budgets are of two kinds:
 * - `window`: at most `capacity` requests in any `windowMs`, kept exactly with a log of send times (a
 *   continuously refilled bucket would let up to twice the limit through in one window, which Teams
 *   answers with 429); a request leaves the window once `windowMs` has passed;
 * - `bucket`: a token bucket, `ratePerSecond` on average with bursts of `burst` (Tchap's guidance).
 *
 * Requests of one queue (a conversation, else the whole channel; the announcements' share is one queue) are
 * served first come, first served; nothing is ever dropped. `pause(ms)` holds the channel after a 429 with
 * Retry-After; `pause(ms, 'bulk')` holds only the announcements.
 */

/** Time source, injectable for tests. */
export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

/** Monotonic: a wall-clock adjustment never opens or closes a window. */
export const systemClock: Clock = {
  now: () => performance.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

export type Budget = { kind: 'window'; capacity: number; windowMs: number } | { kind: 'bucket'; ratePerSecond: number; burst: number };

/** Limits per scope; absent scopes are not limited. */
export interface ScopeBudgets {
  /** Every request (Tchap: the bot's account). */
  account?: readonly Budget[];
  /** Per conversation (Teams: 7 per second and 60 per 30 seconds). */
  conversation?: readonly Budget[];
  /** Per tenant (Teams: 50 per second). */
  tenant?: readonly Budget[];
}

/** What a channel allows, and the share of it announcements may take (`bulk`). */
export interface ChannelBudgets extends ScopeBudgets {
  bulk?: ScopeBudgets;
}

/** Interactive requests (answers, progress) and bulk ones (announcements, paced by their share). */
export type Lane = 'interactive' | 'bulk';

export interface RequestScope {
  conversation?: string;
  tenant?: string;
}

/** "N per second" as windows: one second (or 1/rate below one per second), plus 100 ms windows allowing a fifth of it above 10 per second, so that sends spread over the second. */
export function perSecond(rate: number): Budget[] {
  if (!(rate > 0)) throw new RangeError('rates must be positive');
  if (rate < 1) return [{ kind: 'window', capacity: 1, windowMs: Math.ceil(1_000 / rate) }];
  const capacity = Math.floor(rate);
  const budgets: Budget[] = [{ kind: 'window', capacity, windowMs: 1_000 }];
  if (capacity >= 10) budgets.push({ kind: 'window', capacity: Math.ceil(capacity / 5), windowMs: 100 });
  return budgets;
}

interface Meter {
  /** Milliseconds until one more request fits (0: now). */
  waitFor(now: number): number;
  take(now: number): void;
  /** Nothing to remember any more: forgetting it changes nothing. */
  isIdle(now: number): boolean;
}

class SlidingWindow implements Meter {
  private readonly times: number[] = [];
  private head = 0;

  constructor(private readonly capacity: number, private readonly windowMs: number) {}

  waitFor(now: number): number {
    this.prune(now);
    if (this.times.length - this.head < this.capacity) return 0;
    return (this.times[this.times.length - this.capacity] as number) + this.windowMs - now;
  }

  take(now: number): void {
    this.times.push(now);
  }

  isIdle(now: number): boolean {
    this.prune(now);
    return this.times.length === this.head;
  }

  private prune(now: number): void {
    while (this.head < this.times.length && (this.times[this.head] as number) <= now - this.windowMs) this.head++;
    if (this.head > 1_024 && this.head * 2 > this.times.length) {
      this.times.splice(0, this.head);
      this.head = 0;
    }
  }
}

class TokenBucket implements Meter {
  private tokens: number;
  private updatedAt: number | undefined;

  constructor(private readonly ratePerSecond: number, private readonly burst: number) {
    if (!(ratePerSecond > 0)) throw new RangeError('ratePerSecond must be positive');
    this.tokens = burst;
  }

  waitFor(now: number): number {
    this.refill(now);
    return this.tokens >= 1 ? 0 : Math.ceil(((1 - this.tokens) / this.ratePerSecond) * 1_000);
  }

  take(now: number): void {
    this.refill(now);
    this.tokens -= 1;
  }

  isIdle(now: number): boolean {
    this.refill(now);
    return this.tokens >= this.burst;
  }

  private refill(now: number): void {
    if (this.updatedAt !== undefined) this.tokens = Math.min(this.burst, this.tokens + ((now - this.updatedAt) / 1_000) * this.ratePerSecond);
    this.updatedAt = now;
  }
}

/** Told of what the limiter does (metrics): how long each turn waited, and each pause a service asked for. */
export interface RateLimiterObserver {
  waited?(lane: Lane, ms: number): void;
  paused?(ms: number, lane: Lane | undefined): void;
}

export class RateLimiter {
  private readonly meters = new Map<string, Meter[]>();
  private readonly tails = new Map<string, Promise<void>>();
  private readonly pausedUntil = new Map<Lane | 'all', number>();

  constructor(
    private readonly budgets: ChannelBudgets,
    private readonly clock: Clock = systemClock,
    private readonly observer: RateLimiterObserver = {},
  ) {
    const { bulk, ...channel } = budgets;
    for (const budget of [...Object.values(channel), ...Object.values(bulk ?? {})].flat() as Budget[]) {
      const positive = budget.kind === 'window' ? budget.capacity > 0 && budget.windowMs > 0 : budget.ratePerSecond > 0 && budget.burst >= 1;
      if (!positive) throw new RangeError('rate budgets must be positive');
    }
  }

  /** Resolves when one request may leave; queues behind earlier requests of the same conversation (or channel). */
  acquire(scope: RequestScope = {}): Promise<void> {
    return this.enqueue(`channel:${scope.conversation ?? '*'}`, () => this.take('interactive', '', this.budgets, scope));
  }

  /** Resolves when one more announcement may go (the `bulk` share); it then takes its turn with `acquire`. */
  acquireShare(scope: RequestScope = {}): Promise<void> {
    return this.enqueue('bulk', () => this.take('bulk', 'bulk:', this.budgets.bulk ?? {}, scope));
  }

  private enqueue(queue: string, take: () => Promise<void>): Promise<void> {
    const previous = this.tails.get(queue) ?? Promise.resolve();
    const turn = previous.then(take);
    const tail = turn.catch(() => undefined);
    this.tails.set(queue, tail);
    void tail.then(() => {
      if (this.tails.get(queue) === tail) this.tails.delete(queue);
    });
    return turn;
  }

  /** Takes a turn now if one is free, else false (best-effort requests: typing, read receipts). */
  tryAcquire(scope: RequestScope = {}): boolean {
    const now = this.clock.now();
    if (this.pausedFor() > 0) return false;
    const meters = this.metersOf('', this.budgets, scope, now);
    if (meters.some((meter) => meter.waitFor(now) > 0)) return false;
    for (const meter of meters) meter.take(now);
    return true;
  }

  /** No request (of `lane`, or of any lane) before `ms` from now: the service asked to slow down. */
  pause(ms: number, lane?: Lane): void {
    const key = lane ?? 'all';
    this.observer.paused?.(ms, lane);
    this.pausedUntil.set(key, Math.max(this.pausedUntil.get(key) ?? 0, this.clock.now() + Math.max(0, ms)));
  }

  /** The service refused a request for its rate (429) and the caller retries by itself: counted, nothing held. */
  throttled(): void {
    this.observer.paused?.(0, undefined);
  }

  /** Milliseconds requests of `lane` are still held for (0: not paused). */
  pausedFor(lane: Lane = 'interactive'): number {
    const until = Math.max(this.pausedUntil.get('all') ?? 0, this.pausedUntil.get(lane) ?? 0);
    return Math.max(0, until - this.clock.now());
  }

  private async take(lane: Lane, prefix: string, budgets: ScopeBudgets, scope: RequestScope): Promise<void> {
    const started = this.clock.now();
    for (;;) {
      const paused = this.pausedFor(lane);
      if (paused > 0) {
        await this.clock.sleep(paused);
        continue;
      }
      const now = this.clock.now();
      const meters = this.metersOf(prefix, budgets, scope, now);
      const wait = Math.max(0, ...meters.map((meter) => meter.waitFor(now)));
      if (wait === 0) {
        for (const meter of meters) meter.take(now);
        this.observer.waited?.(lane, now - started);
        return;
      }
      await this.clock.sleep(wait);
    }
  }

  private metersOf(prefix: string, budgets: ScopeBudgets, scope: RequestScope, now: number): Meter[] {
    const { account, conversation, tenant } = budgets;
    return [
      ...(account ? this.metersFor(`${prefix}account`, account, now) : []),
      ...(conversation && scope.conversation ? this.metersFor(`${prefix}conversation:${scope.conversation}`, conversation, now) : []),
      // The share of a tenant-limited channel counts sends without a tenant together; the channel budget leaves them out.
      ...(tenant && (scope.tenant || prefix) ? this.metersFor(`${prefix}tenant:${scope.tenant ?? ''}`, tenant, now) : []),
    ];
  }

  private metersFor(key: string, budgets: readonly Budget[], now: number): Meter[] {
    let meters = this.meters.get(key);
    if (!meters) {
      if (this.meters.size >= 10_000) this.prune(now);
      meters = budgets.map((budget) => (budget.kind === 'window' ? new SlidingWindow(budget.capacity, budget.windowMs) : new TokenBucket(budget.ratePerSecond, budget.burst)));
      this.meters.set(key, meters);
    }
    return meters;
  }

  /** Forgets the meters of idle conversations and tenants, so memory stays bounded. */
  private prune(now: number): void {
    for (const [key, meters] of this.meters) if (!key.endsWith('account') && meters.every((meter) => meter.isIdle(now))) this.meters.delete(key);
  }
}
