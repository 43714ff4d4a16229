import pg from 'pg';
import { PasserelleError } from '../bots/errors.ts';
import { concordanceKey, ConcordanceRowSchema, type ConcordanceRow, type ConcordanceStore } from '../knowledge/versions/concordance-store.ts';

/** The production store: one table in the state store's PostgreSQL schema, created on first use. */
export class PostgresConcordanceStore implements ConcordanceStore {
  private readonly pool: pg.Pool;
  private readonly table: string;
  private readonly schemaName: string;
  private ready: Promise<void> | undefined;

  constructor(options: { connectionString: string; schema?: string; max?: number }) {
    const schema = options.schema ?? 'passerelle';
    if (!/^[A-Za-z_][A-Za-z0-9_]{0,62}$/.test(schema)) throw new PasserelleError('CONFIG_INVALID', { problems: `nom de schéma PostgreSQL invalide « ${schema} »` });
    this.schemaName = schema;
    this.table = `"${schema}".concordance`;
    this.pool = new pg.Pool({ connectionString: options.connectionString, max: options.max ?? 2, connectionTimeoutMillis: 5_000 });
    this.pool.on('error', () => undefined);
  }

  async replace(kb: string, codes: string[], rows: ConcordanceRow[]): Promise<number> {
    const valid = rows.map((row) => ConcordanceRowSchema.parse(row));
    await this.ensureTable();
    await this.transaction(async (client) => {
      await client.query(`DELETE FROM ${this.table} WHERE kb = $1 AND code = ANY($2::text[])`, [kb, [...new Set(codes)]]);
      for (const [position, row] of valid.entries()) {
        await client.query(`INSERT INTO ${this.table} (kb, code, old_key, new_code, new_key, position, row) VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb)`, [
          kb, row.code, concordanceKey(row.oldNumber), row.newCode ?? row.code, row.newNumber ? concordanceKey(row.newNumber) : null, position, JSON.stringify(row),
        ]);
      }
    });
    return valid.length;
  }

  async forward(kb: string, number: string, code?: string): Promise<ConcordanceRow[]> {
    return this.rows(`SELECT row FROM ${this.table} WHERE kb = $1 AND old_key = $2 AND ($3::text IS NULL OR code = $3) ORDER BY id`, [kb, concordanceKey(number), code ?? null]);
  }

  async backward(kb: string, number: string, code?: string): Promise<ConcordanceRow[]> {
    return this.rows(`SELECT row FROM ${this.table} WHERE kb = $1 AND new_key = $2 AND ($3::text IS NULL OR new_code = $3) ORDER BY id`, [kb, concordanceKey(number), code ?? null]);
  }

  async list(kb: string, code?: string): Promise<ConcordanceRow[]> {
    return this.rows(`SELECT row FROM ${this.table} WHERE kb = $1 AND ($2::text IS NULL OR code = $2) ORDER BY id`, [kb, code ?? null]);
  }

  async close(): Promise<void> {
    await this.pool.end().catch(() => undefined);
  }

  private async rows(text: string, values: unknown[]): Promise<ConcordanceRow[]> {
    await this.ensureTable();
    try {
      const result = await this.pool.query(text, values);
      return result.rows.map((row) => ConcordanceRowSchema.parse((row as { row: unknown }).row));
    } catch (error) {
      throw unavailable(error);
    }
  }

  private async connect(): Promise<pg.PoolClient> {
    try {
      return await this.pool.connect();
    } catch (error) {
      throw unavailable(error);
    }
  }

  /** `work` inside BEGIN … COMMIT on one pooled client; rolled back and reported unavailable on failure. */
  private async transaction(work: (client: pg.PoolClient) => Promise<void>): Promise<void> {
    const client = await this.connect();
    let failed = false;
    try {
      await client.query('BEGIN');
      await work(client);
      await client.query('COMMIT');
    } catch (error) {
      failed = true;
      await client.query('ROLLBACK').catch(() => undefined);
      throw unavailable(error);
    } finally {
      client.release(failed);
    }
  }

  /** The table, created once under a transaction-scoped advisory lock (several replicas may start together). */
  private ensureTable(): Promise<void> {
    this.ready ??= this.transaction(async (client) => {
      await client.query("SELECT pg_advisory_xact_lock(hashtext('passerelle-concordance-schema'))");
      await client.query(`CREATE SCHEMA IF NOT EXISTS "${this.schemaName}"`);
      await client.query(`CREATE TABLE IF NOT EXISTS ${this.table} (id bigserial PRIMARY KEY, kb text NOT NULL, code text NOT NULL, old_key text NOT NULL,
        new_code text NOT NULL, new_key text, position integer NOT NULL, row jsonb NOT NULL)`);
      await client.query(`CREATE INDEX IF NOT EXISTS concordance_old ON ${this.table} (kb, old_key)`);
      await client.query(`CREATE INDEX IF NOT EXISTS concordance_new ON ${this.table} (kb, new_key)`);
    }).catch((error: unknown) => {
      this.ready = undefined;
      throw error;
    });
    return this.ready;
  }
}

function unavailable(error: unknown): Error {
  if (error instanceof PasserelleError) return error;
  if (error instanceof pg.DatabaseError && !/^(08|28|53|57|3D)/.test(String(error.code))) return error;
  return new PasserelleError('STORE_UNAVAILABLE', {}, { cause: error });
}
