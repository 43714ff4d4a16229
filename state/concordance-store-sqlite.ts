import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { PasserelleError } from '../bots/errors.ts';
import { guardSqlite } from './sqlite-support.ts';
import { concordanceKey, ConcordanceRowSchema, type ConcordanceRow, type ConcordanceStore } from '../knowledge/versions/concordance-store.ts';

/** The embedded default: one table in `concordance.sqlite` in the data folder. */
export class SqliteConcordanceStore implements ConcordanceStore {
  private readonly db: DatabaseSync;

  constructor(file: string) {
    if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
    try {
      this.db = new DatabaseSync(file);
      this.db.exec(`PRAGMA journal_mode = WAL; PRAGMA busy_timeout = 5000;
        CREATE TABLE IF NOT EXISTS concordance (kb TEXT NOT NULL, code TEXT NOT NULL, old_key TEXT NOT NULL, new_code TEXT NOT NULL,
          new_key TEXT, row TEXT NOT NULL);
        CREATE INDEX IF NOT EXISTS concordance_old ON concordance (kb, old_key);
        CREATE INDEX IF NOT EXISTS concordance_new ON concordance (kb, new_key);`);
    } catch (error) {
      throw new PasserelleError('STORE_UNAVAILABLE', {}, { cause: error });
    }
  }

  async replace(kb: string, codes: string[], rows: ConcordanceRow[]): Promise<number> {
    const valid = rows.map((row) => ConcordanceRowSchema.parse(row));
    guardSqlite(() => {
      this.db.exec('BEGIN IMMEDIATE');
      try {
        const remove = this.db.prepare('DELETE FROM concordance WHERE kb = ? AND code = ?');
        for (const code of new Set(codes)) remove.run(kb, code);
        const insert = this.db.prepare('INSERT INTO concordance (kb, code, old_key, new_code, new_key, row) VALUES (?, ?, ?, ?, ?, ?)');
        for (const row of valid) insert.run(kb, row.code, concordanceKey(row.oldNumber), row.newCode ?? row.code, row.newNumber ? concordanceKey(row.newNumber) : null, JSON.stringify(row));
        this.db.exec('COMMIT');
      } catch (error) {
        this.db.exec('ROLLBACK');
        throw error;
      }
    });
    return valid.length;
  }

  async forward(kb: string, number: string, code?: string): Promise<ConcordanceRow[]> {
    return this.rows('SELECT row FROM concordance WHERE kb = ? AND old_key = ? AND (? IS NULL OR code = ?) ORDER BY rowid', kb, concordanceKey(number), code ?? null, code ?? null);
  }

  async backward(kb: string, number: string, code?: string): Promise<ConcordanceRow[]> {
    return this.rows('SELECT row FROM concordance WHERE kb = ? AND new_key = ? AND (? IS NULL OR new_code = ?) ORDER BY rowid', kb, concordanceKey(number), code ?? null, code ?? null);
  }

  async list(kb: string, code?: string): Promise<ConcordanceRow[]> {
    return this.rows('SELECT row FROM concordance WHERE kb = ? AND (? IS NULL OR code = ?) ORDER BY rowid', kb, code ?? null, code ?? null);
  }

  async close(): Promise<void> {
    if (this.db.isOpen) this.db.close();
  }

  private rows(sql: string, ...values: Array<string | null>): ConcordanceRow[] {
    const rows = guardSqlite(() => this.db.prepare(sql).all(...values)) as Array<{ row: string }>;
    return rows.map((row) => ConcordanceRowSchema.parse(JSON.parse(row.row)));
  }
}
