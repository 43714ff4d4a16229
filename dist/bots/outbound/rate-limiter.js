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
/** Monotonic: a wall-clock adjustment never opens or closes a window. */
export const systemClock = {
    now: () => performance.now(),
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};
/** "N per second" as windows: one second (or 1/rate below one per second), plus 100 ms windows allowing a fifth of it above 10 per second, so that sends spread over the second. */
export function perSecond(rate) {
    if (!(rate > 0))
        throw new RangeError('rates must be positive');
    if (rate < 1)
        return [{ kind: 'window', capacity: 1, windowMs: Math.ceil(1_000 / rate) }];
    const capacity = Math.floor(rate);
    const budgets = [{ kind: 'window', capacity, windowMs: 1_000 }];
    if (capacity >= 10)
        budgets.push({ kind: 'window', capacity: Math.ceil(capacity / 5), windowMs: 100 });
    return budgets;
}
class SlidingWindow {
    capacity;
    windowMs;
    times = [];
    head = 0;
    constructor(capacity, windowMs) {
        this.capacity = capacity;
        this.windowMs = windowMs;
    }
    waitFor(now) {
        this.prune(now);
        if (this.times.length - this.head < this.capacity)
            return 0;
        return this.times[this.times.length - this.capacity] + this.windowMs - now;
    }
    take(now) {
        this.times.push(now);
    }
    isIdle(now) {
        this.prune(now);
        return this.times.length === this.head;
    }
    prune(now) {
        while (this.head < this.times.length && this.times[this.head] <= now - this.windowMs)
            this.head++;
        if (this.head > 1_024 && this.head * 2 > this.times.length) {
            this.times.splice(0, this.head);
            this.head = 0;
        }
    }
}
class TokenBucket {
    ratePerSecond;
    burst;
    tokens;
    updatedAt;
    constructor(ratePerSecond, burst) {
        this.ratePerSecond = ratePerSecond;
        this.burst = burst;
        if (!(ratePerSecond > 0))
            throw new RangeError('ratePerSecond must be positive');
        this.tokens = burst;
    }
    waitFor(now) {
        this.refill(now);
        return this.tokens >= 1 ? 0 : Math.ceil(((1 - this.tokens) / this.ratePerSecond) * 1_000);
    }
    take(now) {
        this.refill(now);
        this.tokens -= 1;
    }
    isIdle(now) {
        this.refill(now);
        return this.tokens >= this.burst;
    }
    refill(now) {
        if (this.updatedAt !== undefined)
            this.tokens = Math.min(this.burst, this.tokens + ((now - this.updatedAt) / 1_000) * this.ratePerSecond);
        this.updatedAt = now;
    }
}
export class RateLimiter {
    budgets;
    clock;
    observer;
    meters = new Map();
    tails = new Map();
    pausedUntil = new Map();
    constructor(budgets, clock = systemClock, observer = {}) {
        this.budgets = budgets;
        this.clock = clock;
        this.observer = observer;
        const { bulk, ...channel } = budgets;
        for (const budget of [...Object.values(channel), ...Object.values(bulk ?? {})].flat()) {
            const positive = budget.kind === 'window' ? budget.capacity > 0 && budget.windowMs > 0 : budget.ratePerSecond > 0 && budget.burst >= 1;
            if (!positive)
                throw new RangeError('rate budgets must be positive');
        }
    }
    /** Resolves when one request may leave; queues behind earlier requests of the same conversation (or channel). */
    acquire(scope = {}) {
        return this.enqueue(`channel:${scope.conversation ?? '*'}`, () => this.take('interactive', '', this.budgets, scope));
    }
    /** Resolves when one more announcement may go (the `bulk` share); it then takes its turn with `acquire`. */
    acquireShare(scope = {}) {
        return this.enqueue('bulk', () => this.take('bulk', 'bulk:', this.budgets.bulk ?? {}, scope));
    }
    enqueue(queue, take) {
        const previous = this.tails.get(queue) ?? Promise.resolve();
        const turn = previous.then(take);
        const tail = turn.catch(() => undefined);
        this.tails.set(queue, tail);
        void tail.then(() => {
            if (this.tails.get(queue) === tail)
                this.tails.delete(queue);
        });
        return turn;
    }
    /** Takes a turn now if one is free, else false (best-effort requests: typing, read receipts). */
    tryAcquire(scope = {}) {
        const now = this.clock.now();
        if (this.pausedFor() > 0)
            return false;
        const meters = this.metersOf('', this.budgets, scope, now);
        if (meters.some((meter) => meter.waitFor(now) > 0))
            return false;
        for (const meter of meters)
            meter.take(now);
        return true;
    }
    /** No request (of `lane`, or of any lane) before `ms` from now: the service asked to slow down. */
    pause(ms, lane) {
        const key = lane ?? 'all';
        this.observer.paused?.(ms, lane);
        this.pausedUntil.set(key, Math.max(this.pausedUntil.get(key) ?? 0, this.clock.now() + Math.max(0, ms)));
    }
    /** The service refused a request for its rate (429) and the caller retries by itself: counted, nothing held. */
    throttled() {
        this.observer.paused?.(0, undefined);
    }
    /** Milliseconds requests of `lane` are still held for (0: not paused). */
    pausedFor(lane = 'interactive') {
        const until = Math.max(this.pausedUntil.get('all') ?? 0, this.pausedUntil.get(lane) ?? 0);
        return Math.max(0, until - this.clock.now());
    }
    async take(lane, prefix, budgets, scope) {
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
                for (const meter of meters)
                    meter.take(now);
                this.observer.waited?.(lane, now - started);
                return;
            }
            await this.clock.sleep(wait);
        }
    }
    metersOf(prefix, budgets, scope, now) {
        const { account, conversation, tenant } = budgets;
        return [
            ...(account ? this.metersFor(`${prefix}account`, account, now) : []),
            ...(conversation && scope.conversation ? this.metersFor(`${prefix}conversation:${scope.conversation}`, conversation, now) : []),
            // The share of a tenant-limited channel counts sends without a tenant together; the channel budget leaves them out.
            ...(tenant && (scope.tenant || prefix) ? this.metersFor(`${prefix}tenant:${scope.tenant ?? ''}`, tenant, now) : []),
        ];
    }
    metersFor(key, budgets, now) {
        let meters = this.meters.get(key);
        if (!meters) {
            if (this.meters.size >= 10_000)
                this.prune(now);
            meters = budgets.map((budget) => (budget.kind === 'window' ? new SlidingWindow(budget.capacity, budget.windowMs) : new TokenBucket(budget.ratePerSecond, budget.burst)));
            this.meters.set(key, meters);
        }
        return meters;
    }
    /** Forgets the meters of idle conversations and tenants, so memory stays bounded. */
    prune(now) {
        for (const [key, meters] of this.meters)
            if (!key.endsWith('account') && meters.every((meter) => meter.isIdle(now)))
                this.meters.delete(key);
    }
}
