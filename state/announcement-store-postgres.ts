import pg from 'pg';
import { PasserelleError } from '../bots/errors.ts';
import { silentLogger, type Logger } from '../bots/logger.ts';
import {
  countsOf, type AnnouncementFilter, type AnnouncementRecord, type AnnouncementStatus, type AnnouncementStore, type NewRecipient,
  type RecipientCounts, type RecipientFilter, type RecipientOutcome, type RecipientRecord,
} from './announcement-store.ts';

export interface PostgresAnnouncementStoreOptions {
  connectionString: string;
  /** Schema holding the tables (created if missing). Default "passerelle", the state store's. */
  schema?: string;
  /** Pool size. Default 5. */
  max?: number;
  connectionTimeoutMillis?: number;
  logger?: Logger;
}

/** First key of the advisory lock taken while creating the tables ("ANNC"). */
const SCHEMA_LOCK_CLASS = 0x414e4e43;
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE', 'EAI_AGAIN', 'ECONNABORTED']);
/** Recipients inserted per INSERT statement (well under PostgreSQL's 65,535 parameters). */
const INSERT_BATCH = 1_000;

type Row = Record<string, unknown>;

/**
 * The production announcement store: two tables in the state store's PostgreSQL schema. Every status change
 * is one UPDATE with the expected status in its WHERE clause: among concurrent callers exactly one wins.
 * An announcement and its recipients are inserted in one transaction (batches of 1,000 rows). Connection
 * failures reject with STORE_UNAVAILABLE; the next call tries again.
 */
export class PostgresAnnouncementStore implements AnnouncementStore {
  private readonly pool: pg.Pool;
  private readonly s: string;
  private readonly schema: string;
  private ready: Promise<void> | undefined;
  private closed = false;

  constructor(options: PostgresAnnouncementStoreOptions) {
    this.schema = options.schema ?? 'passerelle';
    if (!/^[A-Za-z_][A-Za-z0-9_]{0,62}$/.test(this.schema)) {
      throw new PasserelleError('CONFIG_INVALID', { problems: `nom de schéma PostgreSQL invalide « ${this.schema} »` });
    }
    this.s = `"${this.schema}"`;
    this.pool = new pg.Pool({ connectionString: options.connectionString, max: options.max ?? 5, connectionTimeoutMillis: options.connectionTimeoutMillis ?? 5_000 });
    const logger = options.logger ?? silentLogger;
    this.pool.on('error', (error) => logger.warn('PostgreSQL idle connection error', { error }));
  }

  static async open(options: PostgresAnnouncementStoreOptions): Promise<PostgresAnnouncementStore> {
    const store = new PostgresAnnouncementStore(options);
    await store.guard(() => store.ensureSchema()).catch(async (error: unknown) => {
      await store.close();
      throw error;
    });
    return store;
  }

