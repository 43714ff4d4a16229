import { PostgresDatabase, type PostgresOptions } from './postgres-support.ts';
import { ANNOUNCEMENT, decode, encode, insertSql, POSTGRES, RECIPIENT, sqlLimit } from './record-codec.ts';
import {
  countsOf, type AnnouncementFilter, type AnnouncementRecord, type AnnouncementStatus, type AnnouncementStore, type NewRecipient,
  type RecipientCounts, type RecipientFilter, type RecipientOutcome, type RecipientRecord,
} from './announcement-store.ts';

/** Schema defaults to the state store's ("passerelle"); pool size to 5. */
export type PostgresAnnouncementStoreOptions = PostgresOptions;

/** First key of the advisory lock taken while creating the tables ("ANNC"). */
const SCHEMA_LOCK_CLASS = 0x414e4e43;
/** Recipients inserted per INSERT statement (well under PostgreSQL's 65,535 parameters). */
const INSERT_BATCH = 1_000;

/**
 * The production announcement store: two tables in the state store's PostgreSQL schema. Every status change
 * is one UPDATE with the expected status in its WHERE clause: among concurrent callers exactly one wins.
 * An announcement and its recipients are inserted in one transaction (batches of 1,000 rows). Connection
 * failures reject with STORE_UNAVAILABLE; the next call tries again.
 */
export class PostgresAnnouncementStore implements AnnouncementStore {
  private readonly db: PostgresDatabase;
  private readonly s: string;

  constructor(options: PostgresAnnouncementStoreOptions) {
    this.db = new PostgresDatabase(options, 5, SCHEMA_LOCK_CLASS, tablesSql, 'announcements');
    this.s = this.db.s;
  }

  static async open(options: PostgresAnnouncementStoreOptions): Promise<PostgresAnnouncementStore> {
    const store = new PostgresAnnouncementStore(options);
    await store.db.open();
    return store;
  }

  async createAnnouncement(announcement: AnnouncementRecord, recipients: readonly NewRecipient[]): Promise<void> {
    const a = announcement;
    await this.db.transaction(async (query) => {
      await query(insertSql(POSTGRES, `${this.s}.announcements`, ANNOUNCEMENT), encode(POSTGRES, ANNOUNCEMENT, a));
      for (let start = 0; start < recipients.length; start += INSERT_BATCH) {
        const batch = recipients.slice(start, start + INSERT_BATCH);
        const column = <T>(pick: (r: NewRecipient) => T) => batch.map(pick);
        await query(
          `INSERT INTO ${this.s}.announcement_recipients (announcement_id, key, channel, kind, target, address, tenant, status, attempts, error_code, reason, updated_at, members)
           SELECT $1, k, c, kd, t, ad::jsonb, tn, st, 0, ec, rs, $2, m
           FROM unnest($3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[], $11::text[], $12::int[])
             AS u(k, c, kd, t, ad, tn, st, ec, rs, m)`,
          [
            a.id, POSTGRES.encodeTime(a.createdAt), column((r) => r.key), column((r) => r.channel), column((r) => r.kind), column((r) => r.target),
            column((r) => (r.address ? JSON.stringify(r.address) : null)), column((r) => r.tenant ?? null), column((r) => r.status),
            column((r) => r.errorCode ?? null), column((r) => r.reason ?? null), column((r) => r.members ?? null),
          ],
        );
      }
    });
  }

  async getAnnouncement(id: string): Promise<AnnouncementRecord | undefined> {
    return (await this.query(`SELECT * FROM ${this.s}.announcements WHERE id = $1`, [id])).map(toAnnouncement)[0];
  }

  async transition(id: string, from: readonly AnnouncementStatus[], to: AnnouncementStatus, at: string): Promise<boolean> {
    const rows = await this.query(
      `UPDATE ${this.s}.announcements SET status = $1,
         confirmed_at = CASE WHEN $1 IN ('scheduled', 'sending') THEN COALESCE(confirmed_at, $2) ELSE confirmed_at END,
         started_at = CASE WHEN $1 = 'sending' THEN COALESCE(started_at, $2) ELSE started_at END,
         finished_at = CASE WHEN $1 IN ('completed', 'cancelled') THEN $2 ELSE finished_at END
       WHERE id = $3 AND status = ANY($4::text[]) RETURNING 1`,
      [to, POSTGRES.encodeTime(at), id, [...from]],
    );
    return rows.length > 0;
  }

  async listAnnouncements(filter: AnnouncementFilter = {}): Promise<AnnouncementRecord[]> {
    const rows = await this.query(
      `SELECT * FROM ${this.s}.announcements WHERE ($1::text[] IS NULL OR status = ANY($1::text[]))
         AND ($2::timestamptz IS NULL OR (scheduled_at IS NOT NULL AND scheduled_at <= $2)) ORDER BY created_at, id LIMIT $3`,
      [filter.statuses ? [...filter.statuses] : null, filter.scheduledBefore ? POSTGRES.encodeTime(filter.scheduledBefore) : null, sqlLimit(filter.limit, null)],
    );
    return rows.map(toAnnouncement);
  }

