import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { PasserelleError } from '../../bots/errors.ts';
import { PostgresStateStore } from '../../state/postgres-state-store.ts';
import { SqliteStateStore } from '../../state/sqlite-state-store.ts';
import { stateStoreContract } from './state-store.contract.ts';

const directory = mkdtempSync(join(tmpdir(), 'passerelle-state-'));
after(() => rmSync(directory, { recursive: true, force: true }));
// A folder that does not exist yet: the store must create it.
const file = join(directory, 'nested', 'data', 'state.sqlite');

stateStoreContract('SQLite (file)', async () => new SqliteStateStore(file), async () => {
  for (const suffix of ['', '-wal', '-shm']) rmSync(`${file}${suffix}`, { force: true });
});
stateStoreContract('SQLite (in memory)', async () => new SqliteStateStore(':memory:'), undefined, { persistent: false });

describe('SQLite state store specifics', () => {
  it('two stores on one file (two processes) share the state: markSeen is true for only one', async () => {
    const shared = join(directory, 'shared.sqlite');
    const [a, b] = [new SqliteStateStore(shared), new SqliteStateStore(shared)];
    try {
      assert.equal(await a.markSeen('k', 60_000), true);
      assert.equal(await b.markSeen('k', 60_000), false);
      assert.equal(await b.markNotified('u'), true);
      assert.equal(await a.markNotified('u'), false);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  it('a file written before feedback reasons existed gets the column, and keeps its rows', async () => {
    const old = join(directory, 'old.sqlite');
    const { DatabaseSync } = await import('node:sqlite');
    const db = new DatabaseSync(old);
    db.exec(`CREATE TABLE feedback (id INTEGER PRIMARY KEY AUTOINCREMENT, channel TEXT NOT NULL, message_id TEXT NOT NULL, user_hash TEXT NOT NULL,
      rating INTEGER NOT NULL, comment TEXT, question TEXT, answer TEXT, cited_ids TEXT NOT NULL, kb TEXT, at INTEGER NOT NULL);
      INSERT INTO feedback (channel, message_id, user_hash, rating, cited_ids, at) VALUES ('teams', 'm0', 'u', 1, '[]', 0);`);
    db.close();
    const store = new SqliteStateStore(old);
    try {
      await store.recordFeedback({ channel: 'teams', messageId: 'm1', userHash: 'u', rating: -1, reason: 'Inexact', citedIds: [], at: new Date(1_000).toISOString() });
      assert.deepEqual((await store.listFeedback(10)).map((record) => [record.messageId, record.reason]), [['m1', 'Inexact'], ['m0', undefined]]);
    } finally {
      await store.close();
    }
  });

  it('a file that cannot be opened: STORE_UNAVAILABLE', () => {
    writeFileSync(join(directory, 'not-a-folder'), '');
    assert.throws(
      () => new SqliteStateStore(join(directory, 'not-a-folder', 'state.sqlite')),
      (error: unknown) => error instanceof PasserelleError && error.code === 'STORE_UNAVAILABLE' && error.cause !== undefined,
    );
  });
});

// PostgreSQL is not optional here: CI starts it, and a developer without it must see why the suite fails.
const databaseUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const run = randomBytes(4).toString('hex');
const schema = `passerelle_test_${run}`;
const redacted = databaseUrl.replace(/\/\/([^:/@]+):[^@]*@/, '//$1:***@');

describe(`PostgreSQL state store (${redacted})`, function () {
  this.timeout(30_000);
  let admin: pg.Pool | undefined;
  const dropSchema = async (name: string) => {
    await admin!.query(`DROP SCHEMA IF EXISTS "${name}" CASCADE`);
  };

  before(async () => {
    const pool = new pg.Pool({ connectionString: databaseUrl, connectionTimeoutMillis: 5_000, max: 2 });
    pool.on('error', () => undefined);
    try {
      await pool.query('SELECT 1');
    } catch (error) {
      await pool.end().catch(() => undefined);
      throw new Error(
        `PostgreSQL is unreachable at ${redacted} (${error instanceof Error ? error.message : String(error)}). ` +
          'These tests need a running PostgreSQL: start one, or set DATABASE_URL to one (CI provides it).',
        { cause: error },
      );
    }
    admin = pool;
  });

  after(async () => {
    if (!admin) return;
    const { rows } = await admin.query<{ nspname: string }>('SELECT nspname FROM pg_namespace WHERE nspname LIKE $1', [`${schema}%`]);
    for (const { nspname } of rows) await dropSchema(nspname);
    await admin.end();
  });

  stateStoreContract(
    `PostgreSQL (schema ${schema})`,
    () => PostgresStateStore.open({ connectionString: databaseUrl, schema }),
    () => dropSchema(schema),
  );

  describe('PostgreSQL specifics', () => {
    it('creates the schema safely when several processes open the store at once', async () => {
      const name = `${schema}_race`;
      for (let round = 0; round < 3; round++) {
        await dropSchema(name);
        const stores = await Promise.all(Array.from({ length: 6 }, () => PostgresStateStore.open({ connectionString: databaseUrl, schema: name, max: 2 })));
        try {
          const results = await Promise.all(stores.map((store) => store.markSeen('race', 60_000)));
          assert.equal(results.filter(Boolean).length, 1, 'the stores share one table');
        } finally {
          await Promise.all(stores.map((store) => store.close()));
        }
      }
    });

    it('uses jsonb for structured fields and timestamptz for times', async () => {
      const store = await PostgresStateStore.open({ connectionString: databaseUrl, schema });
      await store.close();
      const { rows } = await admin!.query<{ table_name: string; column_name: string; data_type: string }>(
        'SELECT table_name, column_name, data_type FROM information_schema.columns WHERE table_schema = $1',
        [schema],
      );
      const type = (table: string, column: string) => rows.find((r) => r.table_name === table && r.column_name === column)?.data_type;
      for (const [table, column] of [['conversation_references', 'reference'], ['turns', 'cited_ids'], ['answers', 'cited_ids'], ['feedback', 'cited_ids'], ['unanswered', 'nearest_ids'], ['audit', 'cited_ids']]) {
        assert.equal(type(table!, column!), 'jsonb', `${table}.${column}`);
      }
      for (const [table, column] of [['seen', 'expires_at'], ['cache', 'expires_at'], ['turns', 'at'], ['feedback', 'at'], ['audit', 'at'], ['conversation_references', 'updated_at']]) {
        assert.equal(type(table!, column!), 'timestamp with time zone', `${table}.${column}`);
      }
    });

    it('a store built with `new` creates the schema on its first operation', async () => {
      const name = `${schema}_lazy`;
      const store = new PostgresStateStore({ connectionString: databaseUrl, schema: name });
      try {
        assert.equal(await store.markNotified('u'), true);
        assert.equal(await store.markNotified('u'), false);
      } finally {
        await store.close();
      }
    });

    it('rejects a schema name that is not a plain identifier', () => {
      assert.throws(
        () => new PostgresStateStore({ connectionString: databaseUrl, schema: 'x"; DROP SCHEMA public; --' }),
        (error: unknown) => error instanceof PasserelleError && error.code === 'CONFIG_INVALID',
      );
    });
  });
});
