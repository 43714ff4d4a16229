import { PostgresDatabase, type PostgresOptions } from './postgres-support.ts';
import type { Lease, LeaseStore } from './lease-store.ts';
import { MIGRATION_LOCK_CLASS } from './schema-migrations.ts';

/**
 * Leases in PostgreSQL (the replicas' shared state database). One `INSERT … ON CONFLICT … WHERE` statement
 * takes or renews a lease: PostgreSQL's row lock makes it atomic, so of two replicas racing for an expired
 * lease exactly one gets a row back. Times are the database's clock (`now()`): replicas' clocks do not matter.
 */
export class PostgresLeaseStore implements LeaseStore {
  private readonly db: PostgresDatabase;

  constructor(options: PostgresOptions) {
    // The table is the state store's (migration 2); created here too, under the migration lock, for a lease
    // store opened before the state store.
    this.db = new PostgresDatabase(options, 2, MIGRATION_LOCK_CLASS, (s) =>
      `CREATE TABLE IF NOT EXISTS ${s}.leases (name text PRIMARY KEY, holder text NOT NULL, fence bigint NOT NULL, expires_at timestamptz NOT NULL);`,
    );
  }

  async acquire(name: string, holder: string, ttlMs: number): Promise<Lease | undefined> {
    const [row] = await this.db.query(
      `INSERT INTO ${this.db.s}.leases AS l (name, holder, fence, expires_at) VALUES ($1, $2, 1, now() + $3::float8 * interval '1 millisecond')
       ON CONFLICT (name) DO UPDATE SET
         holder = excluded.holder,
         fence = CASE WHEN l.holder = excluded.holder AND l.expires_at > now() THEN l.fence ELSE l.fence + 1 END,
         expires_at = excluded.expires_at
       WHERE l.holder = excluded.holder OR l.expires_at <= now()
       RETURNING fence, expires_at`,
      [name, holder, ttlMs],
    );
    return row ? { fence: Number(row.fence), expiresAt: new Date(row.expires_at as string | Date).getTime() } : undefined;
  }

  async release(name: string, holder: string): Promise<void> {
    await this.db.query(`UPDATE ${this.db.s}.leases SET expires_at = now() WHERE name = $1 AND holder = $2`, [name, holder]);
  }

  close(): Promise<void> {
    return this.db.close();
  }
}
