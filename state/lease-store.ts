/**
 * Leases with fencing tokens, in the shared state database: what lets several `serve` replicas agree on
 * which one holds a connection that only one process may hold (the Tchap device and its /sync loop).
 *
 * A lease is held by one holder until it expires; the holder renews it well before (app/matrix-lease.ts).
 * Each change of holder increments the lease's fence: a holder that was paused past its expiry and comes
 * back finds a larger fence (or another holder) and must stop. Renewal by the current holder keeps the fence.
 * Tables: `leases` (state store, migration 2).
 */

export interface Lease {
  /** Incremented at each change of holder (monotonic per lease name). */
  fence: number;
  /** When the lease lapses unless renewed, ms since the epoch. */
  expiresAt: number;
}

export interface LeaseStore {
  /**
   * Takes `name` for `holder` for `ttlMs` if it is free, expired or already theirs (then renews it).
   * Resolves with the lease, or undefined when another holder has it. Atomic across processes.
   */
  acquire(name: string, holder: string, ttlMs: number): Promise<Lease | undefined>;
  /** Lets the lease lapse now if `holder` holds it (a clean stop hands over at once). */
  release(name: string, holder: string): Promise<void>;
  close(): Promise<void>;
}
