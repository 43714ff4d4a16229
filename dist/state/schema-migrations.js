import { PasserelleError } from "../bots/errors.js";
/** First key of the advisory lock held while migrating a PostgreSQL schema ("MIGR"). */
export const MIGRATION_LOCK_CLASS = 0x4d494752;
/** Migrations after version 1, by store. */
export const MIGRATIONS = {
    state: [
        {
            version: 2,
            name: 'leases: the Tchap connection owned by one replica at a time, with a fencing token',
            sqlite: () => `CREATE TABLE IF NOT EXISTS leases (name TEXT PRIMARY KEY, holder TEXT NOT NULL, fence INTEGER NOT NULL, expires_at INTEGER NOT NULL);`,
            postgres: (s) => `CREATE TABLE IF NOT EXISTS ${s}leases (name text PRIMARY KEY, holder text NOT NULL, fence bigint NOT NULL, expires_at timestamptz NOT NULL);`,
        },
    ],
    announcements: [],
    curation: [],
    learning: [],
    enrichment: [],
};
/** The version a store's schema has once this release has opened it. */
export function latestVersion(store) {
    return Math.max(1, ...MIGRATIONS[store].map((migration) => migration.version));
}
const SQLITE_TABLE = `CREATE TABLE IF NOT EXISTS schema_migrations (
  store TEXT NOT NULL, version INTEGER NOT NULL, name TEXT NOT NULL, applied_at TEXT NOT NULL, PRIMARY KEY (store, version));`;
/** Brings a SQLite database to this release's schema of `store`; `initial` is the store's version-1 script. */
export function migrateSqlite(db, store, initial) {
    db.exec('BEGIN IMMEDIATE');
    try {
        db.exec(SQLITE_TABLE);
        const row = db.prepare('SELECT max(version) AS version FROM schema_migrations WHERE store = ?').get(store);
        const current = Number(row?.version ?? 0);
        refuseNewer(store, current);
        const record = db.prepare('INSERT INTO schema_migrations (store, version, name, applied_at) VALUES (?, ?, ?, ?)');
        if (current < 1) {
            db.exec(initial);
            record.run(store, 1, 'initial schema (release 0.1)', new Date().toISOString());
        }
        for (const migration of MIGRATIONS[store]) {
            if (migration.version <= current)
                continue;
            db.exec(migration.sqlite(''));
            record.run(store, migration.version, migration.name, new Date().toISOString());
        }
        db.exec('COMMIT');
    }
    catch (error) {
        db.exec('ROLLBACK');
        throw error;
    }
}
/**
 * Creates the PostgreSQL schema if needed and brings it to this release's schema of `store`. Runs inside the
 * caller's transaction; takes the migration lock first (released at COMMIT or ROLLBACK), so that stores
 * and replicas starting together never race on `CREATE SCHEMA` or a migration. `s` is the quoted schema name.
 */
export async function migratePostgres(query, s, schema, store, initial) {
    await query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [MIGRATION_LOCK_CLASS, schema]);
    // CREATE SCHEMA checks the CREATE privilege on the database even when the schema exists: skip it then.
    const exists = await query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [schema]);
    if (exists.length === 0)
        await query(`CREATE SCHEMA IF NOT EXISTS ${s}`);
    await query(`CREATE TABLE IF NOT EXISTS ${s}.schema_migrations (
    store text NOT NULL, version integer NOT NULL, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (store, version))`);
    const [row] = await query(`SELECT max(version) AS version FROM ${s}.schema_migrations WHERE store = $1`, [store]);
    const current = Number(row?.version ?? 0);
    refuseNewer(store, current);
    if (current < 1) {
        await query(initial);
        await query(`INSERT INTO ${s}.schema_migrations (store, version, name) VALUES ($1, 1, 'initial schema (release 0.1)')`, [store]);
    }
    for (const migration of MIGRATIONS[store]) {
        if (migration.version <= current)
            continue;
        await query(migration.postgres(`${s}.`));
        await query(`INSERT INTO ${s}.schema_migrations (store, version, name) VALUES ($1, $2, $3)`, [store, migration.version, migration.name]);
    }
}
function refuseNewer(store, current) {
    const latest = latestVersion(store);
    if (current > latest)
        throw new PasserelleError('STATE_SCHEMA_TOO_NEW', { store, stored: current, supported: latest });
}
