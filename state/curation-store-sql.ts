import { column, decode, encode, insertSql, type Dialect, type Kind, type Spec } from './record-codec.ts';
import type {
  CurationStore, DocumentVersion, IngestionFailure, JournalEntry, JournalFilter, NewStandardAnswerVersion, PassageRule, StandardAnswerVersion,
} from './curation-store.ts';

/**
 * The curation store written once for both databases: the SQL is portable (placeholders, times and JSON
 * from the record codec's dialect), each implementation gives an executor and its column types.
 */

export type Row = Record<string, unknown>;
export type Query = (text: string, values: readonly unknown[]) => Promise<Row[]>;

export interface SqlExecutor {
  readonly dialect: Dialect;
  query: Query;
  /** Runs `work` in one transaction (one writer at a time), rolled back if it throws. */
  transaction<T>(work: (query: Query) => Promise<T>): Promise<T>;
  /** Serialises writers of one key inside a transaction (PostgreSQL advisory lock; SQLite has one writer anyway). */
  lock(query: Query, key: string): Promise<void>;
  close(): Promise<void>;
}

export const VERSION = {
  answerId: 'text', version: 'num', kb: 'text', questions: 'json', text: 'text', sourceIds: 'json', status: 'text', author: 'text', createdAt: 'time',
  reviewer: 'text?', reviewedAt: 'time?', note: 'text?',
} satisfies Spec<StandardAnswerVersion>;
export const RULE = { id: 'text', kb: 'text', chunkId: 'text', action: 'text', questions: 'json', author: 'text', createdAt: 'time' } satisfies Spec<PassageRule>;
export const DOCUMENT_VERSION = { kb: 'text', documentId: 'text', contentHash: 'text', version: 'num', syncedAt: 'time', changedAt: 'time' } satisfies Spec<DocumentVersion>;
export const FAILURE = { kb: 'text', file: 'text', code: 'text', message: 'text', at: 'time' } satisfies Spec<IngestionFailure>;
export const JOURNAL = { at: 'time', actor: 'text', role: 'text', action: 'text', target: 'text?', details: 'text?' } satisfies Spec<JournalEntry>;

/** Column types of one database. */
export interface ColumnTypes {
  time: string;
  json: string;
  serial: string;
}

/** The tables, for an implementation's schema (idempotent DDL). `t` prefixes table names (a schema). */
export function curationTables(types: ColumnTypes, t = ''): string {
  const columns = (spec: Record<string, Kind>) =>
    Object.entries(spec)
      .map(([field, kind]) => {
        const type = kind.startsWith('time') ? types.time : kind.startsWith('json') ? types.json : kind === 'num' ? 'INTEGER' : 'TEXT';
        return `${column(field)} ${type}${kind.endsWith('?') ? '' : ' NOT NULL'}`;
      })
      .join(', ');
  return `
CREATE TABLE IF NOT EXISTS ${t}standard_answer_versions (${columns(VERSION)}, PRIMARY KEY (answer_id, version));
CREATE INDEX IF NOT EXISTS standard_answer_versions_by_status ON ${t}standard_answer_versions (status);
CREATE TABLE IF NOT EXISTS ${t}passage_rules (${columns(RULE)}, PRIMARY KEY (id));
CREATE TABLE IF NOT EXISTS ${t}handled_marks (key TEXT PRIMARY KEY, handled_by TEXT NOT NULL, at ${types.time} NOT NULL);
CREATE TABLE IF NOT EXISTS ${t}document_versions (${columns(DOCUMENT_VERSION)}, PRIMARY KEY (kb, document_id));
CREATE TABLE IF NOT EXISTS ${t}ingestion_failures (id ${types.serial}, ${columns(FAILURE)});
CREATE INDEX IF NOT EXISTS ingestion_failures_by_time ON ${t}ingestion_failures (kb, at);
CREATE TABLE IF NOT EXISTS ${t}admin_journal (id ${types.serial}, ${columns(JOURNAL)});
CREATE INDEX IF NOT EXISTS admin_journal_by_time ON ${t}admin_journal (at);
`;
}

/** Rows per `IN (…)` list. */
const IN_BATCH = 500;

export class SqlCurationStore implements CurationStore {
  private readonly d: Dialect;

  constructor(
    private readonly db: SqlExecutor,
    /** Table-name prefix (PostgreSQL: the quoted schema and a dot). */
    private readonly t = '',
  ) {
    this.d = db.dialect;
  }

  async proposeVersion(input: NewStandardAnswerVersion): Promise<StandardAnswerVersion> {
    return this.db.transaction(async (query) => {
      await this.db.lock(query, `standard-answer:${input.answerId}`);
      const [row] = await query(`SELECT coalesce(max(version), 0) AS last FROM ${this.t}standard_answer_versions WHERE answer_id = ${this.p(1)}`, [input.answerId]);
      const version: StandardAnswerVersion = { ...input, version: Number(row?.last ?? 0) + 1, status: 'proposed' };
      await query(insertSql(this.d, `${this.t}standard_answer_versions`, VERSION), encode(this.d, VERSION, version));
      return version;
    });
  }

