import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { PasserelleError } from "../bots/errors.js";
import { guardSqlite } from "./sqlite-support.js";
import { migrateSqlite } from "./schema-migrations.js";
import { EnrichmentEntrySchema } from "../knowledge/enrichment/enrichment.js";
/** The embedded default: one table in `enrichment.sqlite` in the data folder. */
export class SqliteEnrichmentStore {
    db;
    constructor(file) {
        if (file !== ':memory:')
            mkdirSync(dirname(file), { recursive: true });
        try {
            this.db = new DatabaseSync(file);
            this.db.exec('PRAGMA journal_mode = WAL; PRAGMA busy_timeout = 5000;');
            migrateSqlite(this.db, 'enrichment', `CREATE TABLE IF NOT EXISTS enrichment_entries (kb TEXT NOT NULL, id TEXT NOT NULL, status TEXT NOT NULL, origin TEXT NOT NULL,
          entry TEXT NOT NULL, PRIMARY KEY (kb, id));`);
        }
        catch (error) {
            if (error instanceof PasserelleError)
                throw error;
            throw new PasserelleError('STORE_UNAVAILABLE', {}, { cause: error });
        }
    }
    async get(kb, documentId) {
        const row = guardSqlite(() => this.db.prepare('SELECT entry FROM enrichment_entries WHERE kb = ? AND id = ?').get(kb, documentId));
        return row ? EnrichmentEntrySchema.parse(JSON.parse(row.entry)) : undefined;
    }
    async put(kb, entry) {
        const valid = EnrichmentEntrySchema.parse(entry);
        guardSqlite(() => this.db
            .prepare('INSERT INTO enrichment_entries (kb, id, status, origin, entry) VALUES (?, ?, ?, ?, ?) ON CONFLICT (kb, id) DO UPDATE SET status = excluded.status, origin = excluded.origin, entry = excluded.entry')
            .run(kb, valid.id, valid.status, valid.origin, JSON.stringify(valid)));
    }
    async list(kb, filter = {}) {
        const rows = guardSqlite(() => this.db
            .prepare('SELECT entry FROM enrichment_entries WHERE kb = ? AND (? IS NULL OR status = ?) AND (? IS NULL OR origin = ?) ORDER BY id')
            .all(kb, filter.status ?? null, filter.status ?? null, filter.origin ?? null, filter.origin ?? null));
        return rows.map((row) => EnrichmentEntrySchema.parse(JSON.parse(row.entry)));
    }
    async remove(kb, documentId) {
        const result = guardSqlite(() => this.db.prepare('DELETE FROM enrichment_entries WHERE kb = ? AND id = ?').run(kb, documentId));
        return Number(result.changes) > 0;
    }
    async close() {
        if (this.db.isOpen)
            this.db.close();
    }
}
