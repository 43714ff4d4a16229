import assert from 'node:assert/strict';
import { RateLimiter } from '../../../bots/outbound/rate-limiter.ts';

/** Tchap's budget as the channel's one limiter holds it: a token bucket for the whole account. */
const bucket = (ratePerSecond: number, burst: number) => ({ account: [{ kind: 'bucket' as const, ratePerSecond, burst }] });

/** A manual clock: `sleep` advances time instantly. */
function clock() {
  let now = 0;
  return { now: () => now, sleep: async (ms: number) => void (now += ms), advance: (ms: number) => void (now += ms) };
}

describe('matrix: rate limiter', () => {
  it('lets a burst through, then one request per 1/rate seconds, in order', async () => {
    const time = clock();
    const limiter = new RateLimiter(bucket(1, 3), time);
    const at: number[] = [];
    await Promise.all([1, 2, 3, 4, 5].map(async () => {
      await limiter.acquire();
      at.push(time.now());
    }));
    assert.deepEqual(at, [0, 0, 0, 1_000, 2_000]);
  });

  it('pauses every request after a rate-limit answer', async () => {
    const time = clock();
    const limiter = new RateLimiter(bucket(10, 5), time);
    limiter.pause(1_500);
    assert.equal(limiter.tryAcquire(), false);
    await limiter.acquire();
    assert.equal(time.now(), 1_500);
  });

  it('refuses best-effort requests when no token is left', () => {
    const time = clock();
    const limiter = new RateLimiter(bucket(1, 1), time);
    assert.equal(limiter.tryAcquire(), true);
    assert.equal(limiter.tryAcquire(), false);
    time.advance(1_000);
    assert.equal(limiter.tryAcquire(), true);
  });

  it('rejects a non-positive rate', () => {
    assert.throws(() => new RateLimiter(bucket(0, 1)));
  });
});
