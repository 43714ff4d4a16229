import pg from 'pg';
import { PasserelleError } from '../bots/errors.ts';
import { silentLogger, type Logger } from '../bots/logger.ts';
import type { AnswerRecord, AuditRecord, ConversationTurn, FeedbackRecord, StateStore, UnansweredRecord } from './state-store.ts';
import type { ChannelName, StoredReference } from './../bots/message.ts';

export interface PostgresStateStoreOptions {
  connectionString: string;
  /** Schema holding the tables (created if missing). Default "passerelle". */
  schema?: string;
  /** Pool size. Default 10 (pg's default). */
  max?: number;
  /** How long to wait for a connection before failing with STORE_UNAVAILABLE. Default 5 000 ms. */
  connectionTimeoutMillis?: number;
  /** Receives errors of idle pooled connections (server restart…), which would otherwise crash the process. */
  logger?: Logger;
}

/** Expired `seen` and `cache` rows are deleted at most this often per process (they already behave as absent). */
const PURGE_INTERVAL_MS = 60_000;
/** First key of the advisory lock taken while creating the schema (the second is the schema name's hash). */
const SCHEMA_LOCK_CLASS = 0x50415353; // "PASS"

/** Node-level network failures: the server cannot be reached or the link broke. */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE', 'EAI_AGAIN', 'ECONNABORTED']);

