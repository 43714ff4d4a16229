/** How the learning store's records are stored (state/record-codec.ts), the same for SQLite and PostgreSQL. */
export const TRAINING = { learnerHash: 'text', service: 'text', score: 'num', total: 'num', passed: 'bool', at: 'time' };
export const QUIZ_ANSWER = { learnerHash: 'text', itemId: 'text', kb: 'text', correct: 'bool', at: 'time' };
export const REVIEW = {
    learnerHash: 'text', itemId: 'text', kb: 'text', box: 'num', dueAt: 'time', lastAnsweredAt: 'time', correctCount: 'num', wrongCount: 'num',
};
/** The training status from `COUNT(*) AS attempts, MAX(score) AS best, MAX(total) AS total, MAX(pass time) AS completed`. */
export function toTrainingStatus(dialect, row) {
    if (!row || Number(row.attempts) === 0)
        return undefined;
    return {
        ...(row.completed != null ? { completedAt: dialect.decodeTime(row.completed) } : {}),
        bestScore: Number(row.best),
        total: Number(row.total),
        attempts: Number(row.attempts),
    };
}
/** The agent's summary from the answers' counts (`answers`, `correct`) and the reviews' (`items`, `due`, `next_due`). */
export function toSummary(dialect, answers, reviews) {
    return {
        answers: Number(answers?.answers ?? 0),
        correct: Number(answers?.correct ?? 0),
        items: Number(reviews?.items ?? 0),
        due: Number(reviews?.due ?? 0),
        ...(reviews?.next_due != null ? { nextDueAt: dialect.decodeTime(reviews.next_due) } : {}),
    };
}
