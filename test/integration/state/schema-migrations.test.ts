import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import pg from 'pg';
import { PasserelleError } from '../../../bots/errors.ts';
import { PostgresAnnouncementStore } from '../../../state/announcement-store-postgres.ts';
import { SqliteAnnouncementStore } from '../../../state/announcement-store-sqlite.ts';
import { PostgresCurationStore } from '../../../state/curation-store-postgres.ts';
import { SqliteCurationStore } from '../../../state/curation-store-sqlite.ts';
import { PostgresEnrichmentStore } from '../../../state/enrichment-store-postgres.ts';
import { SqliteEnrichmentStore } from '../../../state/enrichment-store-sqlite.ts';
import { PostgresLearningStore } from '../../../state/postgres-learning-store.ts';
import { PostgresStateStore } from '../../../state/postgres-state-store.ts';
import { latestVersion, MIGRATIONS, type StoreName } from '../../../state/schema-migrations.ts';
import { SqliteLearningStore } from '../../../state/sqlite-learning-store.ts';
import { SqliteStateStore } from '../../../state/sqlite-state-store.ts';

/**
 * Upgrades from the previous release: a database holding release 0.1's schema (captured in
 * test/fixtures/schema/, with data in it) is opened by this release's stores, which migrate it. The result
 * must be the schema a fresh install gets, the data must still be there, concurrent starts must apply each
 * migration once, and a database written by a newer release must be refused.
 */

const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const FIXTURES = new URL('../../fixtures/schema/', import.meta.url);
const STORES: StoreName[] = ['state', 'announcements', 'curation', 'learning', 'enrichment'];
const REFERENCE = { key: 'teams:conv-v1', channel: 'teams' as const, reference: { id: 'conv-v1' }, isDirect: true, active: true, updatedAt: '2026-01-01T00:00:00.000Z' };

