import { SQLITE } from "./record-codec.js";
import { curationTables, SqlCurationStore } from "./curation-store-sql.js";
import { guardSqlite, openSqlite } from "./sqlite-support.js";
/**
 * The embedded curation store: `curation.sqlite` in the data directory (or `':memory:'`). Operations run one
 * at a time (a transaction spans awaits, so nothing else may slip into it); the file is shared with the CLI
 * (`passerelle ask` reads the published standard answers) through WAL and the busy timeout.
 */
export class SqliteCurationStore extends SqlCurationStore {
    constructor(file) {
        super(sqliteExecutor(file));
    }
}
function sqliteExecutor(file) {
    const db = openSqlite(file, curationTables({ time: 'INTEGER', json: 'TEXT', serial: 'INTEGER PRIMARY KEY AUTOINCREMENT' }), 'curation');
    let tail = Promise.resolve();
    const serial = (work) => {
        const run = tail.then(work, work);
        tail = run.catch(() => undefined);
        return run;
    };
    const direct = async (text, values) => guardSqlite(() => db.prepare(text).all(...values));
    let closed = false;
    return {
        dialect: SQLITE,
        query: (text, values) => serial(() => direct(text, values)),
        transaction: (work) => serial(async () => {
            guardSqlite(() => db.exec('BEGIN IMMEDIATE'));
            try {
                const result = await work(direct);
                db.exec('COMMIT');
                return result;
            }
            catch (error) {
                db.exec('ROLLBACK');
                throw error;
            }
        }),
        lock: async () => undefined,
        close: () => serial(async () => {
            if (closed)
                return;
            closed = true;
            db.close();
        }),
    };
}
