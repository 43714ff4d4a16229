import type { DatabaseSync, SQLInputValue, StatementSync } from 'node:sqlite';
import { ANNOUNCEMENT, decode, encode, insertSql, RECIPIENT, SQLITE, sqlLimit, toMillis } from './record-codec.ts';
import { guardSqlite, inTransaction, openSqlite } from './sqlite-support.ts';
import {
  countsOf, type AnnouncementFilter, type AnnouncementRecord, type AnnouncementStatus, type AnnouncementStore, type NewRecipient, type RecipientCounts,
  type RecipientFilter, type RecipientOutcome, type RecipientRecord,
} from './announcement-store.ts';

/**
 * The embedded announcement store: two tables in a SQLite file (by default the state file of the data
 * directory, shared with SqliteStateStore through WAL). Times are epoch milliseconds; the address and the
 * notify target are JSON text. Every status change is one UPDATE with the expected status in its WHERE
 * clause, atomic in SQLite even across processes.
 */
const SCHEMA = `
CREATE TABLE IF NOT EXISTS announcements (
  id TEXT PRIMARY KEY, audience TEXT NOT NULL, markdown TEXT NOT NULL, created_by TEXT NOT NULL, origin TEXT NOT NULL,
  created_at INTEGER NOT NULL, scheduled_at INTEGER, status TEXT NOT NULL, confirmed_at INTEGER, started_at INTEGER,
  finished_at INTEGER, notify TEXT, sender TEXT);
CREATE INDEX IF NOT EXISTS announcements_by_status ON announcements(status, scheduled_at);
CREATE TABLE IF NOT EXISTS announcement_recipients (
  announcement_id TEXT NOT NULL, key TEXT NOT NULL, channel TEXT NOT NULL, kind TEXT NOT NULL, target TEXT NOT NULL,
  address TEXT, tenant TEXT, status TEXT NOT NULL, attempts INTEGER NOT NULL, error_code TEXT, reason TEXT,
  message_id TEXT, claimed_by TEXT, updated_at INTEGER NOT NULL, members INTEGER, PRIMARY KEY (announcement_id, key));
CREATE INDEX IF NOT EXISTS announcement_recipients_by_status ON announcement_recipients(announcement_id, status, key);
`;

type Row = Record<string, SQLInputValue>;

export class SqliteAnnouncementStore implements AnnouncementStore {
  private readonly db: DatabaseSync;
  private readonly sql: Record<string, StatementSync>;
  private closed = false;

  constructor(file: string) {
    this.db = openSqlite(file, SCHEMA, 'announcements');
    const prepare = (text: string) => this.db.prepare(text);
    this.sql = {
      insertAnnouncement: prepare(insertSql(SQLITE, 'announcements', ANNOUNCEMENT)),
      insertRecipient: prepare(
        `INSERT INTO announcement_recipients (announcement_id, key, channel, kind, target, address, tenant, status, attempts, error_code, reason, updated_at, members)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?, ?)`,
      ),
      getAnnouncement: prepare('SELECT * FROM announcements WHERE id = ?'),
      transition: prepare(
        `UPDATE announcements SET status = ?1,
           confirmed_at = CASE WHEN ?1 IN ('scheduled', 'sending') THEN COALESCE(confirmed_at, ?2) ELSE confirmed_at END,
           started_at = CASE WHEN ?1 = 'sending' THEN COALESCE(started_at, ?2) ELSE started_at END,
           finished_at = CASE WHEN ?1 IN ('completed', 'cancelled') THEN ?2 ELSE finished_at END
         WHERE id = ?3 AND status IN (SELECT value FROM json_each(?4))`,
      ),
      listAnnouncements: prepare(
        `SELECT * FROM announcements WHERE (?1 IS NULL OR status IN (SELECT value FROM json_each(?1)))
           AND (?2 IS NULL OR (scheduled_at IS NOT NULL AND scheduled_at <= ?2)) ORDER BY created_at, id LIMIT ?3`,
      ),
      getRecipient: prepare('SELECT * FROM announcement_recipients WHERE announcement_id = ? AND key = ?'),
      listRecipients: prepare(
        `SELECT * FROM announcement_recipients WHERE announcement_id = ?1 AND (?2 IS NULL OR status IN (SELECT value FROM json_each(?2)))
           AND (?3 IS NULL OR key > ?3) ORDER BY key LIMIT ?4`,
      ),
      count: prepare('SELECT status, count(*) AS n, count(members) AS rooms, coalesce(sum(members), 0) AS members FROM announcement_recipients WHERE announcement_id = ? GROUP BY status'),
      hasUnfinished: prepare(
        `SELECT EXISTS (SELECT 1 FROM announcement_recipients WHERE announcement_id = ?1 AND status = 'pending')
             OR EXISTS (SELECT 1 FROM announcement_recipients WHERE announcement_id = ?1 AND status = 'sending') AS unfinished`,
      ),
      claim: prepare(
        `UPDATE announcement_recipients SET status = 'sending', attempts = attempts + 1, claimed_by = ?, updated_at = ?
         WHERE announcement_id = ? AND key = ? AND status = 'pending' RETURNING *`,
      ),
      finish: prepare(
        `UPDATE announcement_recipients SET status = ?1, message_id = COALESCE(?2, message_id), error_code = ?3, reason = ?4, updated_at = ?5,
           claimed_by = CASE WHEN ?1 = 'pending' THEN NULL ELSE claimed_by END
         WHERE announcement_id = ?6 AND key = ?7 AND status = 'sending' AND (?8 IS NULL OR claimed_by = ?8)`,
      ),
      cancelPending: prepare(
        `UPDATE announcement_recipients SET status = 'cancelled', error_code = 'cancelled', reason = ?, updated_at = ?
         WHERE announcement_id = ? AND status = 'pending'`,
      ),
    };
  }