describe('schema migrations from release 0.1 (PostgreSQL)', function () {
  this.timeout(60_000);
  let admin: pg.Pool;
  const schemas: string[] = [];
  const newSchema = () => {
    const name = `mig_${randomBytes(5).toString('hex')}`;
    schemas.push(name);
    return name;
  };
  const loadV1 = async (schema: string) => {
    const sql = readFileSync(new URL('v1-postgres.sql', FIXTURES), 'utf8').replaceAll('__SCHEMA__', `"${schema}"`);
    await admin.query(sql);
    await admin.query(`INSERT INTO "${schema}".conversation_references (key, channel, reference, is_direct, active, updated_at) VALUES ($1, 'teams', $2, true, true, now())`, [REFERENCE.key, JSON.stringify(REFERENCE.reference)]);
    await admin.query(`INSERT INTO "${schema}".seen (key, expires_at) VALUES ('teams:event-v1', now() + interval '1 day')`);
  };
  const openAll = async (schema: string) => {
    const options = { connectionString: DATABASE_URL, schema };
    const stores = await Promise.all([
      PostgresStateStore.open(options),
      PostgresAnnouncementStore.open(options),
      PostgresCurationStore.open(options),
      PostgresLearningStore.open(options),
    ]);
    const enrichment = new PostgresEnrichmentStore(options);
    await enrichment.list('legal');
    return { state: stores[0], close: async () => Promise.all([...stores, enrichment].map((store) => store.close())) };
  };
  /** Columns and indexes of a schema, comparable between schemas. */
  const shape = async (schema: string) => {
    const columns = await admin.query(
      `SELECT table_name, column_name, data_type, is_nullable, coalesce(column_default, '') AS column_default, collation_name
       FROM information_schema.columns WHERE table_schema = $1 ORDER BY table_name, column_name`,
      [schema],
    );
    const indexes = await admin.query('SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = $1 ORDER BY indexname', [schema]);
    const anonymous = (text: unknown) => String(text).replaceAll(`"${schema}"`, 'S').replaceAll(schema, 'S');
    return {
      columns: columns.rows.map((row) => ({ ...row, column_default: anonymous(row.column_default) })),
      indexes: indexes.rows.map((row) => ({ ...row, indexdef: anonymous(row.indexdef) })),
    };
  };

  before(async () => {
    admin = new pg.Pool({ connectionString: DATABASE_URL, max: 2 });
    await admin.query('SELECT 1');
  });
  after(async () => {
    for (const schema of schemas) await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await admin.end();
  });

  it('migrates a 0.1 database to the schema of a fresh install, keeping its data', async () => {
    const upgraded = newSchema();
    const fresh = newSchema();
    await loadV1(upgraded);
    const before = await shape(upgraded);
    assert.ok(!before.columns.some((column) => column.table_name === 'leases'), 'the fixture is the previous schema');
    const stores = await openAll(upgraded);
    assert.deepEqual(await stores.state.getReference(REFERENCE.key).then((reference) => reference?.reference), REFERENCE.reference, 'references kept');
    assert.equal(await stores.state.markSeen('teams:event-v1', 60_000), false, 'dedupe keys kept: an event seen before the upgrade is not answered again');
    await stores.close();
    await (await openAll(fresh)).close();
    assert.deepEqual(await shape(upgraded), await shape(fresh));
    const applied = await admin.query(`SELECT store, version FROM "${upgraded}".schema_migrations ORDER BY store, version`);
    const expected = STORES.flatMap((store) => [1, ...MIGRATIONS[store].map((migration) => migration.version)].map((version) => ({ store, version }))).sort((a, b) => a.store.localeCompare(b.store) || a.version - b.version);
    assert.deepEqual(applied.rows, expected);
  });

  it('replicas starting together on a 0.1 database apply each migration once', async () => {
    const schema = newSchema();
    await loadV1(schema);
    const replicas = await Promise.all(Array.from({ length: 4 }, () => openAll(schema)));
    await Promise.all(replicas.map((replica) => replica.close()));
    const counts = await admin.query(`SELECT store, version, count(*)::int AS n FROM "${schema}".schema_migrations GROUP BY store, version`);
    assert.ok(counts.rows.length >= STORES.length);
    assert.ok(counts.rows.every((row) => row.n === 1), JSON.stringify(counts.rows));
  });

  it('opening again changes nothing (migrations are recorded)', async () => {
    const schema = newSchema();
    await (await openAll(schema)).close();
    const first = await admin.query(`SELECT store, version, applied_at FROM "${schema}".schema_migrations ORDER BY store, version`);
    await (await openAll(schema)).close();
    const second = await admin.query(`SELECT store, version, applied_at FROM "${schema}".schema_migrations ORDER BY store, version`);
    assert.deepEqual(second.rows, first.rows);
  });

  it('refuses a database written by a newer release, with a French message naming the versions', async () => {
    const schema = newSchema();
    await (await openAll(schema)).close();
    await admin.query(`INSERT INTO "${schema}".schema_migrations (store, version, name) VALUES ('state', 99, 'from the future')`);
    await assert.rejects(PostgresStateStore.open({ connectionString: DATABASE_URL, schema }), (error: unknown) => {
      assert.ok(error instanceof PasserelleError);
      assert.equal(error.code, 'STATE_SCHEMA_TOO_NEW');
      assert.equal(error.userMessage, `Les données de Passerelle (state) ont été écrites par une version plus récente (schéma 99, cette version connaît le schéma ${latestVersion('state')}) : installez la version la plus récente, ou restaurez la sauvegarde prise avant la mise à jour.`);
      return true;
    });
  });
});

