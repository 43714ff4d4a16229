import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { LeaseKeeper } from '../../../app/matrix-lease.ts';
import { silentLogger } from '../../../bots/logger.ts';
import type { Lease, LeaseStore } from '../../../state/lease-store.ts';

/** A lease store in memory whose answers the test controls. */
class ScriptedStore implements LeaseStore {
  holder: string | undefined;
  fence = 0;
  failing = false;
  async acquire(_name: string, holder: string, ttlMs: number): Promise<Lease | undefined> {
    if (this.failing) throw new Error('database unreachable');
    if (this.holder !== undefined && this.holder !== holder) return undefined;
    if (this.holder !== holder) this.fence++;
    this.holder = holder;
    return { fence: this.fence, expiresAt: Date.now() + ttlMs };
  }
  async release(_name: string, holder: string): Promise<void> {
    if (this.holder === holder) this.holder = undefined;
  }
  async close(): Promise<void> {}
}

describe('LeaseKeeper: takes, renews and gives up the Tchap lease', () => {
  const timings = { ttlMs: 300, renewEveryMs: 60 };

  it('a follower takes the lease once the holder stops, and starts the connection once', async () => {
    const store = new ScriptedStore();
    const events: string[] = [];
    const a = new LeaseKeeper(store, { name: 'matrix', holder: 'a', ...timings }, { acquired: async (fence) => void events.push(`a:${fence}`), lost: () => events.push('a:lost') }, silentLogger);
    const b = new LeaseKeeper(store, { name: 'matrix', holder: 'b', ...timings }, { acquired: async (fence) => void events.push(`b:${fence}`), lost: () => events.push('b:lost') }, silentLogger);
    a.start();
    await sleep(20);
    b.start();
    await sleep(200);
    assert.deepEqual(events, ['a:1']);
    await a.stop();
    await sleep(200);
    assert.deepEqual(events, ['a:1', 'b:2']);
    assert.equal(b.held, 2);
    await b.stop();
  });

  it('a holder that cannot renew gives the lease up before it lapses', async () => {
    const store = new ScriptedStore();
    const lost: string[] = [];
    const keeper = new LeaseKeeper(store, { name: 'matrix', holder: 'a', ...timings }, { acquired: async () => undefined, lost: (reason) => lost.push(reason) }, silentLogger);
    keeper.start();
    await sleep(30);
    store.failing = true;
    const failedAt = Date.now();
    while (lost.length === 0 && Date.now() - failedAt < 2_000) await sleep(10);
    assert.deepEqual(lost, ['the lease could not be renewed in time']);
    assert.equal(keeper.held, undefined);
  });

  it('a holder that finds another holder stops', async () => {
    const store = new ScriptedStore();
    const lost: string[] = [];
    const keeper = new LeaseKeeper(store, { name: 'matrix', holder: 'a', ...timings }, { acquired: async () => undefined, lost: (reason) => lost.push(reason) }, silentLogger);
    keeper.start();
    await sleep(30);
    store.holder = 'b'; // as if a pause let the lease lapse and b took it
    await sleep(150);
    assert.deepEqual(lost, ['another replica holds the lease']);
  });

  it('refuses timings where a renewal cannot happen before expiry', () => {
    assert.throws(() => new LeaseKeeper(new ScriptedStore(), { name: 'matrix', ttlMs: 1_000, renewEveryMs: 600 }, { acquired: async () => undefined, lost: () => undefined }, silentLogger), RangeError);
  });
});
