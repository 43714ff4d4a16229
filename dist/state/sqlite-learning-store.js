import { QUIZ_ANSWER, REVIEW, toSummary, toTrainingStatus, TRAINING } from "./learning-codec.js";
import { decode, encode, insertSql, SQLITE, toMillis } from "./record-codec.js";
import { guardSqlite, inTransaction, openSqlite } from "./sqlite-support.js";
/**
 * The embedded learning store: five tables in a SQLite file of the data directory. Times are epoch
 * milliseconds, booleans 0/1, session states JSON text. `takeSession` is one `DELETE … RETURNING`, atomic
 * in SQLite even across processes.
 */
const SCHEMA = `
CREATE TABLE IF NOT EXISTS learning_learners (
  learner_hash TEXT PRIMARY KEY, service TEXT NOT NULL, first_seen INTEGER NOT NULL, last_seen INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS learning_training (
  id INTEGER PRIMARY KEY AUTOINCREMENT, learner_hash TEXT NOT NULL, service TEXT NOT NULL, score INTEGER NOT NULL,
  total INTEGER NOT NULL, passed INTEGER NOT NULL, at INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS learning_training_by_learner ON learning_training(learner_hash, at);
CREATE TABLE IF NOT EXISTS learning_answers (
  id INTEGER PRIMARY KEY AUTOINCREMENT, learner_hash TEXT NOT NULL, item_id TEXT NOT NULL, kb TEXT NOT NULL,
  correct INTEGER NOT NULL, at INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS learning_answers_by_time ON learning_answers(at);
CREATE INDEX IF NOT EXISTS learning_answers_by_learner ON learning_answers(learner_hash);
CREATE TABLE IF NOT EXISTS learning_reviews (
  learner_hash TEXT NOT NULL, item_id TEXT NOT NULL, kb TEXT NOT NULL, box INTEGER NOT NULL, due_at INTEGER NOT NULL,
  last_answered_at INTEGER NOT NULL, correct_count INTEGER NOT NULL, wrong_count INTEGER NOT NULL,
  PRIMARY KEY (learner_hash, item_id));
CREATE INDEX IF NOT EXISTS learning_reviews_by_due ON learning_reviews(learner_hash, due_at);
CREATE TABLE IF NOT EXISTS learning_sessions (
  learner_hash TEXT NOT NULL, conversation_key TEXT NOT NULL, kind TEXT NOT NULL, state TEXT NOT NULL,
  expires_at INTEGER NOT NULL, PRIMARY KEY (learner_hash, conversation_key));
`;
export class SqliteLearningStore {
    db;
    sql;
    closed = false;
    constructor(file) {
        this.db = openSqlite(file, SCHEMA, 'learning');
        const prepare = (text) => this.db.prepare(text);
        this.sql = {
            noteLearner: prepare(`INSERT INTO learning_learners (learner_hash, service, first_seen, last_seen) VALUES (?1, ?2, ?3, ?3)
         ON CONFLICT (learner_hash) DO UPDATE SET service = excluded.service, last_seen = MAX(learning_learners.last_seen, excluded.last_seen)`),
            recordTraining: prepare(insertSql(SQLITE, 'learning_training', TRAINING)),
            trainingStatus: prepare(`SELECT COUNT(*) AS attempts, MAX(score) AS best, MAX(total) AS total, MAX(CASE WHEN passed = 1 THEN at END) AS completed
         FROM learning_training WHERE learner_hash = ?`),
            recordAnswer: prepare(insertSql(SQLITE, 'learning_answers', QUIZ_ANSWER)),
            saveReview: prepare(insertSql(SQLITE, 'learning_reviews', REVIEW, [], ['learner_hash', 'item_id'])),
            allReviews: prepare('SELECT * FROM learning_reviews WHERE learner_hash = ? ORDER BY item_id'),
            someReviews: prepare('SELECT * FROM learning_reviews WHERE learner_hash = ?1 AND item_id IN (SELECT value FROM json_each(?2)) ORDER BY item_id'),
            dueReviews: prepare('SELECT * FROM learning_reviews WHERE learner_hash = ? AND due_at <= ? ORDER BY due_at, item_id LIMIT ?'),
            answers: prepare('SELECT COUNT(*) AS answers, COALESCE(SUM(correct), 0) AS correct FROM learning_answers WHERE learner_hash = ?'),
            reviewCounts: prepare(`SELECT COUNT(*) AS items, COALESCE(SUM(CASE WHEN due_at <= ?2 THEN 1 ELSE 0 END), 0) AS due,
           MIN(CASE WHEN due_at > ?2 THEN due_at END) AS next_due FROM learning_reviews WHERE learner_hash = ?1`),
            saveSession: prepare(`INSERT INTO learning_sessions (learner_hash, conversation_key, kind, state, expires_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (learner_hash, conversation_key) DO UPDATE SET kind = excluded.kind, state = excluded.state, expires_at = excluded.expires_at`),
            peekSession: prepare('SELECT * FROM learning_sessions WHERE learner_hash = ? AND conversation_key = ? AND expires_at > ?'),
            takeSession: prepare('DELETE FROM learning_sessions WHERE learner_hash = ? AND conversation_key = ? AND expires_at > ? RETURNING *'),
            purgeSessions: prepare('DELETE FROM learning_sessions WHERE expires_at <= ?'),
            coverage: prepare(`SELECT l.service AS service, COUNT(*) AS agents,
           SUM(CASE WHEN EXISTS (SELECT 1 FROM learning_training t WHERE t.learner_hash = l.learner_hash AND t.passed = 1) THEN 1 ELSE 0 END) AS trained
         FROM learning_learners l WHERE l.last_seen >= ? GROUP BY l.service ORDER BY l.service`),
            quizActivity: prepare(`SELECT kb, COUNT(DISTINCT learner_hash) AS agents, COUNT(*) AS answers, COALESCE(SUM(correct), 0) AS correct
         FROM learning_answers WHERE at >= ? GROUP BY kb ORDER BY kb`),
        };
    }
    async noteLearner(learnerHash, service, at) {
        this.run(() => this.sql.noteLearner.run(learnerHash, service, toMillis(at)));
    }
    async recordTraining(record) {
        this.run(() => this.sql.recordTraining.run(...encode(SQLITE, TRAINING, record)));
    }
    async trainingStatus(learnerHash) {
        return toTrainingStatus(SQLITE, this.run(() => this.sql.trainingStatus.get(learnerHash)));
    }
    async recordAnswer(answer, review) {
        this.run(() => inTransaction(this.db, () => {
            this.sql.recordAnswer.run(...encode(SQLITE, QUIZ_ANSWER, answer));
            this.sql.saveReview.run(...encode(SQLITE, REVIEW, review));
        }));
    }
    async reviews(learnerHash, itemIds) {
        const rows = this.run(() => (itemIds ? this.sql.someReviews.all(learnerHash, JSON.stringify(itemIds)) : this.sql.allReviews.all(learnerHash)));
        return rows.map((row) => decode(SQLITE, REVIEW, row));
    }
    async dueReviews(learnerHash, now, limit) {
        const rows = this.run(() => this.sql.dueReviews.all(learnerHash, toMillis(now), Math.max(0, Math.floor(limit))));
        return rows.map((row) => decode(SQLITE, REVIEW, row));
    }
    async summary(learnerHash, now) {
        const answers = this.run(() => this.sql.answers.get(learnerHash));
        const reviews = this.run(() => this.sql.reviewCounts.get(learnerHash, toMillis(now)));
        return toSummary(SQLITE, answers, reviews);
    }
    async saveSession(session) {
        this.run(() => {
            this.sql.purgeSessions.run(Date.now());
            this.sql.saveSession.run(session.learnerHash, session.conversationKey, session.kind, JSON.stringify(session.state), toMillis(session.expiresAt));
        });
    }
    async peekSession(learnerHash, conversationKey, now) {
        const row = this.run(() => this.sql.peekSession.get(learnerHash, conversationKey, toMillis(now)));
        return row ? toSession(row) : undefined;
    }
    async takeSession(learnerHash, conversationKey, now) {
        const row = this.run(() => this.sql.takeSession.get(learnerHash, conversationKey, toMillis(now)));
        return row ? toSession(row) : undefined;
    }
    async forgetLearner(learnerHash) {
        return this.run(() => inTransaction(this.db, () => ['learning_learners', 'learning_training', 'learning_answers', 'learning_reviews', 'learning_sessions']
            .map((table) => Number(this.db.prepare(`DELETE FROM ${table} WHERE learner_hash = ?`).run(learnerHash).changes))
            .reduce((sum, count) => sum + count, 0)));
    }
    async coverage(since) {
        const rows = this.run(() => this.sql.coverage.all(toMillis(since)));
        return rows.map((row) => ({ service: String(row.service), agents: Number(row.agents), trained: Number(row.trained) }));
    }
    async quizActivity(since) {
        const rows = this.run(() => this.sql.quizActivity.all(toMillis(since)));
        return rows.map((row) => ({ kb: String(row.kb), agents: Number(row.agents), answers: Number(row.answers), correct: Number(row.correct) }));
    }
    async close() {
        if (this.closed)
            return;
        this.closed = true;
        this.db.close();
    }
    run(work) {
        return guardSqlite(work);
    }
}
function toSession(row) {
    return {
        learnerHash: String(row.learner_hash),
        conversationKey: String(row.conversation_key),
        kind: String(row.kind) === 'training' ? 'training' : 'quiz',
        state: JSON.parse(String(row.state)),
        expiresAt: SQLITE.decodeTime(row.expires_at),
    };
}
