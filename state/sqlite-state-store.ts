import type { SQLInputValue, DatabaseSync, StatementSync } from 'node:sqlite';
import type { ChannelName, StoredReference } from '../bots/message.ts';
import { ANSWER, AUDIT, decode, encode, FEEDBACK, insertSql, RATE_SLOT, REFERENCE, ROOM_SETTINGS, SQLITE, sqlLimit, SYNC_RUN, toMillis, TURN, UNANSWERED } from './record-codec.ts';
import { guardSqlite, inTransaction, openSqlite } from './sqlite-support.ts';
import { ANSWER_KINDS, epochDay, LATENCY_BOUNDS_MS, latencyBucketSql, type ActivityFigures, type AnswerRecord, type RateSlot, type RoomSettingsRecord, type SyncRunRecord, type AuditRecord, type ConversationTurn, type FeedbackRecord, type StateStore, type UnansweredRecord } from './state-store.ts';

/** Expired `seen` and `cache` rows are deleted at most this often (they already behave as absent). */
const PURGE_INTERVAL_MS = 60_000;

/**
 * Times are epoch milliseconds (INTEGER) so that ordering and comparisons follow instants, not the text of
 * ISO strings (`…+01:00` vs `…Z`); they are read back as `Date#toISOString()`, the normalisation the
 * PostgreSQL store applies too. Arrays and channel references are JSON text; booleans 0/1.
 */
const SCHEMA = `
CREATE TABLE IF NOT EXISTS seen (key TEXT PRIMARY KEY, expires_at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS notified (user_key TEXT PRIMARY KEY, at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS conversation_references (
  key TEXT PRIMARY KEY, channel TEXT NOT NULL, reference TEXT NOT NULL, user_id TEXT, tenant TEXT,
  is_direct INTEGER NOT NULL, active INTEGER NOT NULL, inactive_reason TEXT, updated_at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS turns (
  id INTEGER PRIMARY KEY AUTOINCREMENT, conversation_key TEXT NOT NULL, role TEXT NOT NULL, text TEXT NOT NULL,
  kb TEXT, cited_ids TEXT, at INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS turns_by_conversation ON turns(conversation_key, at, id);
CREATE TABLE IF NOT EXISTS answers (
  channel TEXT NOT NULL, message_id TEXT NOT NULL, conversation_key TEXT NOT NULL, question TEXT NOT NULL,
  answer TEXT NOT NULL, kb TEXT, cited_ids TEXT NOT NULL, at INTEGER NOT NULL, PRIMARY KEY (channel, message_id));
CREATE TABLE IF NOT EXISTS feedback (
  id INTEGER PRIMARY KEY AUTOINCREMENT, channel TEXT NOT NULL, message_id TEXT NOT NULL, user_hash TEXT NOT NULL,
  rating INTEGER NOT NULL, comment TEXT, question TEXT, answer TEXT, cited_ids TEXT NOT NULL, kb TEXT, at INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS feedback_by_time ON feedback(at, id);
CREATE TABLE IF NOT EXISTS unanswered (
  id INTEGER PRIMARY KEY AUTOINCREMENT, channel TEXT NOT NULL, user_hash TEXT NOT NULL, question TEXT NOT NULL,
  kb TEXT, reason TEXT NOT NULL, nearest_ids TEXT NOT NULL, at INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS unanswered_by_time ON unanswered(at, id);
CREATE TABLE IF NOT EXISTS audit (
  id INTEGER PRIMARY KEY AUTOINCREMENT, channel TEXT NOT NULL, user_hash TEXT NOT NULL, kind TEXT NOT NULL, kb TEXT,
  cited_ids TEXT NOT NULL, model TEXT, input_tokens REAL NOT NULL, output_tokens REAL NOT NULL, energy_wh REAL NOT NULL,
  latency_ms REAL NOT NULL, abstained INTEGER NOT NULL, at INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS audit_by_time ON audit(at, id);
CREATE TABLE IF NOT EXISTS cache (key TEXT PRIMARY KEY, value TEXT NOT NULL, expires_at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS rate_slots (id TEXT PRIMARY KEY, user_key TEXT NOT NULL, at INTEGER NOT NULL, message TEXT);
CREATE INDEX IF NOT EXISTS rate_slots_by_user ON rate_slots(user_key, at);
CREATE INDEX IF NOT EXISTS rate_slots_held ON rate_slots(at) WHERE message IS NOT NULL;
CREATE TABLE IF NOT EXISTS room_settings (room_key TEXT PRIMARY KEY, channel TEXT NOT NULL, settings TEXT NOT NULL, updated_by TEXT NOT NULL, updated_at INTEGER NOT NULL);
`;

