import type { DatabaseSync } from 'node:sqlite';
import { PasserelleError } from '../bots/errors.ts';

/** What the SQLite stores of bots/state share: one-writer transactions and the mapping of I/O failures. */

/**
 * Primary result codes meaning the database cannot be used right now (busy, locked, I/O, full, cannot open,
 * protocol…), as opposed to a bug in a statement.
 */
const UNAVAILABLE_CODES = new Set([5, 6, 7, 8, 10, 11, 13, 14]);

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
