import type { ChannelName, StoredReference } from '../bots/message.ts';
import { PostgresDatabase, type PostgresOptions } from './postgres-support.ts';
import { ANSWER, AUDIT, decode, encode, FEEDBACK, insertSql, POSTGRES, RATE_SLOT, REFERENCE, ROOM_SETTINGS, sqlLimit, SYNC_RUN, TURN, UNANSWERED, type Kind } from './record-codec.ts';
import { ANSWER_KINDS, epochDay, LATENCY_BOUNDS_MS, latencyBucketSql, type ActivityFigures, type AnswerRecord, type RateSlot, type RoomSettingsRecord, type SyncRunRecord, type AuditRecord, type ConversationTurn, type FeedbackRecord, type StateStore, type UnansweredRecord } from './state-store.ts';

/** Pool size defaults to 10 (pg's default). */
export type PostgresStateStoreOptions = PostgresOptions;

/** Expired `seen` and `cache` rows are deleted at most this often per process (they already behave as absent). */
const PURGE_INTERVAL_MS = 60_000;
/** First key of the advisory lock taken while creating the schema ("PASS"). */
const SCHEMA_LOCK_CLASS = 0x50415353;

/**
 * The production state store: PostgreSQL through a `pg.Pool`, all tables in one schema (default
 * "passerelle"). Structured fields are jsonb, times timestamptz; TTLs compare against the database clock
 * (`now()`), so several bot instances agree on expiry whatever their own clocks say.
 *
 * `markSeen`/`markNotified` are one `INSERT … ON CONFLICT … RETURNING` statement each: among concurrent
 * callers (in this process or others) exactly one gets a row back, hence `true`.
 *
 * The schema is created by {@link PostgresStateStore.open} (or lazily by the first operation), idempotently
 * and under an advisory lock so that two processes starting together do not race on `CREATE`. Connection
 * failures (refused, timed out, server shutting down, authentication) reject with `STORE_UNAVAILABLE`; the
 * next operation tries again, so the store recovers by itself when the database comes back.
 */
export class PostgresStateStore implements StateStore {
  private readonly db: PostgresDatabase;
  private readonly s: string;
  private lastPurge = 0;

  constructor(options: PostgresStateStoreOptions) {
    this.db = new PostgresDatabase(options, 10, SCHEMA_LOCK_CLASS, schemaSql, 'state');
    this.s = this.db.s;
  }

  /** Connects and creates the schema and tables if needed; rejects with STORE_UNAVAILABLE if it cannot. */
  static async open(options: PostgresStateStoreOptions): Promise<PostgresStateStore> {
    const store = new PostgresStateStore(options);
    await store.db.open();
    return store;
  }

  async markSeen(key: string, ttlMs: number): Promise<boolean> {
    await this.purgeExpired();
    const rows = await this.query(
      `INSERT INTO ${this.s}.seen AS s (key, expires_at) VALUES ($1, now() + $2::float8 * interval '1 millisecond')
       ON CONFLICT (key) DO UPDATE SET expires_at = excluded.expires_at WHERE s.expires_at <= now() RETURNING 1`,
      [key, ttlMs],
    );
    return rows.length > 0;
  }

  async hasSeen(key: string): Promise<boolean> {
    const rows = await this.query(`SELECT 1 FROM ${this.s}.seen WHERE key = $1 AND expires_at > now()`, [key]);
    return rows.length > 0;
  }

  async saveReference(reference: StoredReference): Promise<void> {
    await this.query(insertSql(POSTGRES, `${this.s}.conversation_references`, REFERENCE, [], ['key']), encode(POSTGRES, REFERENCE, reference));
  }

  async getReference(key: string): Promise<StoredReference | undefined> {
    const [row] = await this.query(`SELECT * FROM ${this.s}.conversation_references WHERE key = $1`, [key]);
    return row && decode<StoredReference>(POSTGRES, REFERENCE, row);
  }

