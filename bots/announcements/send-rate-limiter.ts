/**
 * Pace of announcement sends, per channel, below what the channel allows so that answers to agents (which
 * share the adapters' own limiters) keep room:
 * - Teams: `teamsPerSecond` per tenant, and 7 per second per conversation (Teams' per-conversation limit);
 * - Tchap: `matrixPerSecond` for the whole account.
 * Each limit is "at most N in any window" kept exactly with a log of send times (sliding window), plus a
 * 100 ms sub-limit so that sends are spread over the second instead of leaving in one burst.
 * `pause(channel, ms)` stops a channel's sends for that long (a 429 with Retry-After): every waiting send
 * of the channel waits, not only the one that was refused. Waiters are served in arrival order.
 */

export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

/** Monotonic, sub-millisecond: a wall-clock adjustment never opens or closes a window. */
export const systemClock: Clock = {
  now: () => performance.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

interface Window {
  capacity: number;
  windowMs: number;
  times: number[];
  /** Index of the oldest time still in the window (the array is compacted now and then). */
  head: number;
}

/** What a send is keyed on: its channel, plus Teams tenant and conversation. */
export interface SendKey {
  channel: 'teams' | 'matrix';
  tenant?: string;
  conversation?: string;
}

export interface ChannelRates {
  teamsPerSecond: number;
  matrixPerSecond: number;
  /** Teams' per-conversation limit. Default 7 per second. */
  teamsPerConversationPerSecond?: number;
}

export class SendRateLimiter {
  private readonly windows = new Map<string, Window[]>();
  private readonly pausedUntil = new Map<string, number>();
  private readonly tails = new Map<string, Promise<void>>();

  constructor(
    private readonly rates: ChannelRates,
    private readonly clock: Clock = systemClock,
  ) {
    for (const rate of [rates.teamsPerSecond, rates.matrixPerSecond]) if (!(rate > 0)) throw new RangeError('send rates must be positive');
  }

  /** Resolves when one send may leave; queues behind earlier callers of the same channel. */
  acquire(key: SendKey): Promise<void> {
    const previous = this.tails.get(key.channel) ?? Promise.resolve();
    const turn = previous.then(() => this.take(key));
    const tail = turn.catch(() => undefined);
    this.tails.set(key.channel, tail);
    return turn;
  }

  /** No send of this channel before `ms` from now. */
  pause(channel: SendKey['channel'], ms: number): void {
    const until = this.clock.now() + Math.max(0, ms);
    this.pausedUntil.set(channel, Math.max(this.pausedUntil.get(channel) ?? 0, until));
  }

  /** Milliseconds the channel is still paused for (0: not paused). */
  pausedFor(channel: SendKey['channel']): number {
    return Math.max(0, (this.pausedUntil.get(channel) ?? 0) - this.clock.now());
  }

  private async take(key: SendKey): Promise<void> {
    for (;;) {
      const now = this.clock.now();
      const paused = (this.pausedUntil.get(key.channel) ?? 0) - now;
      if (paused > 0) {
        await this.clock.sleep(paused);
        continue;
      }
      const windows = this.windowsOf(key, now);
      const wait = Math.max(0, ...windows.map((window) => waitFor(window, now)));
      if (wait === 0) {
        for (const window of windows) window.times.push(now);
        return;
      }
      await this.clock.sleep(wait);
    }
  }

  private windowsOf(key: SendKey, now: number): Window[] {
    if (key.channel === 'matrix') return this.windowsFor('matrix', this.rates.matrixPerSecond, now);
    const tenant = this.windowsFor(`teams:tenant:${key.tenant ?? ''}`, this.rates.teamsPerSecond, now);
    if (!key.conversation) return tenant;
    return [...tenant, ...this.windowsFor(`teams:conversation:${key.conversation}`, this.rates.teamsPerConversationPerSecond ?? 7, now)];
  }

  private windowsFor(name: string, perSecond: number, now: number): Window[] {
    let windows = this.windows.get(name);
    if (!windows) {
      if (this.windows.size >= 10_000) this.prune(now);
      windows = limitsFor(perSecond).map(({ capacity, windowMs }) => ({ capacity, windowMs, times: [], head: 0 }));
      this.windows.set(name, windows);
    }
    return windows;
  }

  /** Forgets idle windows (conversations sent to more than a window ago), so memory stays bounded. */
  private prune(now: number): void {
    for (const [name, windows] of this.windows) if (windows.every((window) => waitFor(window, now) === 0 && liveCount(window) === 0)) this.windows.delete(name);
  }
}

/**
 * "perSecond" as windows: one second (or 1/rate for rates below 1), plus 100 ms windows allowing a fifth of
 * it — twice the average, so that a late timer can be caught up within the second — for smoothness.
 */
function limitsFor(perSecond: number): Array<{ capacity: number; windowMs: number }> {
  if (perSecond < 1) return [{ capacity: 1, windowMs: Math.ceil(1_000 / perSecond) }];
  const capacity = Math.floor(perSecond);
  const limits = [{ capacity, windowMs: 1_000 }];
  if (capacity >= 10) limits.push({ capacity: Math.ceil(capacity / 5), windowMs: 100 });
  return limits;
}

/**
 * A send leaves the window once strictly more than `windowMs` has passed: clocks tick in whole
 * milliseconds, so "exactly windowMs" may really be a little less, and a burst at the start of one window
 * plus a burst at the start of the next would then fall in the same real second.
 */
function prune(window: Window, now: number): void {
  while (window.head < window.times.length && (window.times[window.head] as number) < now - window.windowMs) window.head++;
  if (window.head > 1_024 && window.head * 2 > window.times.length) {
    window.times.splice(0, window.head);
    window.head = 0;
  }
}

function liveCount(window: Window): number {
  return window.times.length - window.head;
}

/** Milliseconds until one more send fits in the window (0: now). */
function waitFor(window: Window, now: number): number {
  prune(window, now);
  if (liveCount(window) < window.capacity) return 0;
  return (window.times[window.times.length - window.capacity] as number) + window.windowMs + 1 - now;
}