  async getRecipient(announcementId: string, key: string): Promise<RecipientRecord | undefined> {
    return (await this.query(`SELECT * FROM ${this.s}.announcement_recipients WHERE announcement_id = $1 AND key = $2`, [announcementId, key])).map(toRecipient)[0];
  }

  async listRecipients(announcementId: string, filter: RecipientFilter = {}): Promise<RecipientRecord[]> {
    const rows = await this.query(
      `SELECT * FROM ${this.s}.announcement_recipients WHERE announcement_id = $1 AND ($2::text[] IS NULL OR status = ANY($2::text[]))
         AND ($3::text IS NULL OR key > $3) ORDER BY key COLLATE "C" LIMIT $4`,
      [announcementId, filter.statuses ? [...filter.statuses] : null, filter.afterKey ?? null, sqlLimit(filter.limit, null)],
    );
    return rows.map(toRecipient);
  }

  async countRecipients(announcementId: string): Promise<RecipientCounts> {
    const rows = await this.query(
      `SELECT status, count(*)::int AS n, count(members)::int AS rooms, coalesce(sum(members), 0)::int AS members FROM ${this.s}.announcement_recipients WHERE announcement_id = $1 GROUP BY status`,
      [announcementId],
    );
    return countsOf(rows);
  }

  async hasUnfinished(announcementId: string): Promise<boolean> {
    const rows = await this.query(
      `SELECT 1 FROM ${this.s}.announcement_recipients WHERE announcement_id = $1 AND status IN ('pending', 'sending') LIMIT 1`,
      [announcementId],
    );
    return rows.length > 0;
  }

  async claimRecipient(announcementId: string, key: string, owner: string, at: string): Promise<RecipientRecord | undefined> {
    const [row] = await this.query(
      `UPDATE ${this.s}.announcement_recipients SET status = 'sending', attempts = attempts + 1, claimed_by = $1, updated_at = $2
       WHERE announcement_id = $3 AND key = $4 AND status = 'pending' RETURNING *`,
      [owner, POSTGRES.encodeTime(at), announcementId, key],
    );
    return row && toRecipient(row);
  }

  async finishRecipient(announcementId: string, key: string, outcome: RecipientOutcome, at: string, owner?: string): Promise<boolean> {
    const sent = outcome.status === 'sent';
    const rows = await this.query(
      `UPDATE ${this.s}.announcement_recipients SET status = $1, message_id = COALESCE($2, message_id), error_code = $3, reason = $4, updated_at = $5,
         claimed_by = CASE WHEN $1 = 'pending' THEN NULL ELSE claimed_by END
       WHERE announcement_id = $6 AND key = $7 AND status = 'sending' AND ($8::text IS NULL OR claimed_by = $8) RETURNING 1`,
      [outcome.status, sent ? outcome.messageId : null, sent ? null : outcome.errorCode, sent ? null : outcome.reason, POSTGRES.encodeTime(at), announcementId, key, owner ?? null],
    );
    return rows.length > 0;
  }

  async cancelPending(announcementId: string, at: string, reason: string): Promise<number> {
    const rows = await this.query(
      `WITH u AS (UPDATE ${this.s}.announcement_recipients SET status = 'cancelled', error_code = 'cancelled', reason = $1, updated_at = $2
         WHERE announcement_id = $3 AND status = 'pending' RETURNING 1) SELECT count(*)::int AS n FROM u`,
      [reason, POSTGRES.encodeTime(at), announcementId],
    );
    return Number(rows[0]?.n ?? 0);
  }

  async close(): Promise<void> {
    await this.db.close();
  }

  private query(text: string, values: unknown[]) {
    return this.db.query(text, values);
  }
}

function tablesSql(s: string): string {
  return `
CREATE TABLE IF NOT EXISTS ${s}.announcements (
  id text PRIMARY KEY, audience text NOT NULL, markdown text NOT NULL, created_by text NOT NULL, origin text NOT NULL,
  created_at timestamptz NOT NULL, scheduled_at timestamptz, status text NOT NULL, confirmed_at timestamptz,
  started_at timestamptz, finished_at timestamptz, notify jsonb, sender text);
CREATE INDEX IF NOT EXISTS announcements_by_status ON ${s}.announcements (status, scheduled_at);
CREATE TABLE IF NOT EXISTS ${s}.announcement_recipients (
  announcement_id text NOT NULL, key text COLLATE "C" NOT NULL, channel text NOT NULL, kind text NOT NULL, target text NOT NULL,
  address jsonb, tenant text, status text NOT NULL, attempts integer NOT NULL, error_code text, reason text, message_id text,
  claimed_by text, updated_at timestamptz NOT NULL, PRIMARY KEY (announcement_id, key));
CREATE INDEX IF NOT EXISTS announcement_recipients_by_status ON ${s}.announcement_recipients (announcement_id, status, key);`;
}

const toAnnouncement = (row: Record<string, unknown>): AnnouncementRecord => decode<AnnouncementRecord>(POSTGRES, ANNOUNCEMENT, row);
const toRecipient = (row: Record<string, unknown>): RecipientRecord => decode<RecipientRecord>(POSTGRES, RECIPIENT, row);