  async listReferences(filter: { channel?: ChannelName; activeOnly?: boolean; directOnly?: boolean } = {}): Promise<StoredReference[]> {
    const rows = await this.query(
      `SELECT * FROM ${this.s}.conversation_references
       WHERE ($1::text IS NULL OR channel = $1) AND (NOT $2::boolean OR active) AND (NOT $3::boolean OR is_direct)
       ORDER BY key COLLATE "C"`,
      [filter.channel ?? null, filter.activeOnly ?? false, filter.directOnly ?? false],
    );
    return rows.map((row) => decode<StoredReference>(POSTGRES, REFERENCE, row));
  }

  async deactivateReference(key: string, reason: string): Promise<void> {
    const sql = `UPDATE ${this.s}.conversation_references SET active = false, inactive_reason = $2, updated_at = now() WHERE key = $1`;
    await this.query(sql, [key, reason]);
  }

  async markNotified(userKey: string): Promise<boolean> {
    const rows = await this.query(`INSERT INTO ${this.s}.notified (user_key) VALUES ($1) ON CONFLICT DO NOTHING RETURNING 1`, [userKey]);
    return rows.length > 0;
  }

  async appendTurn(conversationKey: string, turn: ConversationTurn): Promise<void> {
    await this.query(insertSql(POSTGRES, `${this.s}.turns`, TURN, ['conversation_key']), [conversationKey, ...encode(POSTGRES, TURN, turn)]);
  }

  async recentTurns(conversationKey: string, limit: number, since: string): Promise<ConversationTurn[]> {
    const rows = await this.query(
      `SELECT * FROM ${this.s}.turns WHERE conversation_key = $1 AND at > $2 ORDER BY at DESC, id DESC LIMIT $3`,
      [conversationKey, POSTGRES.encodeTime(since), sqlLimit(limit, null)],
    );
    return rows.reverse().map((row) => decode<ConversationTurn>(POSTGRES, TURN, row));
  }

  async clearConversation(conversationKey: string): Promise<void> {
    await this.query(`DELETE FROM ${this.s}.turns WHERE conversation_key = $1`, [conversationKey]);
  }

  async saveAnswer(answer: AnswerRecord): Promise<void> {
    await this.query(insertSql(POSTGRES, `${this.s}.answers`, ANSWER, [], ['channel', 'message_id']), encode(POSTGRES, ANSWER, answer));
  }

  async getAnswer(channel: ChannelName, messageId: string): Promise<AnswerRecord | undefined> {
    const [row] = await this.query(`SELECT * FROM ${this.s}.answers WHERE channel = $1 AND message_id = $2`, [channel, messageId]);
    return row && decode<AnswerRecord>(POSTGRES, ANSWER, row);
  }

  async recordFeedback(feedback: FeedbackRecord): Promise<void> {
    if (feedback.messageId === '' || feedback.rating === 0) {
      await this.query(insertSql(POSTGRES, `${this.s}.feedback`, FEEDBACK), encode(POSTGRES, FEEDBACK, feedback));
      return;
    }
    // One rating per user and message, the latest: concurrent ratings of the same pair are serialised.
    await this.db.transaction(async (query) => {
      await query('SELECT pg_advisory_xact_lock(hashtext($1))', [`feedback:${feedback.channel}:${feedback.messageId}:${feedback.userHash}`]);
      await query(`DELETE FROM ${this.s}.feedback WHERE channel = $1 AND message_id = $2 AND user_hash = $3 AND rating <> 0`, [feedback.channel, feedback.messageId, feedback.userHash]);
      await query(insertSql(POSTGRES, `${this.s}.feedback`, FEEDBACK), encode(POSTGRES, FEEDBACK, feedback));
    });
  }

  async withdrawRating(channel: ChannelName, messageId: string, userHash: string): Promise<number> {
    const rows = await this.query(`DELETE FROM ${this.s}.feedback WHERE channel = $1 AND message_id = $2 AND user_hash = $3 AND rating <> 0 RETURNING 1`, [channel, messageId, userHash]);
    return rows.length;
  }

  async listFeedback(limit: number): Promise<FeedbackRecord[]> {
    return this.newestFirst<FeedbackRecord>('feedback', FEEDBACK, limit);
  }

  async recordUnanswered(record: UnansweredRecord): Promise<void> {
    await this.query(insertSql(POSTGRES, `${this.s}.unanswered`, UNANSWERED), encode(POSTGRES, UNANSWERED, record));
  }

