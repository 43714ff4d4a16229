import { column, decode, encode, insertSql } from "./record-codec.js";
export const VERSION = {
    answerId: 'text', version: 'num', kb: 'text', questions: 'json', text: 'text', sourceIds: 'json', status: 'text', author: 'text', createdAt: 'time',
    reviewer: 'text?', reviewedAt: 'time?', note: 'text?',
};
export const RULE = { id: 'text', kb: 'text', chunkId: 'text', action: 'text', questions: 'json', author: 'text', createdAt: 'time' };
export const DOCUMENT_VERSION = { kb: 'text', documentId: 'text', contentHash: 'text', version: 'num', syncedAt: 'time', changedAt: 'time' };
export const FAILURE = { kb: 'text', file: 'text', code: 'text', message: 'text', at: 'time' };
export const JOURNAL = { at: 'time', actor: 'text', role: 'text', action: 'text', target: 'text?', details: 'text?' };
/** The tables, for an implementation's schema (idempotent DDL). `t` prefixes table names (a schema). */
export function curationTables(types, t = '') {
    const columns = (spec) => Object.entries(spec)
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
export class SqlCurationStore {
    db;
    t;
    d;
    constructor(db, 
    /** Table-name prefix (PostgreSQL: the quoted schema and a dot). */
    t = '') {
        this.db = db;
        this.t = t;
        this.d = db.dialect;
    }
    async proposeVersion(input) {
        return this.db.transaction(async (query) => {
            await this.db.lock(query, `standard-answer:${input.answerId}`);
            const [row] = await query(`SELECT coalesce(max(version), 0) AS last FROM ${this.t}standard_answer_versions WHERE answer_id = ${this.p(1)}`, [input.answerId]);
            const version = { ...input, version: Number(row?.last ?? 0) + 1, status: 'proposed' };
            await query(insertSql(this.d, `${this.t}standard_answer_versions`, VERSION), encode(this.d, VERSION, version));
            return version;
        });
    }
    async reviewVersion(answerId, version, decision, reviewer, at, note) {
        return this.db.transaction(async (query) => {
            await this.db.lock(query, `standard-answer:${answerId}`);
            const changed = await query(`UPDATE ${this.t}standard_answer_versions SET status = ${this.p(1)}, reviewer = ${this.p(2)}, reviewed_at = ${this.p(3)}, note = ${this.p(4)}
         WHERE answer_id = ${this.p(5)} AND version = ${this.p(6)} AND status = 'proposed' RETURNING version`, [decision, reviewer, this.d.encodeTime(at), note ?? null, answerId, version]);
            if (changed.length === 0)
                return false;
            if (decision === 'published') {
                await query(`UPDATE ${this.t}standard_answer_versions SET status = 'superseded' WHERE answer_id = ${this.p(1)} AND status = 'published' AND version <> ${this.p(2)}`, [answerId, version]);
            }
            return true;
        });
    }
    async withdrawAnswer(answerId, by, at) {
        const rows = await this.db.query(`UPDATE ${this.t}standard_answer_versions SET status = 'withdrawn', reviewer = ${this.p(1)}, reviewed_at = ${this.p(2)}
       WHERE answer_id = ${this.p(3)} AND status = 'published' RETURNING version`, [by, this.d.encodeTime(at), answerId]);
        return rows.length > 0;
    }
    async answerVersions(answerId) {
        const rows = await this.db.query(`SELECT * FROM ${this.t}standard_answer_versions WHERE answer_id = ${this.p(1)} ORDER BY version DESC`, [answerId]);
        return rows.map((row) => this.version(row));
    }
    async latestVersions(limit) {
        const rows = await this.db.query(`SELECT * FROM ${this.t}standard_answer_versions v
       WHERE version = (SELECT max(version) FROM ${this.t}standard_answer_versions w WHERE w.answer_id = v.answer_id)
       ORDER BY created_at DESC, answer_id LIMIT ${this.p(1)}`, [Math.max(0, Math.floor(limit))]);
        return rows.map((row) => this.version(row));
    }
    async publishedVersions() {
        const rows = await this.db.query(`SELECT * FROM ${this.t}standard_answer_versions WHERE status = 'published' ORDER BY answer_id`, []);
        return rows.map((row) => this.version(row));
    }
    async addRule(rule) {
        await this.db.query(insertSql(this.d, `${this.t}passage_rules`, RULE), encode(this.d, RULE, rule));
    }
    async removeRule(id) {
        return (await this.db.query(`DELETE FROM ${this.t}passage_rules WHERE id = ${this.p(1)} RETURNING id`, [id])).length > 0;
    }
    async listRules() {
        const rows = await this.db.query(`SELECT * FROM ${this.t}passage_rules ORDER BY created_at DESC, id`, []);
        return rows.map((row) => decode(this.d, RULE, row));
    }
    async markHandled(keys, by, at) {
        if (keys.length === 0)
            return;
        await this.db.transaction(async (query) => {
            for (const key of new Set(keys)) {
                await query(`INSERT INTO ${this.t}handled_marks (key, handled_by, at) VALUES (${this.p(1)}, ${this.p(2)}, ${this.p(3)}) ON CONFLICT (key) DO NOTHING`, [key, by, this.d.encodeTime(at)]);
            }
        });
    }
    async handledAmong(keys) {
        const found = new Set();
        for (let start = 0; start < keys.length; start += IN_BATCH) {
            const batch = keys.slice(start, start + IN_BATCH);
            const rows = await this.db.query(`SELECT key FROM ${this.t}handled_marks WHERE key IN (${batch.map((_, i) => this.p(i + 1)).join(', ')})`, batch);
            for (const row of rows)
                found.add(String(row.key));
        }
        return found;
    }
    async recordSync(kb, documents, at) {
        if (documents.length === 0)
            return;
        const time = this.d.encodeTime(at);
        await this.db.transaction(async (query) => {
            const known = await this.versionsIn(query, kb, documents.map((document) => document.documentId));
            for (const { documentId, contentHash } of documents) {
                const previous = known.get(documentId);
                if (previous?.contentHash === contentHash) {
                    await query(`UPDATE ${this.t}document_versions SET synced_at = ${this.p(1)} WHERE kb = ${this.p(2)} AND document_id = ${this.p(3)}`, [time, kb, documentId]);
                }
                else {
                    const record = { kb, documentId, contentHash, version: (previous?.version ?? 0) + 1, syncedAt: at, changedAt: at };
                    await query(insertSql(this.d, `${this.t}document_versions`, DOCUMENT_VERSION, [], ['kb', 'document_id']), encode(this.d, DOCUMENT_VERSION, record));
                }
            }
        });
    }
    async documentVersions(kb, documentIds) {
        return this.versionsIn(this.db.query, kb, documentIds);
    }
    async forgetDocuments(kb, documentIds) {
        for (let start = 0; start < documentIds.length; start += IN_BATCH) {
            const batch = documentIds.slice(start, start + IN_BATCH);
            await this.db.query(`DELETE FROM ${this.t}document_versions WHERE kb = ${this.p(1)} AND document_id IN (${batch.map((_, i) => this.p(i + 2)).join(', ')})`, [kb, ...batch]);
        }
    }
    async recordFailures(failures) {
        if (failures.length === 0)
            return;
        await this.db.transaction(async (query) => {
            for (const failure of failures)
                await query(insertSql(this.d, `${this.t}ingestion_failures`, FAILURE), encode(this.d, FAILURE, failure));
        });
    }
    async listFailures(kb, limit) {
        const rows = await this.db.query(`SELECT * FROM ${this.t}ingestion_failures WHERE kb = ${this.p(1)} ORDER BY at DESC, id DESC LIMIT ${this.p(2)}`, [kb, Math.max(0, Math.floor(limit))]);
        return rows.map((row) => decode(this.d, FAILURE, row));
    }
    async journal(entry) {
        await this.db.query(insertSql(this.d, `${this.t}admin_journal`, JOURNAL), encode(this.d, JOURNAL, entry));
    }
    async listJournal(filter) {
        const conditions = [];
        const values = [];
        const add = (condition, value) => {
            values.push(value);
            conditions.push(condition(this.p(values.length)));
        };
        if (filter.from)
            add((p) => `at >= ${p}`, this.d.encodeTime(filter.from));
        if (filter.to)
            add((p) => `at <= ${p}`, this.d.encodeTime(filter.to));
        if (filter.actor)
            add((p) => `lower(actor) LIKE ${p} ESCAPE '\\'`, `%${likeEscape(filter.actor.toLowerCase())}%`);
        if (filter.action)
            add((p) => `action LIKE ${p} ESCAPE '\\'`, `${likeEscape(filter.action)}%`);
        values.push(Math.max(0, Math.floor(filter.limit)));
        const where = conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : '';
        const rows = await this.db.query(`SELECT * FROM ${this.t}admin_journal ${where} ORDER BY at DESC, id DESC LIMIT ${this.p(values.length)}`, values);
        return rows.map((row) => decode(this.d, JOURNAL, row));
    }
    close() {
        return this.db.close();
    }
    async versionsIn(query, kb, documentIds) {
        const found = new Map();
        for (let start = 0; start < documentIds.length; start += IN_BATCH) {
            const batch = documentIds.slice(start, start + IN_BATCH);
            const rows = await query(`SELECT * FROM ${this.t}document_versions WHERE kb = ${this.p(1)} AND document_id IN (${batch.map((_, i) => this.p(i + 2)).join(', ')})`, [kb, ...batch]);
            for (const row of rows) {
                const record = decode(this.d, DOCUMENT_VERSION, row);
                found.set(record.documentId, record);
            }
        }
        return found;
    }
    version(row) {
        return decode(this.d, VERSION, row);
    }
    p(index) {
        return this.d.placeholder(index);
    }
}
function likeEscape(text) {
    return text.replace(/[\\%_]/g, (character) => `\\${character}`);
}