type Row = Record<string, SQLInputValue>;


/**
 * The embedded state store: one SQLite file (Node's built-in node:sqlite) in the data directory, or
 * `':memory:'` for tests and the demo. WAL journal and a busy timeout let another process (a worker, the
 * CLI) share the file. `markSeen`/`markNotified` are each one `INSERT … ON CONFLICT` statement, atomic in
 * SQLite, so exactly one caller gets `true` even across processes.
 *
 * TTLs are expiry timestamps: expired rows are ignored by reads and purged opportunistically (at most once
 * a minute, on a write). Failing to open, and I/O or locking errors, surface as `STORE_UNAVAILABLE`.
 */
export class SqliteStateStore implements StateStore {
  private readonly db: DatabaseSync;
  private readonly sql: Record<string, StatementSync>;
  private lastPurge = 0;
  private closed = false;

  constructor(file: string) {
    this.db = openSqlite(file, SCHEMA, 'state');
    const prepare = (text: string) => this.db.prepare(text);
    this.sql = {
      // Inserts, or takes over an expired row; on a live row the upsert's WHERE is false: 0 changes.
      markSeen: prepare(
        'INSERT INTO seen(key, expires_at) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET expires_at = excluded.expires_at WHERE seen.expires_at <= ?',
      ),
      hasSeen: prepare('SELECT 1 FROM seen WHERE key = ? AND expires_at > ?'),
      markNotified: prepare('INSERT INTO notified(user_key, at) VALUES (?, ?) ON CONFLICT(user_key) DO NOTHING'),
      saveReference: prepare(insertSql(SQLITE, 'conversation_references', REFERENCE, [], ['key'])),
      getReference: prepare('SELECT * FROM conversation_references WHERE key = ?'),
      listReferences: prepare(
        `SELECT * FROM conversation_references
         WHERE (?1 IS NULL OR channel = ?1) AND (?2 = 0 OR active = 1) AND (?3 = 0 OR is_direct = 1) ORDER BY key`,
      ),
      deactivate: prepare('UPDATE conversation_references SET active = 0, inactive_reason = ?, updated_at = ? WHERE key = ?'),
      appendTurn: prepare(insertSql(SQLITE, 'turns', TURN, ['conversation_key'])),
      recentTurns: prepare('SELECT * FROM turns WHERE conversation_key = ? AND at > ? ORDER BY at DESC, id DESC LIMIT ?'),
      clearConversation: prepare('DELETE FROM turns WHERE conversation_key = ?'),
      saveAnswer: prepare(insertSql(SQLITE, 'answers', ANSWER, [], ['channel', 'message_id'])),
      getAnswer: prepare('SELECT * FROM answers WHERE channel = ? AND message_id = ?'),
      recordFeedback: prepare(insertSql(SQLITE, 'feedback', FEEDBACK)),
      withdrawRating: prepare('DELETE FROM feedback WHERE channel = ? AND message_id = ? AND user_hash = ? AND rating <> 0'),
      listFeedback: prepare('SELECT * FROM feedback ORDER BY at DESC, id DESC LIMIT ?'),
      recordUnanswered: prepare(insertSql(SQLITE, 'unanswered', UNANSWERED)),
      listUnanswered: prepare('SELECT * FROM unanswered ORDER BY at DESC, id DESC LIMIT ?'),
      recordAudit: prepare(insertSql(SQLITE, 'audit', AUDIT)),
      listAudit: prepare('SELECT * FROM audit ORDER BY at DESC, id DESC LIMIT ?'),
      purgeAudit: prepare('DELETE FROM audit WHERE at < ?'),
      activityAnswers: prepare(
        `SELECT at / 86400000 AS day, coalesce(kb, '') AS kb, channel, kind, count(*) AS n, sum(input_tokens) AS input_tokens, sum(output_tokens) AS output_tokens, sum(energy_wh) AS energy_wh
         FROM audit WHERE at >= ? AND at < ? AND kind IN (${ANSWER_KINDS.map((kind) => `'${kind}'`).join(', ')}) GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4`,
      ),
      activityLatency: prepare(
        `SELECT ${latencyBucketSql()} AS bucket, count(*) AS n FROM audit WHERE at >= ? AND at < ? AND kind IN (${ANSWER_KINDS.map((kind) => `'${kind}'`).join(', ')}) GROUP BY 1`,
      ),
      activityRatings: prepare('SELECT at / 86400000 AS day, rating, count(*) AS n FROM feedback WHERE at >= ? AND at < ? AND rating <> 0 GROUP BY 1, 2 ORDER BY 1, 2'),
      cacheGet: prepare('SELECT value FROM cache WHERE key = ? AND expires_at > ?'),
      cacheSet: prepare(
        'INSERT INTO cache(key, value, expires_at) VALUES (?, ?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value, expires_at = excluded.expires_at',
      ),
      // substr/length rather than LIKE: a prefix containing `%` or `_` must match literally.
      cacheDropExpired: prepare('DELETE FROM cache WHERE substr(key, 1, length(?1)) = ?1 AND expires_at <= ?2'),
      cacheInvalidate: prepare('DELETE FROM cache WHERE substr(key, 1, length(?1)) = ?1'),
      addSlot: prepare(insertSql(SQLITE, 'rate_slots', RATE_SLOT)),
      userSlots: prepare('SELECT * FROM rate_slots WHERE user_key = ? AND (at >= ? OR message IS NOT NULL) ORDER BY at, id'),
      dueSlots: prepare('SELECT * FROM rate_slots WHERE message IS NOT NULL AND at <= ? ORDER BY at, id LIMIT ?'),
      releaseSlot: prepare('UPDATE rate_slots SET message = NULL WHERE id = ? AND message IS NOT NULL'),
      pruneSlots: prepare('DELETE FROM rate_slots WHERE message IS NULL AND at < ?'),
      saveRoomSettings: prepare(insertSql(SQLITE, 'room_settings', ROOM_SETTINGS, [], ['room_key'])),
      getRoomSettings: prepare('SELECT * FROM room_settings WHERE room_key = ?'),
      listRoomSettings: prepare('SELECT * FROM room_settings ORDER BY room_key'),
      recordSyncRun: prepare(insertSql(SQLITE, 'sync_runs', SYNC_RUN, [], ['id'])),
      listSyncRuns: prepare('SELECT * FROM sync_runs WHERE (?1 IS NULL OR schedule = ?1) ORDER BY started_at DESC, id DESC LIMIT ?2'),
      purgeSeen: prepare('DELETE FROM seen WHERE expires_at <= ?'),
      purgeCache: prepare('DELETE FROM cache WHERE expires_at <= ?'),
    };
  }