  async listUnanswered(limit: number): Promise<UnansweredRecord[]> {
    return this.newestFirst<UnansweredRecord>('unanswered', UNANSWERED, limit);
  }

  async recordAudit(record: AuditRecord): Promise<void> {
    await this.query(insertSql(POSTGRES, `${this.s}.audit`, AUDIT), encode(POSTGRES, AUDIT, record));
  }

  async listAudit(limit: number): Promise<AuditRecord[]> {
    return this.newestFirst<AuditRecord>('audit', AUDIT, limit);
  }

  async purgeAudit(before: string): Promise<number> {
    const rows = await this.query(`WITH d AS (DELETE FROM ${this.s}.audit WHERE at < $1 RETURNING 1) SELECT count(*)::int AS n FROM d`, [POSTGRES.encodeTime(before)]);
    return Number(rows[0]?.n ?? 0);
  }

  async activity(from: string, to: string): Promise<ActivityFigures> {
    const bounds = [POSTGRES.encodeTime(from), POSTGRES.encodeTime(to)];
    const kinds = [...ANSWER_KINDS];
    const day = `floor(extract(epoch from at) / 86400)::int`;
    const [answers, buckets, ratings] = await Promise.all([
      this.query(
        `SELECT ${day} AS day, coalesce(kb, '') AS kb, channel, kind, count(*)::int AS n, sum(input_tokens)::float8 AS input_tokens, sum(output_tokens)::float8 AS output_tokens, sum(energy_wh)::float8 AS energy_wh
         FROM ${this.s}.audit WHERE at >= $1 AND at < $2 AND kind = ANY($3) GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4`,
        [...bounds, kinds],
      ),
      this.query(`SELECT ${latencyBucketSql()} AS bucket, count(*)::int AS n FROM ${this.s}.audit WHERE at >= $1 AND at < $2 AND kind = ANY($3) GROUP BY 1`, [...bounds, kinds]),
      this.query(`SELECT ${day} AS day, rating, count(*)::int AS n FROM ${this.s}.feedback WHERE at >= $1 AND at < $2 AND rating <> 0 GROUP BY 1, 2 ORDER BY 1, 2`, bounds),
    ]);
    const latency = new Array<number>(LATENCY_BOUNDS_MS.length + 1).fill(0);
    for (const row of buckets) latency[Number(row.bucket)] = Number(row.n);
    return {
      answers: answers.map((row) => ({
        day: epochDay(Number(row.day)), kb: String(row.kb), channel: String(row.channel), kind: String(row.kind), count: Number(row.n),
        inputTokens: Number(row.input_tokens), outputTokens: Number(row.output_tokens), energyWh: Number(row.energy_wh),
      })),
      latency,
      ratings: ratings.map((row) => ({ day: epochDay(Number(row.day)), rating: Number(row.rating) > 0 ? 1 : -1, count: Number(row.n) })),
    };
  }

  async cacheGet(key: string): Promise<string | undefined> {
    const [row] = await this.query(`SELECT value FROM ${this.s}.cache WHERE key = $1 AND expires_at > now()`, [key]);
    return row ? String(row.value) : undefined;
  }

  async cacheSet(key: string, value: string, ttlMs: number): Promise<void> {
    await this.purgeExpired();
    await this.query(
      `INSERT INTO ${this.s}.cache (key, value, expires_at) VALUES ($1, $2, now() + $3::float8 * interval '1 millisecond')
       ON CONFLICT (key) DO UPDATE SET value = excluded.value, expires_at = excluded.expires_at`,
      [key, value, ttlMs],
    );
  }

  /** Returns how many live entries were deleted (expired ones under the prefix are dropped but not counted). */
  async cacheInvalidate(prefix: string): Promise<number> {
    // starts_with rather than LIKE: a prefix containing `%` or `_` must match literally.
    const rows = await this.query(
      `WITH d AS (DELETE FROM ${this.s}.cache WHERE starts_with(key, $1) RETURNING expires_at)
       SELECT (count(*) FILTER (WHERE expires_at > now()))::int AS n FROM d`,
      [prefix],
    );
    return Number(rows[0]?.n ?? 0);
  }

