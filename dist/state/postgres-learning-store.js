import { PostgresDatabase } from "./postgres-support.js";
import { QUIZ_ANSWER, REVIEW, toSummary, toTrainingStatus, TRAINING } from "./learning-codec.js";
import { decode, encode, insertSql, POSTGRES } from "./record-codec.js";
/** First key of the advisory lock taken while creating the tables ("LRNG"). */
const SCHEMA_LOCK_CLASS = 0x4c524e47;
/**
 * The production learning store: five tables in the state store's PostgreSQL schema. An answer and its
 * review state are written in one transaction; `takeSession` is one `DELETE … RETURNING` (of concurrent
 * callers exactly one gets the row). Connection failures reject with STORE_UNAVAILABLE; the next call tries
 * again.
 */
export class PostgresLearningStore {
    db;
    s;
    constructor(options) {
        this.db = new PostgresDatabase(options, 3, SCHEMA_LOCK_CLASS, tablesSql, 'learning');
        this.s = this.db.s;
    }
    static async open(options) {
        const store = new PostgresLearningStore(options);
        await store.db.open();
        return store;
    }
    async noteLearner(learnerHash, service, at) {
        await this.db.query(`INSERT INTO ${this.s}.learning_learners (learner_hash, service, first_seen, last_seen) VALUES ($1, $2, $3, $3)
       ON CONFLICT (learner_hash) DO UPDATE SET service = excluded.service, last_seen = GREATEST(${this.s}.learning_learners.last_seen, excluded.last_seen)`, [learnerHash, service, POSTGRES.encodeTime(at)]);
    }
    async recordTraining(record) {
        await this.db.query(insertSql(POSTGRES, `${this.s}.learning_training`, TRAINING), encode(POSTGRES, TRAINING, record));
    }
    async trainingStatus(learnerHash) {
        const [row] = await this.db.query(`SELECT COUNT(*)::int AS attempts, MAX(score) AS best, MAX(total) AS total, MAX(CASE WHEN passed THEN at END) AS completed
       FROM ${this.s}.learning_training WHERE learner_hash = $1`, [learnerHash]);
        return toTrainingStatus(POSTGRES, row);
    }
    async recordAnswer(answer, review) {
        await this.db.transaction(async (query) => {
            await query(insertSql(POSTGRES, `${this.s}.learning_answers`, QUIZ_ANSWER), encode(POSTGRES, QUIZ_ANSWER, answer));
            await query(insertSql(POSTGRES, `${this.s}.learning_reviews`, REVIEW, [], ['learner_hash', 'item_id']), encode(POSTGRES, REVIEW, review));
        });
    }
    async reviews(learnerHash, itemIds) {
        const rows = itemIds
            ? await this.db.query(`SELECT * FROM ${this.s}.learning_reviews WHERE learner_hash = $1 AND item_id = ANY($2::text[]) ORDER BY item_id COLLATE "C"`, [learnerHash, [...itemIds]])
            : await this.db.query(`SELECT * FROM ${this.s}.learning_reviews WHERE learner_hash = $1 ORDER BY item_id COLLATE "C"`, [learnerHash]);
        return rows.map(toReview);
    }
    async dueReviews(learnerHash, now, limit) {
        const rows = await this.db.query(`SELECT * FROM ${this.s}.learning_reviews WHERE learner_hash = $1 AND due_at <= $2 ORDER BY due_at, item_id COLLATE "C" LIMIT $3`, [learnerHash, POSTGRES.encodeTime(now), Math.max(0, Math.floor(limit))]);
        return rows.map(toReview);
    }
    async summary(learnerHash, now) {
        const [answers] = await this.db.query(`SELECT COUNT(*)::int AS answers, COALESCE(SUM(CASE WHEN correct THEN 1 ELSE 0 END), 0)::int AS correct FROM ${this.s}.learning_answers WHERE learner_hash = $1`, [learnerHash]);
        const [reviews] = await this.db.query(`SELECT COUNT(*)::int AS items, COALESCE(SUM(CASE WHEN due_at <= $2 THEN 1 ELSE 0 END), 0)::int AS due,
         MIN(CASE WHEN due_at > $2 THEN due_at END) AS next_due FROM ${this.s}.learning_reviews WHERE learner_hash = $1`, [learnerHash, POSTGRES.encodeTime(now)]);
        return toSummary(POSTGRES, answers, reviews);
    }
    async saveSession(session) {
        await this.db.query(`DELETE FROM ${this.s}.learning_sessions WHERE expires_at <= now()`, []);
        await this.db.query(`INSERT INTO ${this.s}.learning_sessions (learner_hash, conversation_key, kind, state, expires_at) VALUES ($1, $2, $3, $4::jsonb, $5)
       ON CONFLICT (learner_hash, conversation_key) DO UPDATE SET kind = excluded.kind, state = excluded.state, expires_at = excluded.expires_at`, [session.learnerHash, session.conversationKey, session.kind, JSON.stringify(session.state), POSTGRES.encodeTime(session.expiresAt)]);
    }
    async peekSession(learnerHash, conversationKey, now) {
        const [row] = await this.db.query(`SELECT * FROM ${this.s}.learning_sessions WHERE learner_hash = $1 AND conversation_key = $2 AND expires_at > $3`, [learnerHash, conversationKey, POSTGRES.encodeTime(now)]);
        return row ? toSession(row) : undefined;
    }
    async takeSession(learnerHash, conversationKey, now) {
        const [row] = await this.db.query(`DELETE FROM ${this.s}.learning_sessions WHERE learner_hash = $1 AND conversation_key = $2 AND expires_at > $3 RETURNING *`, [learnerHash, conversationKey, POSTGRES.encodeTime(now)]);
        return row ? toSession(row) : undefined;
    }
    async forgetLearner(learnerHash) {
        return this.db.transaction(async (query) => {
            let removed = 0;
            for (const table of ['learning_learners', 'learning_training', 'learning_answers', 'learning_reviews', 'learning_sessions']) {
                const rows = await query(`WITH gone AS (DELETE FROM ${this.s}.${table} WHERE learner_hash = $1 RETURNING 1) SELECT COUNT(*)::int AS n FROM gone`, [learnerHash]);
                removed += Number(rows[0]?.n ?? 0);
            }
            return removed;
        });
    }
    async coverage(since) {
        const rows = await this.db.query(`SELECT l.service, COUNT(*)::int AS agents,
         COUNT(*) FILTER (WHERE EXISTS (SELECT 1 FROM ${this.s}.learning_training t WHERE t.learner_hash = l.learner_hash AND t.passed))::int AS trained
       FROM ${this.s}.learning_learners l WHERE l.last_seen >= $1 GROUP BY l.service ORDER BY l.service COLLATE "C"`, [POSTGRES.encodeTime(since)]);
        return rows.map((row) => ({ service: String(row.service), agents: Number(row.agents), trained: Number(row.trained) }));
    }
    async quizActivity(since) {
        const rows = await this.db.query(`SELECT kb, COUNT(DISTINCT learner_hash)::int AS agents, COUNT(*)::int AS answers, COUNT(*) FILTER (WHERE correct)::int AS correct
       FROM ${this.s}.learning_answers WHERE at >= $1 GROUP BY kb ORDER BY kb COLLATE "C"`, [POSTGRES.encodeTime(since)]);
        return rows.map((row) => ({ kb: String(row.kb), agents: Number(row.agents), answers: Number(row.answers), correct: Number(row.correct) }));
    }
    async close() {
        await this.db.close();
    }
}
function tablesSql(s) {
    return `
CREATE TABLE IF NOT EXISTS ${s}.learning_learners (
  learner_hash text PRIMARY KEY, service text NOT NULL, first_seen timestamptz NOT NULL, last_seen timestamptz NOT NULL);
CREATE TABLE IF NOT EXISTS ${s}.learning_training (
  id bigserial PRIMARY KEY, learner_hash text NOT NULL, service text NOT NULL, score integer NOT NULL, total integer NOT NULL,
  passed boolean NOT NULL, at timestamptz NOT NULL);
CREATE INDEX IF NOT EXISTS learning_training_by_learner ON ${s}.learning_training (learner_hash, at);
CREATE TABLE IF NOT EXISTS ${s}.learning_answers (
  id bigserial PRIMARY KEY, learner_hash text NOT NULL, item_id text NOT NULL, kb text NOT NULL, correct boolean NOT NULL,
  at timestamptz NOT NULL);
CREATE INDEX IF NOT EXISTS learning_answers_by_time ON ${s}.learning_answers (at);
CREATE INDEX IF NOT EXISTS learning_answers_by_learner ON ${s}.learning_answers (learner_hash);
CREATE TABLE IF NOT EXISTS ${s}.learning_reviews (
  learner_hash text NOT NULL, item_id text NOT NULL, kb text NOT NULL, box integer NOT NULL, due_at timestamptz NOT NULL,
  last_answered_at timestamptz NOT NULL, correct_count integer NOT NULL, wrong_count integer NOT NULL,
  PRIMARY KEY (learner_hash, item_id));
CREATE INDEX IF NOT EXISTS learning_reviews_by_due ON ${s}.learning_reviews (learner_hash, due_at);
CREATE TABLE IF NOT EXISTS ${s}.learning_sessions (
  learner_hash text NOT NULL, conversation_key text NOT NULL, kind text NOT NULL, state jsonb NOT NULL,
  expires_at timestamptz NOT NULL, PRIMARY KEY (learner_hash, conversation_key));`;
}
const toReview = (row) => decode(POSTGRES, REVIEW, row);
function toSession(row) {
    return {
        learnerHash: String(row.learner_hash),
        conversationKey: String(row.conversation_key),
        kind: String(row.kind) === 'training' ? 'training' : 'quiz',
        state: row.state,
        expiresAt: POSTGRES.decodeTime(row.expires_at),
    };
}