  async reviewVersion(answerId: string, version: number, decision: 'published' | 'rejected', reviewer: string, at: string, note?: string): Promise<boolean> {
    return this.db.transaction(async (query) => {
      await this.db.lock(query, `standard-answer:${answerId}`);
      const changed = await query(
        `UPDATE ${this.t}standard_answer_versions SET status = ${this.p(1)}, reviewer = ${this.p(2)}, reviewed_at = ${this.p(3)}, note = ${this.p(4)}
         WHERE answer_id = ${this.p(5)} AND version = ${this.p(6)} AND status = 'proposed' RETURNING version`,
        [decision, reviewer, this.d.encodeTime(at), note ?? null, answerId, version],
      );
      if (changed.length === 0) return false;
      if (decision === 'published') {
        await query(
          `UPDATE ${this.t}standard_answer_versions SET status = 'superseded' WHERE answer_id = ${this.p(1)} AND status = 'published' AND version <> ${this.p(2)}`,
          [answerId, version],
        );
      }
      return true;
    });
  }

  async withdrawAnswer(answerId: string, by: string, at: string): Promise<boolean> {
    const rows = await this.db.query(
      `UPDATE ${this.t}standard_answer_versions SET status = 'withdrawn', reviewer = ${this.p(1)}, reviewed_at = ${this.p(2)}
       WHERE answer_id = ${this.p(3)} AND status = 'published' RETURNING version`,
      [by, this.d.encodeTime(at), answerId],
    );
    return rows.length > 0;
  }

  async answerVersions(answerId: string): Promise<StandardAnswerVersion[]> {
    const rows = await this.db.query(`SELECT * FROM ${this.t}standard_answer_versions WHERE answer_id = ${this.p(1)} ORDER BY version DESC`, [answerId]);
    return rows.map((row) => this.version(row));
  }

  async latestVersions(limit: number): Promise<StandardAnswerVersion[]> {
    const rows = await this.db.query(
      `SELECT * FROM ${this.t}standard_answer_versions v
       WHERE version = (SELECT max(version) FROM ${this.t}standard_answer_versions w WHERE w.answer_id = v.answer_id)
       ORDER BY created_at DESC, answer_id LIMIT ${this.p(1)}`,
      [Math.max(0, Math.floor(limit))],
    );
    return rows.map((row) => this.version(row));
  }

  async publishedVersions(): Promise<StandardAnswerVersion[]> {
    const rows = await this.db.query(`SELECT * FROM ${this.t}standard_answer_versions WHERE status = 'published' ORDER BY answer_id`, []);
    return rows.map((row) => this.version(row));
  }

  async addRule(rule: PassageRule): Promise<void> {
    await this.db.query(insertSql(this.d, `${this.t}passage_rules`, RULE), encode(this.d, RULE, rule));
  }

  async removeRule(id: string): Promise<boolean> {
    return (await this.db.query(`DELETE FROM ${this.t}passage_rules WHERE id = ${this.p(1)} RETURNING id`, [id])).length > 0;
  }

  async listRules(): Promise<PassageRule[]> {
    const rows = await this.db.query(`SELECT * FROM ${this.t}passage_rules ORDER BY created_at DESC, id`, []);
    return rows.map((row) => decode<PassageRule>(this.d, RULE, row));
  }

  async markHandled(keys: readonly string[], by: string, at: string): Promise<void> {
    if (keys.length === 0) return;
    await this.db.transaction(async (query) => {
      for (const key of new Set(keys)) {
        await query(`INSERT INTO ${this.t}handled_marks (key, handled_by, at) VALUES (${this.p(1)}, ${this.p(2)}, ${this.p(3)}) ON CONFLICT (key) DO NOTHING`, [key, by, this.d.encodeTime(at)]);
      }
    });
  }

  async handledAmong(keys: readonly string[]): Promise<Set<string>> {
    const found = new Set<string>();
    for (let start = 0; start < keys.length; start += IN_BATCH) {
      const batch = keys.slice(start, start + IN_BATCH);
      const rows = await this.db.query(`SELECT key FROM ${this.t}handled_marks WHERE key IN (${batch.map((_, i) => this.p(i + 1)).join(', ')})`, batch);
      for (const row of rows) found.add(String(row.key));
    }
    return found;
  }