  async addSlot(slot: RateSlot): Promise<void> {
    await this.query(insertSql(POSTGRES, `${this.s}.rate_slots`, RATE_SLOT), encode(POSTGRES, RATE_SLOT, slot));
  }

  async userSlots(userKey: string, since: string): Promise<RateSlot[]> {
    const rows = await this.query(
      `SELECT * FROM ${this.s}.rate_slots WHERE user_key = $1 AND (at >= $2 OR message IS NOT NULL) ORDER BY at, id COLLATE "C"`,
      [userKey, POSTGRES.encodeTime(since)],
    );
    return rows.map((row) => decode<RateSlot>(POSTGRES, RATE_SLOT, row));
  }

  async dueSlots(until: string, limit: number): Promise<RateSlot[]> {
    const rows = await this.query(
      `SELECT * FROM ${this.s}.rate_slots WHERE message IS NOT NULL AND at <= $1 ORDER BY at, id COLLATE "C" LIMIT $2`,
      [POSTGRES.encodeTime(until), sqlLimit(limit, null)],
    );
    return rows.map((row) => decode<RateSlot>(POSTGRES, RATE_SLOT, row));
  }

  async releaseSlot(id: string): Promise<boolean> {
    const rows = await this.query(`UPDATE ${this.s}.rate_slots SET message = NULL WHERE id = $1 AND message IS NOT NULL RETURNING 1`, [id]);
    return rows.length > 0;
  }

  async pruneSlots(before: string): Promise<number> {
    const rows = await this.query(`WITH d AS (DELETE FROM ${this.s}.rate_slots WHERE message IS NULL AND at < $1 RETURNING 1) SELECT count(*)::int AS n FROM d`, [POSTGRES.encodeTime(before)]);
    return Number(rows[0]?.n ?? 0);
  }

  async getRoomSettings(roomKey: string): Promise<RoomSettingsRecord | undefined> {
    const [row] = await this.query(`SELECT * FROM ${this.s}.room_settings WHERE room_key = $1`, [roomKey]);
    return row && decode<RoomSettingsRecord>(POSTGRES, ROOM_SETTINGS, row);
  }

  async saveRoomSettings(record: RoomSettingsRecord): Promise<void> {
    await this.query(insertSql(POSTGRES, `${this.s}.room_settings`, ROOM_SETTINGS, [], ['room_key']), encode(POSTGRES, ROOM_SETTINGS, record));
  }

  async listRoomSettings(): Promise<RoomSettingsRecord[]> {
    const rows = await this.query(`SELECT * FROM ${this.s}.room_settings ORDER BY room_key COLLATE "C"`, []);
    return rows.map((row) => decode<RoomSettingsRecord>(POSTGRES, ROOM_SETTINGS, row));
  }

  async recordSyncRun(run: SyncRunRecord): Promise<void> {
    await this.query(insertSql(POSTGRES, `${this.s}.sync_runs`, SYNC_RUN, [], ['id']), encode(POSTGRES, SYNC_RUN, run));
  }

  async listSyncRuns(limit: number, schedule?: string): Promise<SyncRunRecord[]> {
    const rows = await this.query(`SELECT * FROM ${this.s}.sync_runs WHERE ($1::text IS NULL OR schedule = $1) ORDER BY started_at DESC, id DESC LIMIT $2`, [schedule ?? null, sqlLimit(limit, null)]);
    return rows.map((row) => decode<SyncRunRecord>(POSTGRES, SYNC_RUN, row));
  }

  /** Ends the pool. Idempotent. */
  async close(): Promise<void> {
    await this.db.close();
  }

  private async newestFirst<T>(table: string, spec: Record<string, Kind>, limit: number): Promise<T[]> {
    const rows = await this.query(`SELECT * FROM ${this.s}.${table} ORDER BY at DESC, id DESC LIMIT $1`, [sqlLimit(limit, null)]);
    return rows.map((row) => decode<T>(POSTGRES, spec, row));
  }

  private query(text: string, values: unknown[]) {
    return this.db.query(text, values);
  }

