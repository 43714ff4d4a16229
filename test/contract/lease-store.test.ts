import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import type { LeaseStore } from '../../state/lease-store.ts';
import { PostgresLeaseStore } from '../../state/lease-store-postgres.ts';
import { SqliteLeaseStore } from '../../state/lease-store-sqlite.ts';

/** The lease contract, for every store: one holder at a time, fencing tokens that grow at each change of holder. */
function leaseStoreContract(name: string, open: () => Promise<LeaseStore>): void {
  describe(`LeaseStore contract: ${name}`, function () {
    this.timeout(30_000);
    let stores: LeaseStore[];
    const lease = () => `matrix-${randomBytes(4).toString('hex')}`;
    beforeEach(async () => {
      stores = [await open(), await open()];
    });
    afterEach(async () => Promise.all(stores.map((store) => store.close())));

    it('one holder at a time; renewal keeps the fence', async () => {
      const [a, b] = stores as [LeaseStore, LeaseStore];
      const name = lease();
      const first = await a.acquire(name, 'replica-a', 10_000);
      assert.ok(first);
      assert.equal(await b.acquire(name, 'replica-b', 10_000), undefined, 'held by a');
      const renewed = await a.acquire(name, 'replica-a', 10_000);
      assert.equal(renewed?.fence, first.fence);
      assert.ok((renewed?.expiresAt ?? 0) >= first.expiresAt);
    });

    it('an expired lease is taken over with a larger fence; the old holder cannot renew it', async () => {
      const [a, b] = stores as [LeaseStore, LeaseStore];
      const name = lease();
      const first = await a.acquire(name, 'replica-a', 150);
      await sleep(300);
      const taken = await b.acquire(name, 'replica-b', 10_000);
      assert.ok(taken && first);
      assert.ok(taken.fence > first.fence, 'fencing token grows');
      assert.equal(await a.acquire(name, 'replica-a', 10_000), undefined, 'the paused holder finds it taken');
    });

    it('release hands over at once', async () => {
      const [a, b] = stores as [LeaseStore, LeaseStore];
      const name = lease();
      const first = await a.acquire(name, 'replica-a', 60_000);
      await b.release(name, 'replica-b'); // not b's: changes nothing
      assert.equal(await b.acquire(name, 'replica-b', 60_000), undefined);
      await a.release(name, 'replica-a');
      const taken = await b.acquire(name, 'replica-b', 60_000);
      assert.ok(taken && first && taken.fence > first.fence);
    });

    it('replicas racing for a free lease: exactly one wins', async () => {
      const name = lease();
      const results = await Promise.all(Array.from({ length: 8 }, (_, i) => stores[i % 2]!.acquire(name, `replica-${i}`, 10_000)));
      assert.equal(results.filter(Boolean).length, 1);
    });
  });
}

const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const schema = `lease_${randomBytes(5).toString('hex')}`;
after(async () => {
  const admin = new pg.Client({ connectionString: DATABASE_URL });
  await admin.connect();
  await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await admin.end();
});
leaseStoreContract('PostgreSQL', async () => new PostgresLeaseStore({ connectionString: DATABASE_URL, schema }));

const directory = mkdtempSync(join(tmpdir(), 'passerelle-lease-'));
after(() => rmSync(directory, { recursive: true, force: true }));
leaseStoreContract('SQLite', async () => new SqliteLeaseStore(join(directory, 'state.sqlite')));
