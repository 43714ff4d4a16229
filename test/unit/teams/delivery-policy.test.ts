import assert from 'node:assert/strict';
import { ConnectorError, parseRetryAfter } from '../../../adapters/teams/connector-http.ts';
import { TEAMS_LIMITS } from '../../../adapters/teams/limits.ts';
import { RateLimiter, type Clock } from '../../../bots/outbound/rate-limiter.ts';
import { backoff, DEFAULT_RETRY, retryDelay, withRetry, type RetryOptions } from '../../../adapters/teams/retry-policy.ts';

/** A virtual clock: sleeping advances time instantly, in order. */
function virtualClock(): Clock & { sleeps: number[] } {
  let now = 1_000_000;
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => now,
    sleep: async (ms) => {
      sleeps.push(ms);
      now += ms;
      await Promise.resolve();
    },
  };
}

const OPTIONS: RetryOptions = { ...DEFAULT_RETRY, random: () => 0.5 };

describe('teams / delivery policy', () => {
  describe('retry', () => {
    it('honours Retry-After on 429, and backs off exponentially with jitter without it', () => {
      assert.equal(retryDelay(new ConnectorError(429, 'TooManyRequests', 'x', 2_000), 1, OPTIONS), 2_000);
      assert.equal(retryDelay(new ConnectorError(429, undefined, 'x'), 1, OPTIONS), 750);
      assert.equal(retryDelay(new ConnectorError(429, undefined, 'x'), 3, OPTIONS), 3_000);
      assert.equal(backoff(10, OPTIONS), 22_500, 'capped at maxDelayMs (30 s), jittered between 15 and 30 s');
      assert.equal(backoff(1, { ...OPTIONS, random: () => 0 }), 500);
      assert.equal(backoff(1, { ...OPTIONS, random: () => 0.999999 }), 1_000);
    });

    it('retries 412, 502, 503, 504 and connection failures; not 400, 401, 403, 404, 500 nor timeouts', () => {
      for (const status of [412, 502, 503, 504]) assert.ok(retryDelay(new ConnectorError(status, undefined, 'x'), 1, OPTIONS) !== undefined, String(status));
      assert.ok(retryDelay(new ConnectorError(0, 'NetworkError', 'x'), 1, OPTIONS) !== undefined);
      for (const status of [400, 401, 403, 404, 500]) assert.equal(retryDelay(new ConnectorError(status, undefined, 'x'), 1, OPTIONS), undefined, String(status));
      assert.equal(retryDelay(new ConnectorError(0, 'Timeout', 'x'), 1, OPTIONS), undefined);
      assert.equal(retryDelay(new Error('other'), 1, OPTIONS), undefined);
    });

    it('gives up after maxAttempts and rethrows the last error', async () => {
      const clock = virtualClock();
      let attempts = 0;
      await assert.rejects(
        withRetry(async () => {
          attempts++;
          throw new ConnectorError(503, undefined, `attempt ${attempts}`);
        }, { ...OPTIONS, maxAttempts: 4 }, clock),
        /attempt 4/,
      );
      assert.equal(attempts, 4);
      assert.deepEqual(clock.sleeps, [750, 1_500, 3_000]);
    });

    it('parses Retry-After as seconds or as an HTTP date', () => {
      assert.equal(parseRetryAfter('3'), 3_000);
      assert.equal(parseRetryAfter('0.5'), 500);
      assert.equal(parseRetryAfter(new Date(10_000).toUTCString(), 4_000), 6_000);
      assert.equal(parseRetryAfter('bientôt'), undefined);
      assert.equal(parseRetryAfter(null), undefined);
    });
  });

  describe('rate limits (sliding windows)', () => {
    it('lets 7 requests per second through a conversation, then queues the rest in order', async () => {
      const clock = virtualClock();
      const limiter = new RateLimiter(TEAMS_LIMITS, clock);
      const start = clock.now();
      const times: number[] = [];
      await Promise.all(Array.from({ length: 10 }, (_, index) => limiter.acquire({ conversation: 'teams:a', tenant: 't1' }).then(() => (times[index] = clock.now() - start))));
      assert.deepEqual(times.slice(0, 7), [0, 0, 0, 0, 0, 0, 0]);
      assert.deepEqual(times.slice(7), [1_000, 1_000, 1_000], 'the next ones once the first second has passed');
      assert.ok(times.every((time, index) => index === 0 || time >= times[index - 1]!), 'first come, first served');
    });

    it('caps a conversation at 60 requests per 30 seconds', async () => {
      const clock = virtualClock();
      const limiter = new RateLimiter(TEAMS_LIMITS, clock);
      const start = clock.now();
      const times: number[] = [];
      for (let index = 0; index < 61; index++) {
        await limiter.acquire({ conversation: 'teams:a' });
        times.push(clock.now() - start);
      }
      assert.equal(times[59], 8_000, '7 per second: the 60th goes in the ninth second');
      assert.equal(times[60], 30_000, 'the 61st waits until the first leaves the 30 s window');
    });

    it('shares 50 requests per second across the conversations of a tenant, not across tenants', async () => {
      const clock = virtualClock();
      const limiter = new RateLimiter(TEAMS_LIMITS, clock);
      const start = clock.now();
      await Promise.all(Array.from({ length: 55 }, (_, index) => limiter.acquire({ conversation: `teams:conv-${index}`, tenant: 'tenant-a' })));
      assert.equal(clock.now() - start, 1_000, 'the 51st to 55th requests of the tenant waited one second');
      const before = clock.now();
      await limiter.acquire({ conversation: 'teams:other', tenant: 'tenant-b' });
      assert.equal(clock.now(), before, 'another tenant is not slowed down');
    });
  });
});
