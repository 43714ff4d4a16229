import type { Clock } from '../../bots/outbound/rate-limiter.ts';

/**
 * Discrete-event clock for the rate limiter (tests and benches): sleepers wake in time order (equal times in
 * the order they went to sleep) once every runnable task has settled, so that concurrent requests contend
 * as they would in real time, without waiting for it.
 */
export class SimulatedClock implements Clock {
  private time = 0;
  private readonly sleepers: Array<{ at: number; wake: () => void }> = [];

  now(): number {
    return this.time;
  }

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      this.sleepers.push({ at: this.time + Math.max(0, ms), wake: resolve });
      this.sleepers.sort((a, b) => a.at - b.at);
    });
  }

  /** Runs until `until` (simulated ms) or until nothing sleeps any more. */
  async run(until: number): Promise<void> {
    for (;;) {
      for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve));
      const next = this.sleepers.shift();
      if (!next || next.at > until) return;
      this.time = next.at;
      next.wake();
    }
  }
}
