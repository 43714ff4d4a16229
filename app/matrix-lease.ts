import { hostname } from 'node:os';
import type { Logger } from '../bots/logger.ts';
import type { LeaseStore } from '../state/lease-store.ts';

/**
 * Keeps a lease (state/lease-store.ts) for this process: tries to take it at once and every `renewEveryMs`,
 * renews it while held, and says when it is acquired and when it is lost. With `ttlMs` 15 s and
 * `renewEveryMs` 5 s, a replica that crashes is replaced within 15 + 5 s (< 30 s).
 *
 * Losing it — another holder found, a fence that moved, or no renewal possible before the lease lapses (the
 * database unreachable, the process paused) — is final for this keeper: the holder must stop using the
 * connection before another replica's lease begins (`lost` is called before the local validity ends, one
 * renewal period early). The composition root then stops the process; the supervisor restarts it as a
 * follower.
 */

export interface LeaseKeeperOptions {
  /** Lease name ("matrix"). */
  name: string;
  /** This process, unique across replicas and restarts. Default `<host>:<pid>:<random>`. */
  holder?: string;
  /** Lease lifetime, ms. Default 15,000. */
  ttlMs?: number;
  /** Attempt / renewal period, ms. Default 5,000. */
  renewEveryMs?: number;
}

export interface LeaseHandlers {
  /** Called once when the lease is taken, with its fencing token. A rejection counts as a loss. */
  acquired(fence: number): Promise<void>;
  /** Called once when a held lease is lost (never after `stop`). */
  lost(reason: string): void;
}

export class LeaseKeeper {
  readonly holder: string;
  private readonly ttlMs: number;
  private readonly renewEveryMs: number;
  private timer: NodeJS.Timeout | undefined;
  private fence: number | undefined;
  /** `performance.now()` until which the lease is surely ours (local clock, from the last renewal's start). */
  private validUntil = 0;
  private ticking = false;
  private finished = false;

  constructor(
    private readonly store: LeaseStore,
    private readonly options: LeaseKeeperOptions,
    private readonly handlers: LeaseHandlers,
    private readonly logger: Logger,
  ) {
    this.holder = options.holder ?? `${hostname()}:${process.pid}:${crypto.randomUUID().slice(0, 8)}`;
    this.ttlMs = options.ttlMs ?? 15_000;
    this.renewEveryMs = options.renewEveryMs ?? 5_000;
    if (this.renewEveryMs * 2 >= this.ttlMs) throw new RangeError('the renewal period must be under half the lease lifetime');
  }

  /** The fencing token while the lease is held. */
  get held(): number | undefined {
    return this.fence;
  }

  /** Starts; resolves after the first attempt (the lease taken and its holder started, or held by another). */
  start(): Promise<void> {
    const first = this.tick();
    this.timer = setInterval(() => void this.tick(), this.renewEveryMs);
    return first;
  }

  /** Stops renewing and lets the lease lapse at once (the next replica takes over without waiting). */
  async stop(): Promise<void> {
    this.finished = true;
    clearInterval(this.timer);
    if (this.fence !== undefined) await this.store.release(this.options.name, this.holder).catch((error: unknown) => this.logger.warn('lease release failed', { lease: this.options.name, error }));
    this.fence = undefined;
  }

  private async tick(): Promise<void> {
    if (this.ticking || this.finished) return;
    this.ticking = true;
    const startedAt = performance.now();
    try {
      const lease = await this.store.acquire(this.options.name, this.holder, this.ttlMs);
      if (this.finished) return;
      if (!lease) {
        if (this.fence !== undefined) this.lose('another replica holds the lease');
        return;
      }
      if (this.fence !== undefined && lease.fence !== this.fence) return this.lose(`fence moved from ${this.fence} to ${lease.fence}`);
      this.validUntil = startedAt + this.ttlMs;
      if (this.fence === undefined) {
        this.fence = lease.fence;
        this.logger.info('lease acquired', { lease: this.options.name, holder: this.holder, fence: lease.fence });
        await this.handlers.acquired(lease.fence).catch((error: unknown) => {
          this.logger.error('lease holder failed to start', { lease: this.options.name, error });
          this.lose('the holder could not start');
        });
      }
    } catch (error) {
      this.logger.warn('lease renewal failed', { lease: this.options.name, error });
      if (this.fence !== undefined && performance.now() + this.renewEveryMs >= this.validUntil) this.lose('the lease could not be renewed in time');
    } finally {
      this.ticking = false;
    }
  }

  private lose(reason: string): void {
    if (this.finished) return;
    this.finished = true;
    clearInterval(this.timer);
    this.fence = undefined;
    this.logger.error('lease lost', { lease: this.options.name, holder: this.holder, reason });
    this.handlers.lost(reason);
  }
}