  async markSeen(key: string, ttlMs: number): Promise<boolean> {
    return this.run(() => {
      const now = Date.now();
      this.purgeExpired(now);
      return Number(this.sql.markSeen!.run(key, now + ttlMs, now).changes) > 0;
    });
  }

  async hasSeen(key: string): Promise<boolean> {
    return this.run(() => this.sql.hasSeen!.get(key, Date.now()) !== undefined);
  }

  async saveReference(reference: StoredReference): Promise<void> {
    this.run(() => this.sql.saveReference!.run(...encode(SQLITE, REFERENCE, reference)));
  }

  async getReference(key: string): Promise<StoredReference | undefined> {
    const row = this.run(() => this.sql.getReference!.get(key) as Row | undefined);
    return row && decode<StoredReference>(SQLITE, REFERENCE, row);
  }

  async listReferences(filter: { channel?: ChannelName; activeOnly?: boolean; directOnly?: boolean } = {}): Promise<StoredReference[]> {
    const rows = this.run(() => this.sql.listReferences!.all(filter.channel ?? null, filter.activeOnly ? 1 : 0, filter.directOnly ? 1 : 0) as Row[]);
    return rows.map((row) => decode<StoredReference>(SQLITE, REFERENCE, row));
  }

  async deactivateReference(key: string, reason: string): Promise<void> {
    this.run(() => this.sql.deactivate!.run(reason, Date.now(), key));
  }

