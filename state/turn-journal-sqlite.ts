import type { DatabaseSync } from 'node:sqlite';
import { guardSqlite, inTransaction, openSqlite } from './sqlite-support.ts';
import type { JournalTurn, TurnJournal } from './turn-journal.ts';
import { SQLITE_TURNS_TABLE } from './turn-journal-schema.ts';

/**
 * The turn journal in the embedded state file (processes of one machine sharing the data folder): the same
 * statements as PostgreSQL inside `BEGIN IMMEDIATE` transactions (one writer), times from this machine's clock.
 */
export class SqliteTurnJournal implements TurnJournal {
  private readonly db: DatabaseSync;

  constructor(file: string, private readonly now: () => number = Date.now) {
    this.db = openSqlite(file, SQLITE_TURNS_TABLE);
  }

  async record(id: string, channel: string, payload: unknown, owner: string, ttlMs: number): Promise<boolean> {
    const now = this.now();
    const result = guardSqlite(() =>
      this.db
        .prepare(`INSERT INTO inbound_turns (id, channel, payload, owner, claimed_until, attempts, status, updated_at) VALUES (?, ?, ?, ?, ?, 1, 'pending', ?) ON CONFLICT (id) DO NOTHING`)
        .run(id, channel, JSON.stringify(payload), owner, now + ttlMs, now),
    );
    return Number(result.changes) === 1;
  }

  async renew(ids: readonly string[], owner: string, ttlMs: number): Promise<void> {
    if (ids.length === 0) return;
    const now = this.now();
    guardSqlite(() =>
      this.db
        .prepare(`UPDATE inbound_turns SET claimed_until = ?, updated_at = ? WHERE status = 'pending' AND owner = ? AND id IN (SELECT value FROM json_each(?))`)
        .run(now + ttlMs, now, owner, JSON.stringify(ids)),
    );
  }

  async finish(id: string): Promise<void> {
    guardSqlite(() => this.db.prepare(`UPDATE inbound_turns SET status = 'done', payload = NULL, updated_at = ? WHERE id = ?`).run(this.now(), id));
  }

  async claimExpired(channels: readonly string[], owner: string, ttlMs: number, limit: number, maxAttempts: number): Promise<{ claimed: JournalTurn[]; abandoned: string[] }> {
    const now = this.now();
    return guardSqlite(() =>
      inTransaction(this.db, () => {
        const expired = this.db
          .prepare(`SELECT id, channel, payload, attempts FROM inbound_turns WHERE status = 'pending' AND claimed_until <= ? AND channel IN (SELECT value FROM json_each(?)) ORDER BY claimed_until LIMIT ?`)
          .all(now, JSON.stringify(channels), limit) as Array<{ id: string; channel: string; payload: string | null; attempts: number }>;
        const claimed: JournalTurn[] = [];
        const abandoned: string[] = [];
        for (const row of expired) {
          if (Number(row.attempts) >= maxAttempts) {
            this.db.prepare(`UPDATE inbound_turns SET status = 'abandoned', payload = NULL, updated_at = ? WHERE id = ?`).run(now, row.id);
            abandoned.push(row.id);
            continue;
          }
          this.db.prepare(`UPDATE inbound_turns SET owner = ?, claimed_until = ?, attempts = attempts + 1, updated_at = ? WHERE id = ?`).run(owner, now + ttlMs, now, row.id);
          claimed.push({ id: row.id, channel: row.channel, payload: row.payload === null ? null : JSON.parse(row.payload), attempts: Number(row.attempts) + 1 });
        }
        return { claimed, abandoned };
      }),
    );
  }

  async purge(olderThanMs: number): Promise<number> {
    const result = guardSqlite(() => this.db.prepare(`DELETE FROM inbound_turns WHERE status <> 'pending' AND updated_at < ?`).run(this.now() - olderThanMs));
    return Number(result.changes);
  }

  async close(): Promise<void> {
    if (this.db.isOpen) this.db.close();
  }
}
