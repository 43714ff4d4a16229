import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import type { TurnJournal } from '../../state/turn-journal.ts';
import { PostgresTurnJournal } from '../../state/turn-journal-postgres.ts';
import { SqliteTurnJournal } from '../../state/turn-journal-sqlite.ts';

/**
 * The inbound turn journal contract, for every store: a turn recorded once, claimed by its receiver, handed
 * to exactly one other replica once its claim expired, given up after `maxAttempts`, its payload erased once done.
 */
function turnJournalContract(name: string, open: () => Promise<TurnJournal>): void {
  describe(`TurnJournal contract: ${name}`, function () {
    this.timeout(30_000);
    let journals: TurnJournal[];
    const turn = () => `teams:a:conv|${randomBytes(4).toString('hex')}`;
    const activity = { type: 'message', text: 'Question ?', nested: { n: 1 } };
    beforeEach(async () => {
      journals = [await open(), await open()];
    });
    afterEach(async () => Promise.all(journals.map((journal) => journal.close())));

    it('records a turn once: a redelivery is reported, not recorded again', async () => {
      const [a, b] = journals as [TurnJournal, TurnJournal];
      const id = turn();
      assert.equal(await a.record(id, 'teams', activity, 'replica-a', 10_000), true);
      assert.equal(await b.record(id, 'teams', activity, 'replica-b', 10_000), false);
    });

    it('a claimed turn is not taken; once its claim expired, exactly one replica claims it, with its payload', async () => {
      const [a, b] = journals as [TurnJournal, TurnJournal];
      const id = turn();
      await a.record(id, 'teams', activity, 'replica-a', 200);
      const early = await b.claimExpired(['teams'], 'replica-b', 10_000, 100, 3);
      assert.ok(!early.claimed.some((claimed) => claimed.id === id), 'still claimed by a');
      await sleep(400);
      const [first, second] = await Promise.all([a.claimExpired(['teams'], 'replica-c', 10_000, 100, 3), b.claimExpired(['teams'], 'replica-b', 10_000, 100, 3)]);
      const winners = [...first.claimed, ...second.claimed].filter((claimed) => claimed.id === id);
      assert.equal(winners.length, 1, 'one claimant');
      assert.deepEqual(winners[0], { id, channel: 'teams', payload: activity, attempts: 2 });
      assert.ok(!(await a.claimExpired(['matrix'], 'replica-a', 10_000, 100, 3)).claimed.some((claimed) => claimed.id === id), 'other channels only');
    });

    it('renewal keeps the turn its owner is handling; another owner cannot renew it', async () => {
      const [a, b] = journals as [TurnJournal, TurnJournal];
      const id = turn();
      await a.record(id, 'teams', activity, 'replica-a', 300);
      await b.renew([id], 'replica-b', 60_000); // not b's: changes nothing
      await a.renew([id], 'replica-a', 60_000);
      await sleep(500);
      assert.ok(!(await b.claimExpired(['teams'], 'replica-b', 10_000, 100, 3)).claimed.some((claimed) => claimed.id === id));
    });

    it('a finished turn is never claimed, its payload erased, and purged later', async () => {
      const [a, b] = journals as [TurnJournal, TurnJournal];
      const id = turn();
      await a.record(id, 'teams', activity, 'replica-a', 100);
      await a.finish(id);
      await sleep(300);
      assert.ok(!(await b.claimExpired(['teams'], 'replica-b', 10_000, 100, 3)).claimed.some((claimed) => claimed.id === id));
      assert.ok((await b.purge(0)) >= 1);
      assert.equal(await b.record(id, 'teams', activity, 'replica-b', 100), true, 'purged: the id is free again');
    });

    it('gives a turn up after maxAttempts claims', async () => {
      const [a, b] = journals as [TurnJournal, TurnJournal];
      const id = turn();
      await a.record(id, 'teams', activity, 'replica-a', 50);
      await sleep(150);
      assert.ok((await b.claimExpired(['teams'], 'replica-b', 50, 100, 2)).claimed.some((claimed) => claimed.id === id && claimed.attempts === 2));
      await sleep(150);
      const last = await a.claimExpired(['teams'], 'replica-a', 50, 100, 2);
      assert.ok(!last.claimed.some((claimed) => claimed.id === id));
      assert.ok(last.abandoned.includes(id));
    });
  });
}

const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const schema = `turns_${randomBytes(5).toString('hex')}`;
after(async () => {
  const admin = new pg.Client({ connectionString: DATABASE_URL });
  await admin.connect();
  await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await admin.end();
});
turnJournalContract('PostgreSQL', async () => new PostgresTurnJournal({ connectionString: DATABASE_URL, schema }));

const directory = mkdtempSync(join(tmpdir(), 'passerelle-turns-'));
after(() => rmSync(directory, { recursive: true, force: true }));
turnJournalContract('SQLite', async () => new SqliteTurnJournal(join(directory, 'state.sqlite')));
