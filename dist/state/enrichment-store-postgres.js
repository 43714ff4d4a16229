import { migratePostgres } from "./schema-migrations.js";
import pg from 'pg';
import { PasserelleError } from "../bots/errors.js";
import { EnrichmentEntrySchema } from "../knowledge/enrichment/enrichment.js";
/** The production store: one table in the state store's PostgreSQL schema, created on first use. */
export class PostgresEnrichmentStore {
    pool;
    table;
    ready;
    constructor(options) {
        const schema = options.schema ?? 'passerelle';
        if (!/^[A-Za-z_][A-Za-z0-9_]{0,62}$/.test(schema))
            throw new PasserelleError('CONFIG_INVALID', { problems: `nom de schéma PostgreSQL invalide « ${schema} »` });
        this.table = `"${schema}".enrichment_entries`;
        this.pool = new pg.Pool({ connectionString: options.connectionString, max: options.max ?? 3, connectionTimeoutMillis: 5_000 });
        // An idle connection dropped by the server: the next query reconnects.
        this.pool.on('error', () => undefined);
        this.schemaName = schema;
    }
    schemaName;
    async get(kb, documentId) {
        const result = await this.query(`SELECT entry FROM ${this.table} WHERE kb = $1 AND id = $2`, [kb, documentId]);
        const row = result.rows[0];
        return row ? EnrichmentEntrySchema.parse(row.entry) : undefined;
    }
    async put(kb, entry) {
        const valid = EnrichmentEntrySchema.parse(entry);
        await this.query(`INSERT INTO ${this.table} (kb, id, status, origin, entry) VALUES ($1, $2, $3, $4, $5::jsonb)
       ON CONFLICT (kb, id) DO UPDATE SET status = excluded.status, origin = excluded.origin, entry = excluded.entry`, [kb, valid.id, valid.status, valid.origin, JSON.stringify(valid)]);
    }
    async list(kb, filter = {}) {
        const result = await this.query(`SELECT entry FROM ${this.table} WHERE kb = $1 AND ($2::text IS NULL OR status = $2) AND ($3::text IS NULL OR origin = $3) ORDER BY id COLLATE "C"`, [kb, filter.status ?? null, filter.origin ?? null]);
        return result.rows.map((row) => EnrichmentEntrySchema.parse(row.entry));
    }
    async remove(kb, documentId) {
        const result = await this.query(`DELETE FROM ${this.table} WHERE kb = $1 AND id = $2`, [kb, documentId]);
        return (result.rowCount ?? 0) > 0;
    }
    async close() {
        await this.pool.end().catch(() => undefined);
    }
    /** The table, created once under a transaction-scoped advisory lock (several replicas may start together). */
    async createTable() {
        const client = await this.pool.connect();
        let failed = false;
        try {
            await client.query('BEGIN');
            const initial = `CREATE TABLE IF NOT EXISTS ${this.table} (kb text NOT NULL, id text NOT NULL, status text NOT NULL, origin text NOT NULL, entry jsonb NOT NULL, PRIMARY KEY (kb, id))`;
            await migratePostgres(async (text, values) => (await client.query(text, values)).rows, `"${this.schemaName}"`, this.schemaName, 'enrichment', initial);
            await client.query('COMMIT');
        }
        catch (error) {
            failed = true;
            await client.query('ROLLBACK').catch(() => undefined);
            throw error;
        }
        finally {
            client.release(failed);
        }
    }
    async query(text, values) {
        try {
            this.ready ??= this.createTable().catch((error) => {
                this.ready = undefined;
                throw error;
            });
            await this.ready;
            return await this.pool.query(text, values);
        }
        catch (error) {
            if (error instanceof pg.DatabaseError && !/^(08|28|53|57|3D)/.test(String(error.code)))
                throw error;
            throw new PasserelleError('STORE_UNAVAILABLE', {}, { cause: error });
        }
    }
}
