import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { PasserelleError } from '../bots/errors.ts';
import { migrateSqlite, type StoreName } from './schema-migrations.ts';

/** What the SQLite stores share: opening the file, one-writer transactions and the mapping of I/O failures. */

/**
 * Primary result codes meaning the database cannot be used right now (busy, locked, I/O, full, cannot open,
 * protocol…), as opposed to a bug in a statement.
 */
const UNAVAILABLE_CODES = new Set([5, 6, 7, 8, 10, 11, 13, 14]);

/**
 * Opens (creating its folder) a SQLite file, or `':memory:'`, and its tables (migrated to this release's
 * schema when the store is named). WAL journal and a busy timeout
 * let another process (a worker, the CLI) share the file. Failing to open is STORE_UNAVAILABLE.
 */
export function openSqlite(file: string, schema: string, store?: StoreName): DatabaseSync {
  let db: DatabaseSync | undefined;
  try {
    if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
    db = new DatabaseSync(file);
    db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 5000;');
    // Named stores are versioned (schema-migrations.ts): `schema` is their version 1.
    if (store) migrateSqlite(db, store, schema);
    else db.exec(schema);
    return db;
  } catch (error) {
    db?.close();
    if (error instanceof PasserelleError) throw error;
    throw new PasserelleError('STORE_UNAVAILABLE', {}, { cause: error });
  }
}

/** Runs `work` in a `BEGIN IMMEDIATE` transaction (one writer at a time), rolled back if it throws. */
export function inTransaction<T>(db: DatabaseSync, work: () => T): T {
  db.exec('BEGIN IMMEDIATE');
  try {
    const result = work();
    db.exec('COMMIT');
    return result;
  } catch (error) {
    db.exec('ROLLBACK');
    throw error;
  }
}

/** Runs `work`, turning I/O and locking failures into STORE_UNAVAILABLE; other errors (bugs) pass through. */
export function guardSqlite<T>(work: () => T): T {
  try {
    return work();
  } catch (error) {
    const code = (error as { errcode?: unknown }).errcode;
    if (typeof code === 'number' && UNAVAILABLE_CODES.has(code & 0xff)) throw new PasserelleError('STORE_UNAVAILABLE', {}, { cause: error });
    throw error;
  }
}