  async recordSync(kb: string, documents: ReadonlyArray<{ documentId: string; contentHash: string }>, at: string): Promise<void> {
    if (documents.length === 0) return;
    const time = this.d.encodeTime(at);
    await this.db.transaction(async (query) => {
      const known = await this.versionsIn(query, kb, documents.map((document) => document.documentId));
      for (const { documentId, contentHash } of documents) {
        const previous = known.get(documentId);
        if (previous?.contentHash === contentHash) {
          await query(`UPDATE ${this.t}document_versions SET synced_at = ${this.p(1)} WHERE kb = ${this.p(2)} AND document_id = ${this.p(3)}`, [time, kb, documentId]);
        } else {
          const record: DocumentVersion = { kb, documentId, contentHash, version: (previous?.version ?? 0) + 1, syncedAt: at, changedAt: at };
          await query(insertSql(this.d, `${this.t}document_versions`, DOCUMENT_VERSION, [], ['kb', 'document_id']), encode(this.d, DOCUMENT_VERSION, record));
        }
      }
    });
  }

  async documentVersions(kb: string, documentIds: readonly string[]): Promise<Map<string, DocumentVersion>> {
    return this.versionsIn(this.db.query, kb, documentIds);
  }

  async forgetDocuments(kb: string, documentIds: readonly string[]): Promise<void> {
    for (let start = 0; start < documentIds.length; start += IN_BATCH) {
      const batch = documentIds.slice(start, start + IN_BATCH);
      await this.db.query(`DELETE FROM ${this.t}document_versions WHERE kb = ${this.p(1)} AND document_id IN (${batch.map((_, i) => this.p(i + 2)).join(', ')})`, [kb, ...batch]);
    }
  }

  async recordFailures(failures: readonly IngestionFailure[]): Promise<void> {
    if (failures.length === 0) return;
    await this.db.transaction(async (query) => {
      for (const failure of failures) await query(insertSql(this.d, `${this.t}ingestion_failures`, FAILURE), encode(this.d, FAILURE, failure));
    });
  }

  async listFailures(kb: string, limit: number): Promise<IngestionFailure[]> {
    const rows = await this.db.query(`SELECT * FROM ${this.t}ingestion_failures WHERE kb = ${this.p(1)} ORDER BY at DESC, id DESC LIMIT ${this.p(2)}`, [kb, Math.max(0, Math.floor(limit))]);
    return rows.map((row) => decode<IngestionFailure>(this.d, FAILURE, row));
  }

  async journal(entry: JournalEntry): Promise<void> {
    await this.db.query(insertSql(this.d, `${this.t}admin_journal`, JOURNAL), encode(this.d, JOURNAL, entry));
  }

  async listJournal(filter: JournalFilter): Promise<JournalEntry[]> {
    const conditions: string[] = [];
    const values: unknown[] = [];
    const add = (condition: (placeholder: string) => string, value: unknown) => {
      values.push(value);
      conditions.push(condition(this.p(values.length)));
    };
    if (filter.from) add((p) => `at >= ${p}`, this.d.encodeTime(filter.from));
    if (filter.to) add((p) => `at <= ${p}`, this.d.encodeTime(filter.to));
    if (filter.actor) add((p) => `lower(actor) LIKE ${p} ESCAPE '\\'`, `%${likeEscape(filter.actor.toLowerCase())}%`);
    if (filter.action) add((p) => `action LIKE ${p} ESCAPE '\\'`, `${likeEscape(filter.action)}%`);
    values.push(Math.max(0, Math.floor(filter.limit)));
    const where = conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : '';
    const rows = await this.db.query(`SELECT * FROM ${this.t}admin_journal ${where} ORDER BY at DESC, id DESC LIMIT ${this.p(values.length)}`, values);
    return rows.map((row) => decode<JournalEntry>(this.d, JOURNAL, row));
  }

  close(): Promise<void> {
    return this.db.close();
  }

  private async versionsIn(query: Query, kb: string, documentIds: readonly string[]): Promise<Map<string, DocumentVersion>> {
    const found = new Map<string, DocumentVersion>();
    for (let start = 0; start < documentIds.length; start += IN_BATCH) {
      const batch = documentIds.slice(start, start + IN_BATCH);
      const rows = await query(`SELECT * FROM ${this.t}document_versions WHERE kb = ${this.p(1)} AND document_id IN (${batch.map((_, i) => this.p(i + 2)).join(', ')})`, [kb, ...batch]);
      for (const row of rows) {
        const record = decode<DocumentVersion>(this.d, DOCUMENT_VERSION, row);
        found.set(record.documentId, record);
      }
    }
    return found;
  }

  private version(row: Row): StandardAnswerVersion {
    return decode<StandardAnswerVersion>(this.d, VERSION, row);
  }

  private p(index: number): string {
    return this.d.placeholder(index);
  }
}

function likeEscape(text: string): string {
  return text.replace(/[\\%_]/g, (character) => `\\${character}`);
}
