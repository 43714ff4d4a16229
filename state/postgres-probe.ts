import pg from 'pg';

/** What `passerelle doctor` learns from PostgreSQL. */
export interface PostgresFacts {
  version: string;
  /** The state schema exists (false before the first `serve`). */
  schemaExists: boolean;
  /** The connected role may create the schema or tables in it. */
  canCreate: boolean;
}

/** Connects once, reads the server version and the rights on the state schema; rejects with pg's error. Always disconnects. */
export async function probePostgres(connectionString: string, schema: string, timeoutMs: number): Promise<PostgresFacts> {
  const client = new pg.Client({ connectionString, connectionTimeoutMillis: timeoutMs, query_timeout: timeoutMs });
  client.on('error', () => undefined);
  try {
    await client.connect();
    const version = String((await client.query('SHOW server_version')).rows[0]?.server_version ?? 'inconnue');
    const exists = (await client.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [schema])).rowCount === 1;
    const rights = await client.query(
      exists ? "SELECT has_schema_privilege($1, 'CREATE') AS ok" : "SELECT has_database_privilege(current_database(), 'CREATE') AS ok",
      exists ? [schema] : [],
    );
    return { version, schemaExists: exists, canCreate: rights.rows[0]?.ok === true };
  } finally {
    await client.end().catch(() => undefined);
  }
}