  async markNotified(userKey: string): Promise<boolean> {
    return this.run(() => Number(this.sql.markNotified!.run(userKey, Date.now()).changes) > 0);
  }

  async appendTurn(conversationKey: string, turn: ConversationTurn): Promise<void> {
    this.run(() => this.sql.appendTurn!.run(conversationKey, ...encode(SQLITE, TURN, turn)));
  }

  async recentTurns(conversationKey: string, limit: number, since: string): Promise<ConversationTurn[]> {
    const rows = this.run(() => this.sql.recentTurns!.all(conversationKey, toMillis(since), sqlLimit(limit, -1)) as Row[]);
    return rows.reverse().map((row) => decode<ConversationTurn>(SQLITE, TURN, row));
  }

  async clearConversation(conversationKey: string): Promise<void> {
    this.run(() => this.sql.clearConversation!.run(conversationKey));
  }

  async saveAnswer(answer: AnswerRecord): Promise<void> {
    this.run(() => this.sql.saveAnswer!.run(...encode(SQLITE, ANSWER, answer)));
  }

  async getAnswer(channel: ChannelName, messageId: string): Promise<AnswerRecord | undefined> {
    const row = this.run(() => this.sql.getAnswer!.get(channel, messageId) as Row | undefined);
    return row && decode<AnswerRecord>(SQLITE, ANSWER, row);
  }

  async recordFeedback(feedback: FeedbackRecord): Promise<void> {
    this.run(() =>
      this.transaction(() => {
        if (isRating(feedback)) this.sql.withdrawRating!.run(feedback.channel, feedback.messageId, feedback.userHash);
        this.sql.recordFeedback!.run(...encode(SQLITE, FEEDBACK, feedback));
      }),
    );
  }

  async withdrawRating(channel: ChannelName, messageId: string, userHash: string): Promise<number> {
    return this.run(() => Number(this.sql.withdrawRating!.run(channel, messageId, userHash).changes));
  }

  async listFeedback(limit: number): Promise<FeedbackRecord[]> {
    const rows = this.run(() => this.sql.listFeedback!.all(sqlLimit(limit, -1)) as Row[]);
    return rows.map((row) => decode<FeedbackRecord>(SQLITE, FEEDBACK, row));
  }

  async recordUnanswered(record: UnansweredRecord): Promise<void> {
    this.run(() => this.sql.recordUnanswered!.run(...encode(SQLITE, UNANSWERED, record)));
  }

  async listUnanswered(limit: number): Promise<UnansweredRecord[]> {
    const rows = this.run(() => this.sql.listUnanswered!.all(sqlLimit(limit, -1)) as Row[]);
    return rows.map((row) => decode<UnansweredRecord>(SQLITE, UNANSWERED, row));
  }

  async recordAudit(record: AuditRecord): Promise<void> {
    this.run(() => this.sql.recordAudit!.run(...encode(SQLITE, AUDIT, record)));
  }

  async listAudit(limit: number): Promise<AuditRecord[]> {
    const rows = this.run(() => this.sql.listAudit!.all(sqlLimit(limit, -1)) as Row[]);
    return rows.map((row) => decode<AuditRecord>(SQLITE, AUDIT, row));
  }

  async purgeAudit(before: string): Promise<number> {
    return this.run(() => Number(this.sql.purgeAudit!.run(toMillis(before)).changes));
  }

  async activity(from: string, to: string): Promise<ActivityFigures> {
    const bounds = [toMillis(from), toMillis(to)];
    return this.run(() => {
      const latency = new Array<number>(LATENCY_BOUNDS_MS.length + 1).fill(0);
      for (const row of this.sql.activityLatency!.all(...bounds) as Row[]) latency[Number(row.bucket)] = Number(row.n);
      return {
        answers: (this.sql.activityAnswers!.all(...bounds) as Row[]).map((row) => ({
          day: epochDay(Number(row.day)), kb: String(row.kb), channel: String(row.channel), kind: String(row.kind), count: Number(row.n),
          inputTokens: Number(row.input_tokens), outputTokens: Number(row.output_tokens), energyWh: Number(row.energy_wh),
        })),
        latency,
        ratings: (this.sql.activityRatings!.all(...bounds) as Row[]).map((row) => ({ day: epochDay(Number(row.day)), rating: Number(row.rating) > 0 ? 1 : -1, count: Number(row.n) })),
      };
    });
  }