  async createAnnouncement(announcement: AnnouncementRecord, recipients: readonly NewRecipient[]): Promise<void> {
    const a = announcement;
    await this.guard(async () => {
      await this.ensureSchema();
      const client = await this.pool.connect();
      let failed = false;
      try {
        await client.query('BEGIN');
        await client.query(
          `INSERT INTO ${this.s}.announcements (id, audience, markdown, created_by, origin, created_at, scheduled_at, status, confirmed_at, started_at, finished_at, notify)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
          [a.id, a.audience, a.markdown, a.createdBy, a.origin, a.createdAt, a.scheduledAt ?? null, a.status, a.confirmedAt ?? null, a.startedAt ?? null, a.finishedAt ?? null, a.notify ? JSON.stringify(a.notify) : null],
        );
        for (let start = 0; start < recipients.length; start += INSERT_BATCH) {
          const batch = recipients.slice(start, start + INSERT_BATCH);
          const column = <T>(pick: (r: NewRecipient) => T) => batch.map(pick);
          await client.query(
            `INSERT INTO ${this.s}.announcement_recipients (announcement_id, key, channel, kind, target, address, tenant, status, attempts, error_code, reason, updated_at)
             SELECT $1, k, c, kd, t, ad::jsonb, tn, st, 0, ec, rs, $2
             FROM unnest($3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[], $11::text[])
               AS u(k, c, kd, t, ad, tn, st, ec, rs)`,
            [
              a.id, a.createdAt, column((r) => r.key), column((r) => r.channel), column((r) => r.kind), column((r) => r.target),
              column((r) => (r.address ? JSON.stringify(r.address) : null)), column((r) => r.tenant ?? null), column((r) => r.status),
              column((r) => r.errorCode ?? null), column((r) => r.reason ?? null),
            ],
          );
        }
        await client.query('COMMIT');
      } catch (error) {
        failed = true;
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      } finally {
        client.release(failed);
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
      [to, iso(at), id, [...from]],
    );
    return rows.length > 0;
  }

  async listAnnouncements(filter: AnnouncementFilter = {}): Promise<AnnouncementRecord[]> {
    const rows = await this.query(
      `SELECT * FROM ${this.s}.announcements WHERE ($1::text[] IS NULL OR status = ANY($1::text[]))
         AND ($2::timestamptz IS NULL OR (scheduled_at IS NOT NULL AND scheduled_at <= $2)) ORDER BY created_at, id LIMIT $3`,
      [filter.statuses ? [...filter.statuses] : null, filter.scheduledBefore ? iso(filter.scheduledBefore) : null, sqlLimit(filter.limit)],
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
      [announcementId, filter.statuses ? [...filter.statuses] : null, filter.afterKey ?? null, sqlLimit(filter.limit)],
    );
    return rows.map(toRecipient);
  }

  async countRecipients(announcementId: string): Promise<RecipientCounts> {
    const rows = await this.query(`SELECT status, count(*)::int AS n FROM ${this.s}.announcement_recipients WHERE announcement_id = $1 GROUP BY status`, [announcementId]);
    return countsOf(rows.map((row) => [String(row.status), Number(row.n)]));
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
      [owner, iso(at), announcementId, key],
    );
    return row && toRecipient(row);
  }

  async finishRecipient(announcementId: string, key: string, outcome: RecipientOutcome, at: string, owner?: string): Promise<boolean> {
    const sent = outcome.status === 'sent';
    const rows = await this.query(
      `UPDATE ${this.s}.announcement_recipients SET status = $1, message_id = COALESCE($2, message_id), error_code = $3, reason = $4, updated_at = $5,
         claimed_by = CASE WHEN $1 = 'pending' THEN NULL ELSE claimed_by END
       WHERE announcement_id = $6 AND key = $7 AND status = 'sending' AND ($8::text IS NULL OR claimed_by = $8) RETURNING 1`,
      [outcome.status, sent ? outcome.messageId : null, sent ? null : outcome.errorCode, sent ? null : outcome.reason, iso(at), announcementId, key, owner ?? null],
    );
    return rows.length > 0;
  }

  async cancelPending(announcementId: string, at: string): Promise<number> {
    const rows = await this.query(
      `WITH u AS (UPDATE ${this.s}.announcement_recipients SET status = 'cancelled', error_code = 'cancelled', reason = $1, updated_at = $2
         WHERE announcement_id = $3 AND status = 'pending' RETURNING 1) SELECT count(*)::int AS n FROM u`,
      ['Annonce annulée avant cet envoi.', iso(at), announcementId],
    );
    return Number(rows[0]?.n ?? 0);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.pool.end();
  }

  private async query(text: string, values: unknown[]): Promise<Row[]> {
    return this.guard(async () => {
      await this.ensureSchema();
      return (await this.pool.query(text, values)).rows as Row[];
    });
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
    const ignore = () => undefined;
    client.on('error', ignore);
    let failed = false;
    try {
      await client.query('BEGIN');
      await client.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [SCHEMA_LOCK_CLASS, this.schema]);
      const exists = await client.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [this.schema]);
      if (exists.rowCount === 0) await client.query(`CREATE SCHEMA IF NOT EXISTS ${this.s}`);
      await client.query(`
CREATE TABLE IF NOT EXISTS ${this.s}.announcements (
  id text PRIMARY KEY, audience text NOT NULL, markdown text NOT NULL, created_by text NOT NULL, origin text NOT NULL,
  created_at timestamptz NOT NULL, scheduled_at timestamptz, status text NOT NULL, confirmed_at timestamptz,
  started_at timestamptz, finished_at timestamptz, notify jsonb);
CREATE INDEX IF NOT EXISTS announcements_by_status ON ${this.s}.announcements (status, scheduled_at);
CREATE TABLE IF NOT EXISTS ${this.s}.announcement_recipients (
  announcement_id text NOT NULL, key text COLLATE "C" NOT NULL, channel text NOT NULL, kind text NOT NULL, target text NOT NULL,
  address jsonb, tenant text, status text NOT NULL, attempts integer NOT NULL, error_code text, reason text, message_id text,
  claimed_by text, updated_at timestamptz NOT NULL, PRIMARY KEY (announcement_id, key));
CREATE INDEX IF NOT EXISTS announcement_recipients_by_status ON ${this.s}.announcement_recipients (announcement_id, status, key);`);
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

/** Connection-level failures (see PostgresStateStore): network, timeouts, SQLSTATE classes 08, 28, 53, 57, 3D000. */
function isUnavailable(error: unknown): boolean {
  if (error instanceof PasserelleError) return false;
  const code = (error as { code?: unknown } | null)?.code;
  if (error instanceof pg.DatabaseError) return /^(08|28|53|57)/.test(String(code)) || code === '3D000';
  if (NETWORK_CODES.has(String(code))) return true;
  if (error instanceof AggregateError) return error.errors.some(isUnavailable);
  const message = error instanceof Error ? error.message : '';
  return /timeout exceeded when trying to connect|Connection terminated|connection error|not queryable/i.test(message);
}

function toAnnouncement(row: Row): AnnouncementRecord {
  return {
    id: String(row.id),
    audience: String(row.audience),
    markdown: String(row.markdown),
    createdBy: String(row.created_by),
    origin: String(row.origin) as AnnouncementRecord['origin'],
    createdAt: isoOf(row.created_at),
    ...(row.scheduled_at != null ? { scheduledAt: isoOf(row.scheduled_at) } : {}),
    status: String(row.status) as AnnouncementStatus,
    ...(row.confirmed_at != null ? { confirmedAt: isoOf(row.confirmed_at) } : {}),
    ...(row.started_at != null ? { startedAt: isoOf(row.started_at) } : {}),
    ...(row.finished_at != null ? { finishedAt: isoOf(row.finished_at) } : {}),
    ...(row.notify != null ? { notify: row.notify as AnnouncementRecord['notify'] } : {}),
  };
}

function toRecipient(row: Row): RecipientRecord {
  return {
    announcementId: String(row.announcement_id),
    key: String(row.key),
    channel: String(row.channel) as RecipientRecord['channel'],
    kind: String(row.kind) as RecipientRecord['kind'],
    target: String(row.target),
    ...(row.address != null ? { address: row.address as RecipientRecord['address'] } : {}),
    ...(row.tenant != null ? { tenant: String(row.tenant) } : {}),
    status: String(row.status) as RecipientRecord['status'],
    attempts: Number(row.attempts),
    ...(row.error_code != null ? { errorCode: String(row.error_code) } : {}),
    ...(row.reason != null ? { reason: String(row.reason) } : {}),
    ...(row.message_id != null ? { messageId: String(row.message_id) } : {}),
    ...(row.claimed_by != null ? { claimedBy: String(row.claimed_by) } : {}),
    updatedAt: isoOf(row.updated_at),
  };
}

const isoOf = (value: unknown): string => (value instanceof Date ? value : new Date(String(value))).toISOString();

function iso(text: string): string {
  const ms = Date.parse(text);
  if (Number.isNaN(ms)) throw new RangeError(`Invalid ISO timestamp: ${JSON.stringify(text)}`);
  return new Date(ms).toISOString();
}

function sqlLimit(limit: number | undefined): number | null {
  return limit === undefined || !Number.isFinite(limit) ? null : Math.max(0, Math.floor(limit));
}
