import type { DatabaseSync } from 'node:sqlite';
import { guardSqlite, openSqlite } from './sqlite-support.ts';
import type { Lease, LeaseStore } from './lease-store.ts';

/**
 * Leases in the embedded state file (processes of one machine sharing the data folder). The same single
 * statement as PostgreSQL, atomic in SQLite; times from this machine's clock.
 */
export class SqliteLeaseStore implements LeaseStore {
  private readonly db: DatabaseSync;

  constructor(file: string, private readonly now: () => number = Date.now) {
    this.db = openSqlite(file, 'CREATE TABLE IF NOT EXISTS leases (name TEXT PRIMARY KEY, holder TEXT NOT NULL, fence INTEGER NOT NULL, expires_at INTEGER NOT NULL);');
  }

  async acquire(name: string, holder: string, ttlMs: number): Promise<Lease | undefined> {
    const now = this.now();
    const row = guardSqlite(() =>
      this.db
        .prepare(
          `INSERT INTO leases (name, holder, fence, expires_at) VALUES (?, ?, 1, ?)
           ON CONFLICT (name) DO UPDATE SET
             fence = CASE WHEN leases.holder = excluded.holder AND leases.expires_at > ? THEN leases.fence ELSE leases.fence + 1 END,
             holder = excluded.holder,
             expires_at = excluded.expires_at
           WHERE leases.holder = excluded.holder OR leases.expires_at <= ?
           RETURNING fence, expires_at`,
        )
        .get(name, holder, now + ttlMs, now, now),
    ) as { fence: number; expires_at: number } | undefined;
    return row ? { fence: Number(row.fence), expiresAt: Number(row.expires_at) } : undefined;
  }

  async release(name: string, holder: string): Promise<void> {
    guardSqlite(() => this.db.prepare('UPDATE leases SET expires_at = ? WHERE name = ? AND holder = ?').run(this.now(), name, holder));
  }

  async close(): Promise<void> {
    if (this.db.isOpen) this.db.close();
  }
}
