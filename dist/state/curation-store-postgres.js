import { POSTGRES } from "./record-codec.js";
import { curationTables, SqlCurationStore } from "./curation-store-sql.js";
import { PostgresDatabase } from "./postgres-support.js";
/** Advisory-lock class of the curation tables' creation (the state store uses its own). */
const SCHEMA_LOCK = 4_215_015;
/** The production curation store: tables in the state store's PostgreSQL database and schema. */
export class PostgresCurationStore extends SqlCurationStore {
    constructor(executor, schema) {
        super(executor, `${schema}.`);
    }
    /** Connects and creates the tables if needed; STORE_UNAVAILABLE when the database cannot be reached. */
    static async open(options) {
        const db = new PostgresDatabase(options, 4, SCHEMA_LOCK, (s) => curationTables({ time: 'timestamptz', json: 'jsonb', serial: 'bigserial PRIMARY KEY' }, `${s}.`), 'curation');
        await db.open();
        const executor = {
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
