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
 *
 * Priority on the shared budgets (the account, a tenant): an announcement's own turn (`acquire` with
 * `{ lane: 'bulk' }`) waits in a queue of its own and is taken only when it leaves `bulkPriority.headroom`
 * turns free there (2 by default), so that interactive requests — an answer arriving during a fan-out — find
 * their turns at once and take the next free slot ahead of queued announcement sends. Not forever: an
 * announcement that has waited `maxWaitMs` for its turn (5 s by default) takes the next one like any request,
 * so a budget saturated by answers still carries announcements.
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
  /** Interactive requests before announcements on the shared budgets (see the module comment); defaults 2 and 4. */
  bulkPriority?: BulkPriority;
}

/** Interactive requests (answers, progress) and bulk ones (announcements, paced by their share). */
export type Lane = 'interactive' | 'bulk';

export interface RequestScope {
  conversation?: string;
  tenant?: string;
}

/** A request's turn on the channel budget: `bulk` for an announcement's send (gives way to interactive requests). */
export interface TurnScope extends RequestScope {
  lane?: Lane;
}

/**
 * How announcements give way on a shared budget: they leave `headroom` turns free (capped by the budget's
 * size) and let a waiting interactive request take a turn that frees, until one has waited `maxWaitMs` for
 * its turn: it then takes the next one like any request (no starvation).
 */
export interface BulkPriority {
  headroom: number;
  maxWaitMs: number;
}

/**
 * Two free turns: a streamed answer's first two requests (typing, placeholder) leave at once. Five seconds:
 * longer than a streamed answer's requests last, and on a budget saturated by answers announcements still
 * get one turn in about six at Tchap's 1/s.
 */
const DEFAULT_PRIORITY: BulkPriority = { headroom: 2, maxWaitMs: 5_000 };

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
  /** Milliseconds until `n` more requests fit (0: now); `n` is capped by the budget's size. */
  waitFor(now: number, n?: number): number;
  take(now: number): void;
  /** Nothing to remember any more: forgetting it changes nothing. */
  isIdle(now: number): boolean;
}

class SlidingWindow implements Meter {
  private readonly times: number[] = [];
  private head = 0;

  constructor(private readonly capacity: number, private readonly windowMs: number) {}

