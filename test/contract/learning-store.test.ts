import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { PasserelleError } from '../../bots/errors.ts';
import { PostgresLearningStore } from '../../state/postgres-learning-store.ts';
import { SqliteLearningStore } from '../../state/sqlite-learning-store.ts';
import { learningStoreContract } from './learning-store.contract.ts';

const directory = mkdtempSync(join(tmpdir(), 'passerelle-learning-'));
const databaseUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const schema = `passerelle_test_learning_${randomBytes(4).toString('hex')}`;

describe('learning stores (real SQLite file and real PostgreSQL)', () => {
  after(async () => {
    rmSync(directory, { recursive: true, force: true });
    const admin = new pg.Client({ connectionString: databaseUrl });
    await admin.connect();
    try {
      await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    } finally {
      await admin.end();
    }
  });

  learningStoreContract('SQLite (file)', async () => new SqliteLearningStore(join(directory, 'nested', 'learning.sqlite')));
  learningStoreContract(`PostgreSQL (schema ${schema})`, () => PostgresLearningStore.open({ connectionString: databaseUrl, schema }));

  it('PostgreSQL unreachable: STORE_UNAVAILABLE, not a crash', async () => {
    const store = new PostgresLearningStore({ connectionString: 'postgres://postgres@127.0.0.1:1/test', schema, connectionTimeoutMillis: 500 });
    try {
      await assert.rejects(store.summary('x', new Date().toISOString()), (error: unknown) => error instanceof PasserelleError && error.code === 'STORE_UNAVAILABLE');
    } finally {
      await store.close();
    }
  });
});
