import pg from 'pg';
import { PasserelleError } from '../bots/errors.ts';
import { silentLogger, type Logger } from '../bots/logger.ts';
import { migratePostgres, type StoreName } from './schema-migrations.ts';

/**
 * What the PostgreSQL stores share, written once: the pool, the schema created idempotently under an
 * advisory lock (two processes starting together do not race on `CREATE`), and the mapping of connection
 * failures to STORE_UNAVAILABLE. A failed schema creation is forgotten, so the next operation tries again:
 * the stores recover by themselves when the database comes back.
 */

export interface PostgresOptions {
  connectionString: string;
  /** Schema holding the tables (created if missing). Default "passerelle". */
  schema?: string;
  /** Pool size. */
  max?: number;
  /** How long to wait for a connection before failing with STORE_UNAVAILABLE. Default 5 000 ms. */
  connectionTimeoutMillis?: number;
  /** Receives errors of idle pooled connections (server restart…), which would otherwise crash the process. */
  logger?: Logger;
}

export type Row = Record<string, unknown>;

/** Node-level network failures: the server cannot be reached or the link broke. */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE', 'EAI_AGAIN', 'ECONNABORTED']);

export class PostgresDatabase {
  /** The schema, quoted, for table names: `${db.s}.table`. */
  readonly s: string;
  readonly schema: string;
  private readonly pool: pg.Pool;
  private ready: Promise<void> | undefined;
  private closed = false;

  /**
   * `lockClass`: first key of the advisory lock taken while creating the tables (the second is the schema
   * name's hash); `tables(s)`: the idempotent DDL, `s` being the quoted schema.
   */
  constructor(
    options: PostgresOptions,
    defaultPoolSize: number,
    private readonly lockClass: number,
    private readonly tables: (s: string) => string,
    /** Versioned stores (schema-migrations.ts): `tables` is their version 1, later versions are migrated. */
    private readonly store?: StoreName,
  ) {
    this.schema = options.schema ?? 'passerelle';
    if (!/^[A-Za-z_][A-Za-z0-9_]{0,62}$/.test(this.schema)) {
      throw new PasserelleError('CONFIG_INVALID', { problems: `nom de schéma PostgreSQL invalide « ${this.schema} »` });
    }
    this.s = `"${this.schema}"`;
    this.pool = new pg.Pool({ connectionString: options.connectionString, max: options.max ?? defaultPoolSize, connectionTimeoutMillis: options.connectionTimeoutMillis ?? 5_000 });
    const logger = options.logger ?? silentLogger;
    // Without a listener, an idle client's error (server restart) is an uncaught 'error' event: a crash.
    this.pool.on('error', (error) => logger.warn('PostgreSQL idle connection error', { error }));
  }

  /** Connects and creates the schema and tables if needed; rejects with STORE_UNAVAILABLE (and closes) if it cannot. */
  async open(): Promise<void> {
    await this.guard(() => this.ensureSchema()).catch(async (error: unknown) => {
      await this.close();
      throw error;
    });
  }

  async query(text: string, values: unknown[]): Promise<Row[]> {
    return this.guard(async () => {
      await this.ensureSchema();
      return (await this.pool.query(text, values)).rows as Row[];
    });
  }

  /** Runs `work` in a transaction on one connection, rolled back if it throws. */
  async transaction<T>(work: (query: (text: string, values: unknown[]) => Promise<Row[]>) => Promise<T>): Promise<T> {
    return this.guard(async () => {
      await this.ensureSchema();
      const client = await this.pool.connect();
      let failed = false;
      try {
        await client.query('BEGIN');
        const result = await work(async (text, values) => (await client.query(text, values)).rows as Row[]);
        await client.query('COMMIT');
        return result;
      } catch (error) {
        failed = true;
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      } finally {
        client.release(failed); // a client that failed mid-transaction is discarded, not reused
      }
    });
  }

  /** Ends the pool. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.pool.end();
  }

  private ensureSchema(): Promise<void> {
    this.ready ??= this.createSchema().catch((error: unknown) => {
      this.ready = undefined;
      throw error;
    });
    return this.ready;
  }

  private async createSchema(): Promise<void> {
    const client = await this.pool.connect();
    const ignore = () => undefined; // a broken link while we hold the client is reported by the next query
    client.on('error', ignore);
    let failed = false;
    try {
      await client.query('BEGIN');
      if (this.store) {
        // Versioned store: schema creation and migrations under the schema's migration lock.
        await migratePostgres(async (text, values) => (await client.query(text, values)).rows as Row[], this.s, this.schema, this.store, this.tables(this.s));
      } else {
        // Transaction-scoped: released on COMMIT, ROLLBACK, or if this connection dies.
        await client.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [this.lockClass, this.schema]);
        // CREATE SCHEMA checks the CREATE privilege on the database even when the schema exists: skip it then.
        const exists = await client.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [this.schema]);
        if (exists.rowCount === 0) await client.query(`CREATE SCHEMA IF NOT EXISTS ${this.s}`);
        await client.query(this.tables(this.s));
      }
      await client.query('COMMIT');
    } catch (error) {
      failed = true;
      await client.query('ROLLBACK').catch(ignore);
      throw error;
    } finally {
      client.removeListener('error', ignore);
      client.release(failed);
    }
  }

  private async guard<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      throw isUnavailable(error) ? new PasserelleError('STORE_UNAVAILABLE', {}, { cause: error }) : error;
    }
  }
}

/**
 * Connection-level failures: network errors, pg's connect timeout / terminated connection, and SQLSTATE
 * classes 08 (connection), 28 (authentication), 53 (resources), 57 (shutdown, cancel) and 3D000 (no such
 * database). Other SQL errors are bugs and pass through unchanged.
 */
function isUnavailable(error: unknown): boolean {
  if (error instanceof PasserelleError) return false;
  const code = (error as { code?: unknown } | null)?.code;
  // A DatabaseError carries a SQLSTATE; anything else with a code is a Node-level (socket, DNS) error.
  if (error instanceof pg.DatabaseError) return /^(08|28|53|57)/.test(String(code)) || code === '3D000';
  if (NETWORK_CODES.has(String(code))) return true;
  if (error instanceof AggregateError) return error.errors.some(isUnavailable);
  const message = error instanceof Error ? error.message : '';
  return /timeout exceeded when trying to connect|Connection terminated|connection error|not queryable/i.test(message);
}
