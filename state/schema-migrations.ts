import type { DatabaseSync } from 'node:sqlite';
import { PasserelleError } from '../bots/errors.ts';
import { POSTGRES_TURNS_TABLE, SQLITE_TURNS_TABLE } from './turn-journal-schema.ts';

/**
 * Versioned schema migrations of the state stores (state, announcements, curation, learning, enrichment),
 * for SQLite and PostgreSQL. Applied when a store opens, under a lock: a `BEGIN IMMEDIATE` transaction in
 * SQLite (one writer), a transaction-scoped advisory lock in PostgreSQL (`MIGRATION_LOCK_CLASS`, the same
 * for every store of a schema) — replicas starting together apply each migration once, and a failed
 * migration rolls back entirely.
 *
 * Version 1 of every store is the schema of release 0.1 (the store's own `CREATE … IF NOT EXISTS` script,
 * which the store passes in): a database created by 0.1, which has no `schema_migrations` table, is taken
 * as version 1 (the script changes nothing) and migrated from there. Later versions are listed here, in
 * order, never edited once released: a new schema change is a new entry. A database whose version is
 * newer than this release knows (a downgrade) is refused with STATE_SCHEMA_TOO_NEW rather than used.
 */

export type StoreName = 'state' | 'announcements' | 'curation' | 'learning' | 'enrichment';

/** One schema change. `sql(s)` gets the table prefix: `"schema".` for PostgreSQL, `` for SQLite. */
export interface Migration {
  version: number;
  name: string;
  sqlite: (s: string) => string;
  postgres: (s: string) => string;
  /**
   * A column this migration adds (`ALTER TABLE … ADD COLUMN`), when the version-1 script already creates it for a
   * fresh install: a SQLite database that has it already is only recorded at this version (SQLite has no
   * `ADD COLUMN IF NOT EXISTS`; PostgreSQL's migration says `IF NOT EXISTS`).
   */
  column?: { table: string; name: string };
}

/** First key of the advisory lock held while migrating a PostgreSQL schema ("MIGR"). */
export const MIGRATION_LOCK_CLASS = 0x4d494752;

/** Migrations after version 1, by store. */
export const MIGRATIONS: Readonly<Record<StoreName, readonly Migration[]>> = {
  state: [
    {
      version: 2,
      name: 'leases: the Tchap connection owned by one replica at a time, with a fencing token',
      sqlite: () => `CREATE TABLE IF NOT EXISTS leases (name TEXT PRIMARY KEY, holder TEXT NOT NULL, fence INTEGER NOT NULL, expires_at INTEGER NOT NULL);`,
      postgres: (s) => `CREATE TABLE IF NOT EXISTS ${s}leases (name text PRIMARY KEY, holder text NOT NULL, fence bigint NOT NULL, expires_at timestamptz NOT NULL);`,
    },
    {
      version: 3,
      name: 'feedback.reason: the reasons picked in the Teams feedback form, stored with the rating',
      sqlite: () => `ALTER TABLE feedback ADD COLUMN reason TEXT;`,
      postgres: (s) => `ALTER TABLE ${s}feedback ADD COLUMN IF NOT EXISTS reason text;`,
    },
    {
      version: 4,
      name: 'sync_runs: each run of a scheduled synchronisation with the official sources, its reports and errors',
      sqlite: () => `CREATE TABLE IF NOT EXISTS sync_runs (id TEXT PRIMARY KEY, schedule TEXT NOT NULL, source TEXT NOT NULL, bases TEXT NOT NULL, status TEXT NOT NULL,
        attempt INTEGER NOT NULL, retry_at INTEGER, started_at INTEGER NOT NULL, finished_at INTEGER NOT NULL, reports TEXT NOT NULL, errors TEXT NOT NULL);
        CREATE INDEX IF NOT EXISTS sync_runs_started ON sync_runs (started_at);`,
      postgres: (s) => `CREATE TABLE IF NOT EXISTS ${s}sync_runs (id text PRIMARY KEY, schedule text NOT NULL, source text NOT NULL, bases jsonb NOT NULL, status text NOT NULL,
        attempt integer NOT NULL, retry_at timestamptz, started_at timestamptz NOT NULL, finished_at timestamptz NOT NULL, reports jsonb NOT NULL, errors jsonb NOT NULL);
        CREATE INDEX IF NOT EXISTS sync_runs_started ON ${s}sync_runs (started_at);`,
    },
    {
      version: 5,
      name: 'inbound_turns: what a channel acknowledged, kept until answered (no question lost when a replica dies)',
      sqlite: () => SQLITE_TURNS_TABLE,
      postgres: (s) => POSTGRES_TURNS_TABLE(s),
    },
  ],
  // Both columns were first added at open by the stores, and are in the version-1 script for fresh installs:
  // databases made before them get them here, those made since only record the version.
  announcements: [
    {
      version: 2,
      name: 'announcements.sender: the signature shown under an announcement',
      sqlite: () => `ALTER TABLE announcements ADD COLUMN sender TEXT;`,
      postgres: (s) => `ALTER TABLE ${s}announcements ADD COLUMN IF NOT EXISTS sender text;`,
      column: { table: 'announcements', name: 'sender' },
    },
    {
      version: 3,
      name: 'announcement_recipients.members: the members an announcement room reached',
      sqlite: () => `ALTER TABLE announcement_recipients ADD COLUMN members INTEGER;`,
      postgres: (s) => `ALTER TABLE ${s}announcement_recipients ADD COLUMN IF NOT EXISTS members integer;`,
      column: { table: 'announcement_recipients', name: 'members' },
    },
  ],
  curation: [],
  learning: [],
  enrichment: [],
};

