import assert from 'node:assert/strict';
import { RateLimiter } from '../../../bots/outbound/rate-limiter.ts';
import { SimulatedClock } from '../../fakes/simulated-clock.ts';

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

describe('rate limiter: answers before announcements on a shared budget (issue 20.5)', () => {
  /** Announcement sends one after another (their share, then their turn), with the times they left. */
  function fanout(limiter: RateLimiter, clock: SimulatedClock, count: number): number[] {
    const at: number[] = [];
    void (async () => {
      for (let n = 0; n < count; n++) {
        await limiter.acquireShare();
        await limiter.acquire({ lane: 'bulk' });
        at.push(clock.now());
      }
    })();
    return at;
  }

  /** Tchap's production pacing: 1 request/s with bursts of 3, announcements' share 1/s. */
  const tchap = () => ({ ...bucket(1, 3), bulk: { account: [{ kind: 'window' as const, capacity: 1, windowMs: 1_000 }] } });

  it('gives an answer arriving during a fan-out its turns at once, the fan-out keeping the rest of the budget', async () => {
    const clock = new SimulatedClock();
    const limiter = new RateLimiter(tchap(), clock);
    const sent = fanout(limiter, clock, 1_000);
    // Two streamed answers (typing, placeholder, then three edits a second apart), ten seconds apart.
    const waited: number[] = [];
    for (const askedAt of [20_500, 30_500]) {
      void (async () => {
        await clock.sleep(askedAt);
        let ideal = askedAt;
        for (const gap of [0, 0, 1_000, 1_000, 1_000]) {
          if (gap > 0) await clock.sleep(gap);
          ideal += gap;
          await limiter.acquire();
        }
        waited.push(clock.now() - ideal);
      })();
    }
    await clock.run(40_000);
    assert.deepEqual(waited, [0, 0], 'every request of both answers leaves when asked');
    assert.ok(sent.filter((at) => at < 20_000).length >= 19, 'the fan-out ran at its rate before the answer');
    const meanwhile = sent.filter((at) => at >= 20_000 && at < 40_000).length;
    assert.ok(meanwhile >= 8, `and goes on meanwhile with what the answers leave (${meanwhile} of the 20 turns, 10 taken by the answers)`);
  });

  it('takes the next free slot ahead of announcement sends already waiting for it', async () => {
    const clock = new SimulatedClock();
    const limiter = new RateLimiter({ ...bucket(1, 1), bulkPriority: { headroom: 0, maxWaitMs: 5_000 } }, clock);
    const order: string[] = [];
    void limiter.acquire({ lane: 'bulk' }).then(() => order.push(`bulk@${clock.now()}`));
    void limiter.acquire({ lane: 'bulk' }).then(() => order.push(`bulk@${clock.now()}`));
    void (async () => {
      await clock.sleep(500);
      await limiter.acquire();
      order.push(`answer@${clock.now()}`);
    })();
    await clock.run(10_000);
    assert.deepEqual(order, ['bulk@0', 'answer@1000', 'bulk@2000'], 'the answer asked at 500 ms leaves at the next token, before the announcement waiting since 0');
  });

  it('never starves announcements: under constant answers, one waiting 5 s takes the next turn', async () => {
    const clock = new SimulatedClock();
    const limiter = new RateLimiter({ ...bucket(1, 3), bulkPriority: { headroom: 2, maxWaitMs: 5_000 } }, clock);
    let stop = false;
    let answers = 0;
    // Ten conversations asking without pause: the account budget is always wanted by interactive requests.
    for (let conversation = 0; conversation < 10; conversation++) {
      void (async () => {
        while (!stop) {
          await limiter.acquire({ conversation: `c${conversation}` });
          answers++;
        }
      })();
    }
    const sent = fanout(limiter, clock, 1_000);
    await clock.run(100_000);
    stop = true;
    assert.ok(sent.length >= 14 && sent.length <= 20, `announcements got ${sent.length} of ~100 turns (one per ~6 s)`);
    assert.ok(answers >= 70, `answers got ${answers} turns`);
  });

  it('leaves a fan-out alone at full rate when nobody else asks', async () => {
    const clock = new SimulatedClock();
    const limiter = new RateLimiter(tchap(), clock);
    const sent = fanout(limiter, clock, 30);
    await clock.run(60_000);
    assert.equal(sent.length, 30);
    assert.ok((sent.at(-1) as number) <= 30_000, `30 sends by ${sent.at(-1)} ms`);
  });

  it('gives way on a tenant only to answers of the same tenant (Teams)', async () => {
    const clock = new SimulatedClock();
    const window = (capacity: number) => [{ kind: 'window' as const, capacity, windowMs: 1_000 }];
    const limiter = new RateLimiter({ tenant: window(3), bulkPriority: { headroom: 2, maxWaitMs: 5_000 } }, clock);
    const at: number[] = [];
    for (let n = 0; n < 3; n++) void limiter.acquire({ tenant: 'A', conversation: 'dm', lane: 'bulk' }).then(() => at.push(clock.now()));
    await clock.run(10_000);
    // Alone on tenant A with 3 per second and a headroom of 2: one send per second, then the reserve keeps 2 free.
    assert.deepEqual(at, [0, 1_000, 2_000]);
    const other: number[] = [];
    const asked = clock.now();
    for (let n = 0; n < 3; n++) void limiter.acquire({ tenant: 'B', conversation: 'x' }).then(() => other.push(clock.now()));
    await clock.run(20_000);
    assert.deepEqual(other, [asked, asked, asked], 'interactive requests of another tenant use its whole budget');
  });
});