  waitFor(now: number, n = 1): number {
    this.prune(now);
    const need = Math.min(n, this.capacity);
    if (this.times.length - this.head + need <= this.capacity) return 0;
    return (this.times[this.times.length - (this.capacity - need + 1)] as number) + this.windowMs - now;
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

  waitFor(now: number, n = 1): number {
    this.refill(now);
    const need = Math.min(n, this.burst);
    return this.tokens >= need ? 0 : Math.ceil(((need - this.tokens) / this.ratePerSecond) * 1_000);
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
  /** Per shared meter key (account, tenant): requests of each lane waiting for a turn there (their conversation's is free). */
  private readonly contenders = new Map<string, Record<Lane, Set<object>>>();
  private readonly maxBulkWaitMs: number;
  private readonly headroom: number;

  constructor(
    private readonly budgets: ChannelBudgets,
    private readonly clock: Clock = systemClock,
    private readonly observer: RateLimiterObserver = {},
  ) {
    const { bulk, bulkPriority: _priority, ...channel } = budgets;
    for (const budget of [...Object.values(channel), ...Object.values(bulk ?? {})].flat() as Budget[]) {
      const positive = budget.kind === 'window' ? budget.capacity > 0 && budget.windowMs > 0 : budget.ratePerSecond > 0 && budget.burst >= 1;
      if (!positive) throw new RangeError('rate budgets must be positive');
    }
    this.maxBulkWaitMs = budgets.bulkPriority?.maxWaitMs ?? DEFAULT_PRIORITY.maxWaitMs;
    this.headroom = budgets.bulkPriority?.headroom ?? DEFAULT_PRIORITY.headroom;
    if (!(this.maxBulkWaitMs >= 0 && Number.isInteger(this.headroom) && this.headroom >= 0)) throw new RangeError('bulkPriority: maxWaitMs ≥ 0 and headroom a non-negative integer');
  }

  /**
   * Resolves when one request may leave; queues behind earlier requests of the same conversation (or channel)
   * and lane. `lane: 'bulk'` (an announcement's send) gives way to interactive requests on shared budgets.
   */
  acquire(scope: TurnScope = {}): Promise<void> {
    const { lane = 'interactive', ...request } = scope;
    const queue = `${lane === 'bulk' ? 'bulk-channel' : 'channel'}:${request.conversation ?? '*'}`;
    return this.enqueue(queue, () => this.takeTurn(lane, request));
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

  /**
   * A turn on the channel budget. An announcement (`bulk`) takes a shared budget's turn only when it leaves
   * `headroom` turns free there, so that an answer arriving finds its first requests' turns at once, and a
   * turn freeing while an interactive request waits for it goes to that request — until the announcement has
   * waited `maxWaitMs` (no starvation).
   */
  private async takeTurn(lane: Lane, scope: RequestScope): Promise<void> {
    const me = {};
    const started = this.clock.now();
    let keys: string[] = [];
    const leave = (): void => {
      for (const key of keys) {
        const entry = this.contenders.get(key);
        entry?.[lane].delete(me);
        if (entry && entry.interactive.size === 0 && entry.bulk.size === 0) this.contenders.delete(key);
      }
      keys = [];
    };
    try {
      for (;;) {
        const paused = this.pausedFor();
        if (paused > 0) {
          leave();
          await this.clock.sleep(paused);
          continue;
        }
        const now = this.clock.now();
        const { own, shared } = this.channelMeters(scope, now);
        const ownWait = Math.max(0, ...own.map((meter) => meter.waitFor(now)));
        if (ownWait > 0) {
          leave();
          await this.clock.sleep(ownWait);
          continue;
        }
        const sharedKeys = [...new Set(shared.map(({ key }) => key))];
        if (keys.length === 0) {
          for (const key of sharedKeys) this.contendersOf(key)[lane].add(me);
          keys = sharedKeys;
        }
        const givesWay = lane === 'bulk' && now - started < this.maxBulkWaitMs;
        const sharedWait = Math.max(0, ...shared.map(({ meter }) => meter.waitFor(now, givesWay ? 1 + this.headroom : 1)));
        if (sharedWait > 0) {
          await this.clock.sleep(givesWay ? Math.min(sharedWait, Math.max(1, started + this.maxBulkWaitMs - now)) : sharedWait);
          continue;
        }
        // A turn just freed that an interactive request is about to take (its timer fires now): let it.
        if (givesWay && sharedKeys.some((key) => (this.contenders.get(key)?.interactive.size ?? 0) > 0)) {
          await this.clock.sleep(1);
          continue;
        }
        for (const meter of [...own, ...shared.map((entry) => entry.meter)]) meter.take(now);
        this.observer.waited?.(lane, now - started);
        return;
      }
    } finally {
      leave();
    }
  }

  private contendersOf(key: string): Record<Lane, Set<object>> {
    let entry = this.contenders.get(key);
    if (!entry) this.contenders.set(key, (entry = { interactive: new Set(), bulk: new Set() }));
    return entry;
  }

  /** The channel budget's meters for a request: its conversation's (own) and the account's and tenant's (shared). */
  private channelMeters(scope: RequestScope, now: number): { own: Meter[]; shared: Array<{ key: string; meter: Meter }> } {
    const { account, conversation, tenant } = this.budgets;
    const shared: Array<{ key: string; meter: Meter }> = [];
    if (account) for (const meter of this.metersFor('account', account, now)) shared.push({ key: 'account', meter });
    if (tenant && scope.tenant) for (const meter of this.metersFor(`tenant:${scope.tenant}`, tenant, now)) shared.push({ key: `tenant:${scope.tenant}`, meter });
    return { own: conversation && scope.conversation ? this.metersFor(`conversation:${scope.conversation}`, conversation, now) : [], shared };
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