/** The version a store's schema has once this release has opened it. */
export function latestVersion(store: StoreName): number {
  return Math.max(1, ...MIGRATIONS[store].map((migration) => migration.version));
}

const SQLITE_TABLE = `CREATE TABLE IF NOT EXISTS schema_migrations (
  store TEXT NOT NULL, version INTEGER NOT NULL, name TEXT NOT NULL, applied_at TEXT NOT NULL, PRIMARY KEY (store, version));`;

/** Brings a SQLite database to this release's schema of `store`; `initial` is the store's version-1 script. */
export function migrateSqlite(db: DatabaseSync, store: StoreName, initial: string): void {
  db.exec('BEGIN IMMEDIATE');
  try {
    db.exec(SQLITE_TABLE);
    const row = db.prepare('SELECT max(version) AS version FROM schema_migrations WHERE store = ?').get(store) as { version: number | null } | undefined;
    const current = Number(row?.version ?? 0);
    refuseNewer(store, current);
    const record = db.prepare('INSERT INTO schema_migrations (store, version, name, applied_at) VALUES (?, ?, ?, ?)');
    // The version-1 script is idempotent (CREATE … IF NOT EXISTS) and runs at every open: a table added to it
    // before the first release reaches databases created earlier. Changes to existing tables are migrations.
    db.exec(initial);
    if (current < 1) record.run(store, 1, 'initial schema (release 0.1)', new Date().toISOString());
    for (const migration of MIGRATIONS[store]) {
      if (migration.version <= current) continue;
      if (!migration.column || !hasColumn(db, migration.column)) db.exec(migration.sqlite(''));
      record.run(store, migration.version, migration.name, new Date().toISOString());
    }
    db.exec('COMMIT');
  } catch (error) {
    db.exec('ROLLBACK');
    throw error;
  }
}

function hasColumn(db: DatabaseSync, column: { table: string; name: string }): boolean {
  return db.prepare('SELECT 1 FROM pragma_table_info(?) WHERE name = ?').get(column.table, column.name) !== undefined;
}

type Query = (text: string, values?: unknown[]) => Promise<Array<Record<string, unknown>>>;

/**
 * Creates the PostgreSQL schema if needed and brings it to this release's schema of `store`. Runs inside the
 * caller's transaction; takes the migration lock first (released at COMMIT or ROLLBACK), so that stores
 * and replicas starting together never race on `CREATE SCHEMA` or a migration. `s` is the quoted schema name.
 */
export async function migratePostgres(query: Query, s: string, schema: string, store: StoreName, initial: string): Promise<void> {
  await query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [MIGRATION_LOCK_CLASS, schema]);
  // CREATE SCHEMA checks the CREATE privilege on the database even when the schema exists: skip it then.
  const exists = await query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [schema]);
  if (exists.length === 0) await query(`CREATE SCHEMA IF NOT EXISTS ${s}`);
  await query(`CREATE TABLE IF NOT EXISTS ${s}.schema_migrations (
    store text NOT NULL, version integer NOT NULL, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (store, version))`);
  const [row] = await query(`SELECT max(version) AS version FROM ${s}.schema_migrations WHERE store = $1`, [store]);
  const current = Number(row?.version ?? 0);
  refuseNewer(store, current);
  await query(initial); // idempotent, at every open (see migrateSqlite)
  if (current < 1) await query(`INSERT INTO ${s}.schema_migrations (store, version, name) VALUES ($1, 1, 'initial schema (release 0.1)')`, [store]);
  for (const migration of MIGRATIONS[store]) {
    if (migration.version <= current) continue;
    await query(migration.postgres(`${s}.`));
    await query(`INSERT INTO ${s}.schema_migrations (store, version, name) VALUES ($1, $2, $3)`, [store, migration.version, migration.name]);
  }
}

function refuseNewer(store: StoreName, current: number): void {
  const latest = latestVersion(store);
  if (current > latest) throw new PasserelleError('STATE_SCHEMA_TOO_NEW', { store, stored: current, supported: latest });
}
