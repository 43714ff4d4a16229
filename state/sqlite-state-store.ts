import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DatabaseSync, type SQLInputValue, type StatementSync } from 'node:sqlite';
import { PasserelleError } from '../bots/errors.ts';
import { guardSqlite, inTransaction } from './sqlite-support.ts';
import type { AnswerRecord, AuditRecord, ConversationTurn, FeedbackRecord, StateStore, UnansweredRecord } from './state-store.ts';
import type { ChannelName, StoredReference } from './../bots/message.ts';

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
`;

/** How each record field is stored; `?` kinds are optional fields (NULL column ⇔ absent property). */
type Kind = 'text' | 'text?' | 'json' | 'json?' | 'num' | 'bool' | 'time';
type Spec<T> = { [K in keyof Required<T>]: Kind };

// `satisfies` makes the compiler reject a spec that misses or invents a field of the port's types.
const REFERENCE = { key: 'text', channel: 'text', reference: 'json', userId: 'text?', tenant: 'text?', isDirect: 'bool', active: 'bool', inactiveReason: 'text?', updatedAt: 'time' } satisfies Spec<StoredReference>;
const TURN = { role: 'text', text: 'text', kb: 'text?', citedIds: 'json?', at: 'time' } satisfies Spec<ConversationTurn>;
const ANSWER = { messageId: 'text', channel: 'text', conversationKey: 'text', question: 'text', answer: 'text', kb: 'text?', citedIds: 'json', at: 'time' } satisfies Spec<AnswerRecord>;
const FEEDBACK = { channel: 'text', messageId: 'text', userHash: 'text', rating: 'num', comment: 'text?', question: 'text?', answer: 'text?', citedIds: 'json', kb: 'text?', at: 'time' } satisfies Spec<FeedbackRecord>;
const UNANSWERED = { channel: 'text', userHash: 'text', question: 'text', kb: 'text?', reason: 'text', nearestIds: 'json', at: 'time' } satisfies Spec<UnansweredRecord>;
const AUDIT = { channel: 'text', userHash: 'text', kind: 'text', kb: 'text?', citedIds: 'json', model: 'text?', inputTokens: 'num', outputTokens: 'num', energyWh: 'num', latencyMs: 'num', abstained: 'bool', at: 'time' } satisfies Spec<AuditRecord>;

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
    let db: DatabaseSync | undefined;
    try {
      if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
      db = new DatabaseSync(file);
      db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 5000;');
      db.exec(SCHEMA);
    } catch (error) {
      db?.close();
      throw new PasserelleError('STORE_UNAVAILABLE', {}, { cause: error });
    }
    this.db = db;
    const prepare = (text: string) => this.db.prepare(text);
    this.sql = {
      // Inserts, or takes over an expired row; on a live row the upsert's WHERE is false: 0 changes.
      markSeen: prepare(
        'INSERT INTO seen(key, expires_at) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET expires_at = excluded.expires_at WHERE seen.expires_at <= ?',
      ),
      markNotified: prepare('INSERT INTO notified(user_key, at) VALUES (?, ?) ON CONFLICT(user_key) DO NOTHING'),
      saveReference: prepare(insertSql('conversation_references', REFERENCE, [], ['key'])),
      getReference: prepare('SELECT * FROM conversation_references WHERE key = ?'),
      listReferences: prepare(
        `SELECT * FROM conversation_references
         WHERE (?1 IS NULL OR channel = ?1) AND (?2 = 0 OR active = 1) AND (?3 = 0 OR is_direct = 1) ORDER BY key`,
      ),
      deactivate: prepare('UPDATE conversation_references SET active = 0, inactive_reason = ?, updated_at = ? WHERE key = ?'),
      appendTurn: prepare(insertSql('turns', TURN, ['conversation_key'])),
      recentTurns: prepare('SELECT * FROM turns WHERE conversation_key = ? AND at > ? ORDER BY at DESC, id DESC LIMIT ?'),
      clearConversation: prepare('DELETE FROM turns WHERE conversation_key = ?'),
      saveAnswer: prepare(insertSql('answers', ANSWER, [], ['channel', 'message_id'])),
      getAnswer: prepare('SELECT * FROM answers WHERE channel = ? AND message_id = ?'),
      recordFeedback: prepare(insertSql('feedback', FEEDBACK)),
      listFeedback: prepare('SELECT * FROM feedback ORDER BY at DESC, id DESC LIMIT ?'),
      recordUnanswered: prepare(insertSql('unanswered', UNANSWERED)),
      listUnanswered: prepare('SELECT * FROM unanswered ORDER BY at DESC, id DESC LIMIT ?'),
      recordAudit: prepare(insertSql('audit', AUDIT)),
      listAudit: prepare('SELECT * FROM audit ORDER BY at DESC, id DESC LIMIT ?'),
      purgeAudit: prepare('DELETE FROM audit WHERE at < ?'),
      cacheGet: prepare('SELECT value FROM cache WHERE key = ? AND expires_at > ?'),
      cacheSet: prepare(
        'INSERT INTO cache(key, value, expires_at) VALUES (?, ?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value, expires_at = excluded.expires_at',
      ),
      // substr/length rather than LIKE: a prefix containing `%` or `_` must match literally.
      cacheDropExpired: prepare('DELETE FROM cache WHERE substr(key, 1, length(?1)) = ?1 AND expires_at <= ?2'),
      cacheInvalidate: prepare('DELETE FROM cache WHERE substr(key, 1, length(?1)) = ?1'),
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

  async saveReference(reference: StoredReference): Promise<void> {
    this.run(() => this.sql.saveReference!.run(...encode(REFERENCE, reference)));
  }

  async getReference(key: string): Promise<StoredReference | undefined> {
    const row = this.run(() => this.sql.getReference!.get(key) as Row | undefined);
    return row && decode<StoredReference>(REFERENCE, row);
  }

  async listReferences(filter: { channel?: ChannelName; activeOnly?: boolean; directOnly?: boolean } = {}): Promise<StoredReference[]> {
    const rows = this.run(() => this.sql.listReferences!.all(filter.channel ?? null, filter.activeOnly ? 1 : 0, filter.directOnly ? 1 : 0) as Row[]);
    return rows.map((row) => decode<StoredReference>(REFERENCE, row));
  }

  async deactivateReference(key: string, reason: string): Promise<void> {
    this.run(() => this.sql.deactivate!.run(reason, Date.now(), key));
  }

  async markNotified(userKey: string): Promise<boolean> {
    return this.run(() => Number(this.sql.markNotified!.run(userKey, Date.now()).changes) > 0);
  }

  async appendTurn(conversationKey: string, turn: ConversationTurn): Promise<void> {
    this.run(() => this.sql.appendTurn!.run(conversationKey, ...encode(TURN, turn)));
  }

  async recentTurns(conversationKey: string, limit: number, since: string): Promise<ConversationTurn[]> {
    const rows = this.run(() => this.sql.recentTurns!.all(conversationKey, toMillis(since), sqlLimit(limit)) as Row[]);
    return rows.reverse().map((row) => decode<ConversationTurn>(TURN, row));
  }

  async clearConversation(conversationKey: string): Promise<void> {
    this.run(() => this.sql.clearConversation!.run(conversationKey));
  }

  async saveAnswer(answer: AnswerRecord): Promise<void> {
    this.run(() => this.sql.saveAnswer!.run(...encode(ANSWER, answer)));
  }

  async getAnswer(channel: ChannelName, messageId: string): Promise<AnswerRecord | undefined> {
    const row = this.run(() => this.sql.getAnswer!.get(channel, messageId) as Row | undefined);
    return row && decode<AnswerRecord>(ANSWER, row);
  }

  async recordFeedback(feedback: FeedbackRecord): Promise<void> {
    this.run(() => this.sql.recordFeedback!.run(...encode(FEEDBACK, feedback)));
  }

  async listFeedback(limit: number): Promise<FeedbackRecord[]> {
    const rows = this.run(() => this.sql.listFeedback!.all(sqlLimit(limit)) as Row[]);
    return rows.map((row) => decode<FeedbackRecord>(FEEDBACK, row));
  }

  async recordUnanswered(record: UnansweredRecord): Promise<void> {
    this.run(() => this.sql.recordUnanswered!.run(...encode(UNANSWERED, record)));
  }

  async listUnanswered(limit: number): Promise<UnansweredRecord[]> {
    const rows = this.run(() => this.sql.listUnanswered!.all(sqlLimit(limit)) as Row[]);
    return rows.map((row) => decode<UnansweredRecord>(UNANSWERED, row));
  }

  async recordAudit(record: AuditRecord): Promise<void> {
    this.run(() => this.sql.recordAudit!.run(...encode(AUDIT, record)));
  }

  async listAudit(limit: number): Promise<AuditRecord[]> {
    const rows = this.run(() => this.sql.listAudit!.all(sqlLimit(limit)) as Row[]);
    return rows.map((row) => decode<AuditRecord>(AUDIT, row));
  }

  async purgeAudit(before: string): Promise<number> {
    return this.run(() => Number(this.sql.purgeAudit!.run(toMillis(before)).changes));
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

function column(field: string): string {
  return field.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);
}

/** `INSERT` of `extra` columns then the spec's columns, in `encode` order; an upsert when `conflict` is given. */
function insertSql(table: string, spec: Record<string, Kind>, extra: string[] = [], conflict?: string[]): string {
  const columns = [...extra, ...Object.keys(spec).map(column)];
  const insert = `INSERT INTO ${table}(${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`;
  if (!conflict) return insert;
  const updates = columns.filter((name) => !conflict.includes(name)).map((name) => `${name} = excluded.${name}`);
  return `${insert} ON CONFLICT(${conflict.join(', ')}) DO UPDATE SET ${updates.join(', ')}`;
}

function encode<T extends object>(spec: Spec<T>, record: T): SQLInputValue[] {
  return Object.entries(spec).map(([field, kind]) => {
    const value = (record as Record<string, unknown>)[field];
    switch (kind as Kind) {
      case 'json':
        return JSON.stringify(value ?? null);
      case 'json?':
        return value === undefined ? null : JSON.stringify(value);
      case 'bool':
        return value ? 1 : 0;
      case 'time':
        return toMillis(String(value));
      case 'num':
        return Number(value);
      default:
        return value == null ? null : String(value);
    }
  });
}

/** Inverse of `encode`; a NULL optional column leaves the property absent rather than `undefined`. */
function decode<T>(spec: Record<string, Kind>, row: Row): T {
  const record: Record<string, unknown> = {};
  for (const [field, kind] of Object.entries(spec)) {
    const value = row[column(field)];
    if (value == null && kind.endsWith('?')) continue;
    if (kind === 'json' || kind === 'json?') record[field] = JSON.parse(String(value));
    else if (kind === 'bool') record[field] = Number(value) === 1;
    else if (kind === 'time') record[field] = new Date(Number(value)).toISOString();
    else if (kind === 'num') record[field] = Number(value);
    else record[field] = String(value);
  }
  return record as T;
}

/** A non-finite limit means "no limit" (-1 in SQLite); otherwise a non-negative integer. */
function sqlLimit(limit: number): number {
  return Number.isFinite(limit) ? Math.max(0, Math.floor(limit)) : -1;
}

/** Epoch milliseconds of an ISO timestamp; throws on an unparsable one rather than storing garbage. */
function toMillis(iso: string): number {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) throw new RangeError(`Invalid ISO timestamp: ${JSON.stringify(iso)}`);
  return ms;
}
