import { POSTGRES } from './record-codec.ts';
import { curationTables, SqlCurationStore, type SqlExecutor } from './curation-store-sql.ts';
import { PostgresDatabase, type PostgresOptions } from './postgres-support.ts';

/** Advisory-lock class of the curation tables' creation (the state store uses its own). */
const SCHEMA_LOCK = 4_215_015;

/** The production curation store: tables in the state store's PostgreSQL database and schema. */
export class PostgresCurationStore extends SqlCurationStore {
  private constructor(executor: SqlExecutor, schema: string) {
    super(executor, `${schema}.`);
  }

  /** Connects and creates the tables if needed; STORE_UNAVAILABLE when the database cannot be reached. */
  static async open(options: PostgresOptions): Promise<PostgresCurationStore> {
    const db = new PostgresDatabase(options, 4, SCHEMA_LOCK, (s) => curationTables({ time: 'timestamptz', json: 'jsonb', serial: 'bigserial PRIMARY KEY' }, `${s}.`), 'curation');
    await db.open();
    const executor: SqlExecutor = {
      dialect: POSTGRES,
      query: (text, values) => db.query(text, [...values]),
      transaction: (work) => db.transaction((query) => work((text, values) => query(text, [...values]))),
      lock: async (query, key) => {
        await query('SELECT pg_advisory_xact_lock(hashtext($1))', [key]);
      },
      close: () => db.close(),
    };
    return new PostgresCurationStore(executor, db.s);
  }
}