  async createAnnouncement(announcement: AnnouncementRecord, recipients: readonly NewRecipient[]): Promise<void> {
    const a = announcement;
    this.run(() =>
      this.transaction(() => {
        this.sql.insertAnnouncement!.run(...encode(SQLITE, ANNOUNCEMENT, a));
        const now = toMillis(a.createdAt);
        for (const r of recipients) {
          this.sql.insertRecipient!.run(
            a.id, r.key, r.channel, r.kind, r.target, r.address ? JSON.stringify(r.address) : null, r.tenant ?? null, r.status,
            r.errorCode ?? null, r.reason ?? null, now, r.members ?? null,
          );
        }
      }),
    );
  }

  async getAnnouncement(id: string): Promise<AnnouncementRecord | undefined> {
    const row = this.run(() => this.sql.getAnnouncement!.get(id) as Row | undefined);
    return row && toAnnouncement(row);
  }

  async transition(id: string, from: readonly AnnouncementStatus[], to: AnnouncementStatus, at: string): Promise<boolean> {
    return this.run(() => Number(this.sql.transition!.run(to, toMillis(at), id, JSON.stringify(from)).changes) > 0);
  }

  async listAnnouncements(filter: AnnouncementFilter = {}): Promise<AnnouncementRecord[]> {
    const rows = this.run(
      () => this.sql.listAnnouncements!.all(filter.statuses ? JSON.stringify(filter.statuses) : null, filter.scheduledBefore === undefined ? null : toMillis(filter.scheduledBefore), sqlLimit(filter.limit, -1)) as Row[],
    );
    return rows.map(toAnnouncement);
  }

  async getRecipient(announcementId: string, key: string): Promise<RecipientRecord | undefined> {
    const row = this.run(() => this.sql.getRecipient!.get(announcementId, key) as Row | undefined);
    return row && toRecipient(row);
  }

  async listRecipients(announcementId: string, filter: RecipientFilter = {}): Promise<RecipientRecord[]> {
    const rows = this.run(
      () => this.sql.listRecipients!.all(announcementId, filter.statuses ? JSON.stringify(filter.statuses) : null, filter.afterKey ?? null, sqlLimit(filter.limit, -1)) as Row[],
    );
    return rows.map(toRecipient);
  }

  async countRecipients(announcementId: string): Promise<RecipientCounts> {
    const rows = this.run(() => this.sql.count!.all(announcementId) as Row[]);
    return countsOf(rows);
  }

  async hasUnfinished(announcementId: string): Promise<boolean> {
    const row = this.run(() => this.sql.hasUnfinished!.get(announcementId) as Row);
    return Number(row.unfinished) === 1;
  }

  async claimRecipient(announcementId: string, key: string, owner: string, at: string): Promise<RecipientRecord | undefined> {
    const row = this.run(() => this.sql.claim!.get(owner, toMillis(at), announcementId, key) as Row | undefined);
    return row && toRecipient(row);
  }

  async finishRecipient(announcementId: string, key: string, outcome: RecipientOutcome, at: string, owner?: string): Promise<boolean> {
    const sent = outcome.status === 'sent';
    return this.run(
      () =>
        Number(
          this.sql.finish!.run(
            outcome.status, sent ? outcome.messageId : null, sent ? null : outcome.errorCode, sent ? null : outcome.reason, toMillis(at),
            announcementId, key, owner ?? null,
          ).changes,
        ) > 0,
    );
  }

  async cancelPending(announcementId: string, at: string, reason: string): Promise<number> {
    return this.run(() => Number(this.sql.cancelPending!.run(reason, toMillis(at), announcementId).changes));
  }

  /** Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.db.close();
  }

  private transaction<T>(work: () => T): T {
    return inTransaction(this.db, work);
  }

  private run<T>(work: () => T): T {
    return guardSqlite(work);
  }
}

const toAnnouncement = (row: Row): AnnouncementRecord => decode<AnnouncementRecord>(SQLITE, ANNOUNCEMENT, row);
const toRecipient = (row: Row): RecipientRecord => decode<RecipientRecord>(SQLITE, RECIPIENT, row);