  async cacheGet(key: string): Promise<string | undefined> {
    const row = this.run(() => this.sql.cacheGet!.get(key, Date.now()) as Row | undefined);
    return row ? String(row.value) : undefined;
  }

  async cacheSet(key: string, value: string, ttlMs: number): Promise<void> {
    this.run(() => {
      const now = Date.now();
      this.purgeExpired(now);
      this.sql.cacheSet!.run(key, value, now + ttlMs);
    });
  }

  /** Returns how many live entries were deleted (expired ones under the prefix are dropped, not counted). */
  async cacheInvalidate(prefix: string): Promise<number> {
    return this.run(() =>
      this.transaction(() => {
        this.sql.cacheDropExpired!.run(prefix, Date.now());
        return Number(this.sql.cacheInvalidate!.run(prefix).changes);
      }),
    );
  }

  async addSlot(slot: RateSlot): Promise<void> {
    this.run(() => this.sql.addSlot!.run(...encode(SQLITE, RATE_SLOT, slot)));
  }

  async userSlots(userKey: string, since: string): Promise<RateSlot[]> {
    const rows = this.run(() => this.sql.userSlots!.all(userKey, toMillis(since)) as Row[]);
    return rows.map((row) => decode<RateSlot>(SQLITE, RATE_SLOT, row));
  }

  async dueSlots(until: string, limit: number): Promise<RateSlot[]> {
    const rows = this.run(() => this.sql.dueSlots!.all(toMillis(until), sqlLimit(limit, -1)) as Row[]);
    return rows.map((row) => decode<RateSlot>(SQLITE, RATE_SLOT, row));
  }

  async releaseSlot(id: string): Promise<boolean> {
    return this.run(() => Number(this.sql.releaseSlot!.run(id).changes) > 0);
  }

  async pruneSlots(before: string): Promise<number> {
    return this.run(() => Number(this.sql.pruneSlots!.run(toMillis(before)).changes));
  }

  async getRoomSettings(roomKey: string): Promise<RoomSettingsRecord | undefined> {
    const row = this.run(() => this.sql.getRoomSettings!.get(roomKey) as Row | undefined);
    return row && decode<RoomSettingsRecord>(SQLITE, ROOM_SETTINGS, row);
  }

  async saveRoomSettings(record: RoomSettingsRecord): Promise<void> {
    this.run(() => this.sql.saveRoomSettings!.run(...encode(SQLITE, ROOM_SETTINGS, record)));
  }

  async listRoomSettings(): Promise<RoomSettingsRecord[]> {
    const rows = this.run(() => this.sql.listRoomSettings!.all() as Row[]);
    return rows.map((row) => decode<RoomSettingsRecord>(SQLITE, ROOM_SETTINGS, row));
  }

  async recordSyncRun(run: SyncRunRecord): Promise<void> {
    this.run(() => this.sql.recordSyncRun!.run(...encode(SQLITE, SYNC_RUN, run)));
  }

  async listSyncRuns(limit: number, schedule?: string): Promise<SyncRunRecord[]> {
    const rows = this.run(() => this.sql.listSyncRuns!.all(schedule ?? null, sqlLimit(limit, -1)) as Row[]);
    return rows.map((row) => decode<SyncRunRecord>(SQLITE, SYNC_RUN, row));
  }

  /** Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.db.close();
  }

  private purgeExpired(now: number): void {
    if (now - this.lastPurge < PURGE_INTERVAL_MS) return;
    this.lastPurge = now;
    this.sql.purgeSeen!.run(now);
    this.sql.purgeCache!.run(now);
  }

  private transaction<T>(work: () => T): T {
    return inTransaction(this.db, work);
  }

  private run<T>(work: () => T): T {
    return guardSqlite(work);
  }
}

/** A rating of a message (not a free-text remark): it replaces the user's earlier rating of that message. */
function isRating(feedback: FeedbackRecord): boolean {
  return feedback.messageId !== '' && feedback.rating !== 0;
}