  private async purgeExpired(): Promise<void> {
    const now = Date.now();
    if (now - this.lastPurge < PURGE_INTERVAL_MS) return;
    this.lastPurge = now;
    // No parameters: pg uses the simple protocol, which accepts two statements.
    await this.query(`DELETE FROM ${this.s}.seen WHERE expires_at <= now(); DELETE FROM ${this.s}.cache WHERE expires_at <= now()`, []);
  }
}

function schemaSql(s: string): string {
  return `
CREATE TABLE IF NOT EXISTS ${s}.seen (key text PRIMARY KEY, expires_at timestamptz NOT NULL);
CREATE TABLE IF NOT EXISTS ${s}.notified (user_key text PRIMARY KEY, at timestamptz NOT NULL DEFAULT now());
CREATE TABLE IF NOT EXISTS ${s}.conversation_references (
  key text PRIMARY KEY, channel text NOT NULL, reference jsonb NOT NULL, user_id text, tenant text,
  is_direct boolean NOT NULL, active boolean NOT NULL, inactive_reason text, updated_at timestamptz NOT NULL);
CREATE TABLE IF NOT EXISTS ${s}.turns (
  id bigserial PRIMARY KEY, conversation_key text NOT NULL, role text NOT NULL, text text NOT NULL, kb text,
  cited_ids jsonb, at timestamptz NOT NULL);
CREATE INDEX IF NOT EXISTS turns_by_conversation ON ${s}.turns (conversation_key, at, id);
CREATE TABLE IF NOT EXISTS ${s}.answers (
  channel text NOT NULL, message_id text NOT NULL, conversation_key text NOT NULL, question text NOT NULL,
  answer text NOT NULL, kb text, cited_ids jsonb NOT NULL, at timestamptz NOT NULL, PRIMARY KEY (channel, message_id));
CREATE TABLE IF NOT EXISTS ${s}.feedback (
  id bigserial PRIMARY KEY, channel text NOT NULL, message_id text NOT NULL, user_hash text NOT NULL, rating smallint NOT NULL,
  comment text, question text, answer text, cited_ids jsonb NOT NULL, kb text, at timestamptz NOT NULL);
CREATE INDEX IF NOT EXISTS feedback_by_time ON ${s}.feedback (at, id);
CREATE TABLE IF NOT EXISTS ${s}.unanswered (
  id bigserial PRIMARY KEY, channel text NOT NULL, user_hash text NOT NULL, question text NOT NULL, kb text,
  reason text NOT NULL, nearest_ids jsonb NOT NULL, at timestamptz NOT NULL);
CREATE INDEX IF NOT EXISTS unanswered_by_time ON ${s}.unanswered (at, id);
CREATE TABLE IF NOT EXISTS ${s}.audit (
  id bigserial PRIMARY KEY, channel text NOT NULL, user_hash text NOT NULL, kind text NOT NULL, kb text,
  cited_ids jsonb NOT NULL, model text, input_tokens float8 NOT NULL, output_tokens float8 NOT NULL,
  energy_wh float8 NOT NULL, latency_ms float8 NOT NULL, abstained boolean NOT NULL, at timestamptz NOT NULL);
CREATE INDEX IF NOT EXISTS audit_by_time ON ${s}.audit (at, id);
CREATE TABLE IF NOT EXISTS ${s}.cache (key text PRIMARY KEY, value text NOT NULL, expires_at timestamptz NOT NULL);
CREATE TABLE IF NOT EXISTS ${s}.rate_slots (id text PRIMARY KEY, user_key text NOT NULL, at timestamptz NOT NULL, message jsonb);
CREATE INDEX IF NOT EXISTS rate_slots_by_user ON ${s}.rate_slots (user_key, at);
CREATE INDEX IF NOT EXISTS rate_slots_held ON ${s}.rate_slots (at) WHERE message IS NOT NULL;
CREATE TABLE IF NOT EXISTS ${s}.room_settings (
  room_key text PRIMARY KEY, channel text NOT NULL, settings jsonb NOT NULL, updated_by text NOT NULL, updated_at timestamptz NOT NULL);`;
}