type Row = Record<string, unknown>;

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
  private readonly pool: pg.Pool;
  private readonly s: string;
  private readonly schema: string;
  private ready: Promise<void> | undefined;
  private lastPurge = 0;
  private closed = false;

  constructor(options: PostgresStateStoreOptions) {
    this.schema = options.schema ?? 'passerelle';
    if (!/^[A-Za-z_][A-Za-z0-9_]{0,62}$/.test(this.schema)) {
      throw new PasserelleError('CONFIG_INVALID', { problems: `nom de schéma PostgreSQL invalide « ${this.schema} »` });
    }
    this.s = `"${this.schema}"`;
    this.pool = new pg.Pool({
      connectionString: options.connectionString,
      max: options.max ?? 10,
      connectionTimeoutMillis: options.connectionTimeoutMillis ?? 5_000,
    });
    const logger = options.logger ?? silentLogger;
    // Without a listener, an idle client's error (server restart) is an uncaught 'error' event: a crash.
    this.pool.on('error', (error) => logger.warn('PostgreSQL idle connection error', { error }));
  }

  /** Connects and creates the schema and tables if needed; rejects with STORE_UNAVAILABLE if it cannot. */
  static async open(options: PostgresStateStoreOptions): Promise<PostgresStateStore> {
    const store = new PostgresStateStore(options);
    await store.guard(() => store.ensureSchema()).catch(async (error: unknown) => {
      await store.close();
      throw error;
    });
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

  async saveReference(reference: StoredReference): Promise<void> {
    await this.query(insertSql(`${this.s}.conversation_references`, REFERENCE, [], ['key']), encode(REFERENCE, reference));
  }

  async getReference(key: string): Promise<StoredReference | undefined> {
    const [row] = await this.query(`SELECT * FROM ${this.s}.conversation_references WHERE key = $1`, [key]);
    return row && decode<StoredReference>(REFERENCE, row);
  }

  async listReferences(filter: { channel?: ChannelName; activeOnly?: boolean; directOnly?: boolean } = {}): Promise<StoredReference[]> {
    const rows = await this.query(
      `SELECT * FROM ${this.s}.conversation_references
       WHERE ($1::text IS NULL OR channel = $1) AND (NOT $2::boolean OR active) AND (NOT $3::boolean OR is_direct)
       ORDER BY key COLLATE "C"`,
      [filter.channel ?? null, filter.activeOnly ?? false, filter.directOnly ?? false],
    );
    return rows.map((row) => decode<StoredReference>(REFERENCE, row));
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
    await this.query(insertSql(`${this.s}.turns`, TURN, ['conversation_key']), [conversationKey, ...encode(TURN, turn)]);
  }

  async recentTurns(conversationKey: string, limit: number, since: string): Promise<ConversationTurn[]> {
    const rows = await this.query(
      `SELECT * FROM ${this.s}.turns WHERE conversation_key = $1 AND at > $2 ORDER BY at DESC, id DESC LIMIT $3`,
      [conversationKey, iso(since), sqlLimit(limit)],
    );
    return rows.reverse().map((row) => decode<ConversationTurn>(TURN, row));
  }

  async clearConversation(conversationKey: string): Promise<void> {
    await this.query(`DELETE FROM ${this.s}.turns WHERE conversation_key = $1`, [conversationKey]);
  }

  async saveAnswer(answer: AnswerRecord): Promise<void> {
    await this.query(insertSql(`${this.s}.answers`, ANSWER, [], ['channel', 'message_id']), encode(ANSWER, answer));
  }

  async getAnswer(channel: ChannelName, messageId: string): Promise<AnswerRecord | undefined> {
    const [row] = await this.query(`SELECT * FROM ${this.s}.answers WHERE channel = $1 AND message_id = $2`, [channel, messageId]);
    return row && decode<AnswerRecord>(ANSWER, row);
  }

  async recordFeedback(feedback: FeedbackRecord): Promise<void> {
    await this.query(insertSql(`${this.s}.feedback`, FEEDBACK), encode(FEEDBACK, feedback));
  }

  async listFeedback(limit: number): Promise<FeedbackRecord[]> {
    return this.newestFirst<FeedbackRecord>('feedback', FEEDBACK, limit);
  }

  async recordUnanswered(record: UnansweredRecord): Promise<void> {
    await this.query(insertSql(`${this.s}.unanswered`, UNANSWERED), encode(UNANSWERED, record));
  }

  async listUnanswered(limit: number): Promise<UnansweredRecord[]> {
    return this.newestFirst<UnansweredRecord>('unanswered', UNANSWERED, limit);
  }

  async recordAudit(record: AuditRecord): Promise<void> {
    await this.query(insertSql(`${this.s}.audit`, AUDIT), encode(AUDIT, record));
  }

  async listAudit(limit: number): Promise<AuditRecord[]> {
    return this.newestFirst<AuditRecord>('audit', AUDIT, limit);
  }

  async purgeAudit(before: string): Promise<number> {
    const rows = await this.query(`WITH d AS (DELETE FROM ${this.s}.audit WHERE at < $1 RETURNING 1) SELECT count(*)::int AS n FROM d`, [iso(before)]);
    return Number(rows[0]?.n ?? 0);
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

  /** Ends the pool. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.pool.end();
  }

  private async newestFirst<T>(table: string, spec: Record<string, Kind>, limit: number): Promise<T[]> {
    const rows = await this.query(`SELECT * FROM ${this.s}.${table} ORDER BY at DESC, id DESC LIMIT $1`, [sqlLimit(limit)]);
    return rows.map((row) => decode<T>(spec, row));
  }

  private async query(text: string, values: unknown[]): Promise<Row[]> {
    return this.guard(async () => {
      await this.ensureSchema();
      return (await this.pool.query(text, values)).rows as Row[];
    });
  }

  /** Creates the schema once per store; a failed attempt is forgotten so that the next operation retries. */
  private ensureSchema(): Promise<void> {
    this.ready ??= this.createSchema().catch((error: unknown) => {
      this.ready = undefined;
      throw error;
    });
    return this.ready;
  }

  private async createSchema(): Promise<void> {
    const client = await this.pool.connect();
    const ignore = () => undefined; // a broken link while we hold the client is reported by the next query
    client.on('error', ignore);
    let failed = false;
    try {
      await client.query('BEGIN');
      // Transaction-scoped: released on COMMIT, ROLLBACK, or if this connection dies.
      await client.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [SCHEMA_LOCK_CLASS, this.schema]);
      // CREATE SCHEMA checks the CREATE privilege on the database even when the schema exists: skip it then.
      const exists = await client.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [this.schema]);
      if (exists.rowCount === 0) await client.query(`CREATE SCHEMA IF NOT EXISTS ${this.s}`);
      await client.query(schemaSql(this.s));
      await client.query('COMMIT');
    } catch (error) {
      failed = true;
      await client.query('ROLLBACK').catch(ignore);
      throw error;
    } finally {
      client.removeListener('error', ignore);
      client.release(failed); // a client that failed mid-transaction is discarded, not reused
    }
  }

  private async purgeExpired(): Promise<void> {
    const now = Date.now();
    if (now - this.lastPurge < PURGE_INTERVAL_MS) return;
    this.lastPurge = now;
    // No parameters: pg uses the simple protocol, which accepts two statements.
    await this.query(`DELETE FROM ${this.s}.seen WHERE expires_at <= now(); DELETE FROM ${this.s}.cache WHERE expires_at <= now()`, []);
  }

  private async guard<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      throw isUnavailable(error) ? new PasserelleError('STORE_UNAVAILABLE', {}, { cause: error }) : error;
    }
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
CREATE TABLE IF NOT EXISTS ${s}.cache (key text PRIMARY KEY, value text NOT NULL, expires_at timestamptz NOT NULL);`;
}

/**
 * Connection-level failures: network errors, pg's connect timeout / terminated connection, and SQLSTATE
 * classes 08 (connection), 28 (authentication), 53 (resources), 57 (shutdown, cancel) and 3D000 (no such
 * database). Other SQL errors are bugs and pass through unchanged.
 */
function isUnavailable(error: unknown): boolean {
  if (error instanceof PasserelleError) return false;
  const code = (error as { code?: unknown } | null)?.code;
  // A DatabaseError carries a SQLSTATE; anything else with a code is a Node-level (socket, DNS) error.
  if (error instanceof pg.DatabaseError) return /^(08|28|53|57)/.test(String(code)) || code === '3D000';
  if (NETWORK_CODES.has(String(code))) return true;
  if (error instanceof AggregateError) return error.errors.some(isUnavailable);
  const message = error instanceof Error ? error.message : '';
  return /timeout exceeded when trying to connect|Connection terminated|connection error|not queryable/i.test(message);
}

function column(field: string): string {
  return field.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);
}

/** `INSERT` of `extra` columns then the spec's columns, in `encode` order; an upsert when `conflict` is given. */
function insertSql(table: string, spec: Record<string, Kind>, extra: string[] = [], conflict?: string[]): string {
  const columns = [...extra, ...Object.keys(spec).map(column)];
  const insert = `INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns.map((_, i) => `$${i + 1}`).join(', ')})`;
  if (!conflict) return insert;
  const updates = columns.filter((name) => !conflict.includes(name)).map((name) => `${name} = excluded.${name}`);
  return `${insert} ON CONFLICT (${conflict.join(', ')}) DO UPDATE SET ${updates.join(', ')}`;
}

/** Parameters for `insertSql`. JSON goes as text (PostgreSQL types the parameter jsonb from the column). */
function encode<T extends object>(spec: Spec<T>, record: T): unknown[] {
  return Object.entries(spec).map(([field, kind]) => {
    const value = (record as Record<string, unknown>)[field];
    if (kind === 'json') return JSON.stringify(value ?? null);
    if (kind === 'json?') return value === undefined ? null : JSON.stringify(value);
    if (kind === 'time') return iso(String(value));
    return value ?? null;
  });
}

/** Inverse of `encode` (pg already parses jsonb, booleans and float8); NULL optional column ⇒ absent property. */
function decode<T>(spec: Record<string, Kind>, row: Row): T {
  const record: Record<string, unknown> = {};
  for (const [field, kind] of Object.entries(spec)) {
    const value = row[column(field)];
    if (value == null && kind.endsWith('?')) continue;
    if (kind === 'time') record[field] = (value instanceof Date ? value : new Date(String(value))).toISOString();
    else if (kind === 'num') record[field] = Number(value);
    else if (kind === 'text' || kind === 'text?') record[field] = String(value);
    else record[field] = value;
  }
  return record as T;
}

/** A non-finite limit means "no limit" (`LIMIT NULL`); otherwise a non-negative integer. */
function sqlLimit(limit: number): number | null {
  return Number.isFinite(limit) ? Math.max(0, Math.floor(limit)) : null;
}

/** Canonical UTC ISO text of a caller's timestamp (parsed by JS, as the SQLite store does); throws if unparsable. */
function iso(text: string): string {
  const ms = Date.parse(text);
  if (Number.isNaN(ms)) throw new RangeError(`Invalid ISO timestamp: ${JSON.stringify(text)}`);
  return new Date(ms).toISOString();
}