describe('schema migrations from release 0.1 (SQLite)', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'passerelle-migrations-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  /** The fixture's sections, one per file of the data folder. */
  const sections = (): Record<string, string> => {
    const text = readFileSync(new URL('v1-sqlite.sql', FIXTURES), 'utf8');
    const out: Record<string, string> = {};
    for (const part of text.split(/^-- file: /m).slice(1)) {
      const [file, ...sql] = part.split('\n');
      out[String(file).trim()] = sql.join('\n');
    }
    return out;
  };
  const openAll = async (folder: string) => {
    const stores = [
      new SqliteStateStore(join(folder, 'state.sqlite')),
      new SqliteAnnouncementStore(join(folder, 'state.sqlite')),
      new SqliteCurationStore(join(folder, 'curation.sqlite')),
      new SqliteLearningStore(join(folder, 'learning.sqlite')),
      new SqliteEnrichmentStore(join(folder, 'enrichment.sqlite')),
    ];
    return { state: stores[0] as SqliteStateStore, close: async () => Promise.all(stores.map((store) => store.close())) };
  };
  const shape = (file: string) => {
    const db = new DatabaseSync(file);
    const rows = db.prepare("SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name").all() as Array<{ sql: string | null }>;
    db.close();
    return rows.map((row) => ({ ...row, sql: (row.sql ?? '').replace(/\s+/g, ' ') }));
  };

  it('migrates 0.1 files to the schema of a fresh install, keeping their data', async () => {
    const upgraded = join(dir, 'upgraded');
    const fresh = join(dir, 'fresh');
    const v1 = sections();
    assert.deepEqual(Object.keys(v1).sort(), ['curation.sqlite', 'enrichment.sqlite', 'learning.sqlite', 'state.sqlite']);
    (await import('node:fs')).mkdirSync(upgraded);
    for (const [file, sql] of Object.entries(v1)) {
      const db = new DatabaseSync(join(upgraded, file));
      db.exec(sql);
      if (file === 'state.sqlite') {
        db.prepare("INSERT INTO conversation_references (key, channel, reference, is_direct, active, updated_at) VALUES (?, 'teams', ?, 1, 1, 0)").run(REFERENCE.key, JSON.stringify(REFERENCE.reference));
        db.prepare('INSERT INTO seen (key, expires_at) VALUES (?, ?)').run('teams:event-v1', Date.now() + 86_400_000);
      }
      db.close();
    }
    assert.ok(!shape(join(upgraded, 'state.sqlite')).some((row) => (row as { name?: string }).name === 'leases'), 'the fixture is the previous schema');
    const stores = await openAll(upgraded);
    assert.deepEqual((await stores.state.getReference(REFERENCE.key))?.reference, REFERENCE.reference);
    assert.equal(await stores.state.markSeen('teams:event-v1', 60_000), false);
    await stores.close();
    await (await openAll(fresh)).close();
    for (const file of Object.keys(v1)) assert.deepEqual(shape(join(upgraded, file)), shape(join(fresh, file)), file);
    const db = new DatabaseSync(join(upgraded, 'state.sqlite'));
    const applied = db.prepare('SELECT store, version FROM schema_migrations ORDER BY store, version').all();
    db.close();
    assert.deepEqual(applied.map((row) => ({ ...row })), [
      { store: 'announcements', version: 1 }, { store: 'announcements', version: 2 }, { store: 'announcements', version: 3 },
      { store: 'state', version: 1 }, { store: 'state', version: 2 }, { store: 'state', version: 3 }, { store: 'state', version: 4 }, { store: 'state', version: 5 },
    ]);
  });

  it('a database made by a release that created a migration’s column up front only records the migration', async () => {
    // As the releases between 0.1 and the announcement migrations left it: the columns there, version 1 recorded.
    await (await openAll(dir)).close();
    const db = new DatabaseSync(join(dir, 'state.sqlite'));
    db.exec("DELETE FROM schema_migrations WHERE store = 'announcements' AND version > 1");
    db.close();
    const before = shape(join(dir, 'state.sqlite'));
    const reopened = await openAll(dir);
    await reopened.close();
    assert.deepEqual(shape(join(dir, 'state.sqlite')), before, 'nothing altered twice');
    const again = new DatabaseSync(join(dir, 'state.sqlite'));
    const versions = again.prepare("SELECT version FROM schema_migrations WHERE store = 'announcements' ORDER BY version").all().map((row) => Number((row as { version: number }).version));
    again.close();
    assert.deepEqual(versions, [1, 2, 3]);
  });

  it('a table added to the version-1 script before release reaches a database created earlier', async () => {
    await (await openAll(dir)).close();
    const db = new DatabaseSync(join(dir, 'state.sqlite'));
    db.exec('DROP TABLE cache'); // as if the database predated the table
    db.close();
    const reopened = await openAll(dir);
    await reopened.state.cacheSet('k', 'v', 60_000);
    assert.equal(await reopened.state.cacheGet('k'), 'v');
    await reopened.close();
  });

  it('refuses files written by a newer release', async () => {
    await (await openAll(dir)).close();
    const db = new DatabaseSync(join(dir, 'learning.sqlite'));
    db.prepare("INSERT INTO schema_migrations (store, version, name, applied_at) VALUES ('learning', 7, 'future', '2030-01-01')").run();
    db.close();
    assert.throws(() => new SqliteLearningStore(join(dir, 'learning.sqlite')), (error: unknown) => error instanceof PasserelleError && error.code === 'STATE_SCHEMA_TOO_NEW' && /schéma 7/.test(error.userMessage));
  });
});
