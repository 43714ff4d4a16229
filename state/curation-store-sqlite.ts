import type { SQLInputValue } from 'node:sqlite';
import { SQLITE } from './record-codec.ts';
import { curationTables, SqlCurationStore, type Query, type Row, type SqlExecutor } from './curation-store-sql.ts';
import { guardSqlite, openSqlite } from './sqlite-support.ts';

/**
 * The embedded curation store: `curation.sqlite` in the data directory (or `':memory:'`). Operations run one
 * at a time (a transaction spans awaits, so nothing else may slip into it); the file is shared with the CLI
 * (`passerelle ask` reads the published standard answers) through WAL and the busy timeout.
 */
export class SqliteCurationStore extends SqlCurationStore {
  constructor(file: string) {
    super(sqliteExecutor(file));
  }
}

function sqliteExecutor(file: string): SqlExecutor {
  const db = openSqlite(file, curationTables({ time: 'INTEGER', json: 'TEXT', serial: 'INTEGER PRIMARY KEY AUTOINCREMENT' }), 'curation');
  let tail: Promise<unknown> = Promise.resolve();
  const serial = <T>(work: () => Promise<T>): Promise<T> => {
    const run = tail.then(work, work);
    tail = run.catch(() => undefined);
    return run;
  };
  const direct: Query = async (text, values) => guardSqlite(() => db.prepare(text).all(...(values as SQLInputValue[])) as Row[]);
  let closed = false;
  return {
    dialect: SQLITE,
    query: (text, values) => serial(() => direct(text, values)),
    transaction: (work) =>
      serial(async () => {
        guardSqlite(() => db.exec('BEGIN IMMEDIATE'));
        try {
          const result = await work(direct);
          db.exec('COMMIT');
          return result;
        } catch (error) {
          db.exec('ROLLBACK');
          throw error;
        }
      }),
    lock: async () => undefined,
    close: () =>
      serial(async () => {
        if (closed) return;
        closed = true;
        db.close();
      }),
  };
}
