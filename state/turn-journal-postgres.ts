import { PostgresDatabase, type PostgresOptions } from './postgres-support.ts';
import { MIGRATION_LOCK_CLASS } from './schema-migrations.ts';
import type { JournalTurn, TurnJournal } from './turn-journal.ts';
import { POSTGRES_TURNS_TABLE } from './turn-journal-schema.ts';

/**
 * The turn journal in PostgreSQL (the replicas' shared state database). Claims of expired turns take row
 * locks with `FOR UPDATE SKIP LOCKED`: two replicas sweeping together never claim the same turn. Times are
 * the database's clock.
 */
export class PostgresTurnJournal implements TurnJournal {
  private readonly db: PostgresDatabase;

  constructor(options: PostgresOptions) {
    this.db = new PostgresDatabase(options, 3, MIGRATION_LOCK_CLASS, (s) => POSTGRES_TURNS_TABLE(`${s}.`));
  }

  async record(id: string, channel: string, payload: unknown, owner: string, ttlMs: number): Promise<boolean> {
    const rows = await this.db.query(
      `INSERT INTO ${this.db.s}.inbound_turns (id, channel, payload, owner, claimed_until, attempts, status, updated_at)
       VALUES ($1, $2, $3, $4, now() + $5::float8 * interval '1 millisecond', 1, 'pending', now()) ON CONFLICT (id) DO NOTHING RETURNING id`,
      [id, channel, JSON.stringify(payload), owner, ttlMs],
    );
    return rows.length === 1;
  }

  async renew(ids: readonly string[], owner: string, ttlMs: number): Promise<void> {
    if (ids.length === 0) return;
    await this.db.query(
      `UPDATE ${this.db.s}.inbound_turns SET claimed_until = now() + $3::float8 * interval '1 millisecond', updated_at = now() WHERE status = 'pending' AND owner = $2 AND id = ANY($1::text[])`,
      [ids, owner, ttlMs],
    );
  }

  async finish(id: string): Promise<void> {
    await this.db.query(`UPDATE ${this.db.s}.inbound_turns SET status = 'done', payload = NULL, updated_at = now() WHERE id = $1`, [id]);
  }

  async claimExpired(channels: readonly string[], owner: string, ttlMs: number, limit: number, maxAttempts: number): Promise<{ claimed: JournalTurn[]; abandoned: string[] }> {
    return this.db.transaction(async (query) => {
      const expired = await query(
        `SELECT id, channel, payload, attempts FROM ${this.db.s}.inbound_turns WHERE status = 'pending' AND claimed_until <= now() AND channel = ANY($1::text[])
         ORDER BY claimed_until LIMIT $2 FOR UPDATE SKIP LOCKED`,
        [channels, limit],
      );
      const claimed: JournalTurn[] = [];
      const abandoned: string[] = [];
      for (const row of expired) {
        const id = String(row.id);
        if (Number(row.attempts) >= maxAttempts) {
          await query(`UPDATE ${this.db.s}.inbound_turns SET status = 'abandoned', payload = NULL, updated_at = now() WHERE id = $1`, [id]);
          abandoned.push(id);
          continue;
        }
        await query(`UPDATE ${this.db.s}.inbound_turns SET owner = $2, claimed_until = now() + $3::float8 * interval '1 millisecond', attempts = attempts + 1, updated_at = now() WHERE id = $1`, [id, owner, ttlMs]);
        claimed.push({ id, channel: String(row.channel), payload: row.payload === null || row.payload === undefined ? null : JSON.parse(String(row.payload)), attempts: Number(row.attempts) + 1 });
      }
      return { claimed, abandoned };
    });
  }

  async purge(olderThanMs: number): Promise<number> {
    const rows = await this.db.query(`DELETE FROM ${this.db.s}.inbound_turns WHERE status <> 'pending' AND updated_at < now() - $1::float8 * interval '1 millisecond' RETURNING id`, [olderThanMs]);
    return rows.length;
  }

  close(): Promise<void> {
    return this.db.close();
  }
}
