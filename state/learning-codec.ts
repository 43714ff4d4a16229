import type { Spec } from './record-codec.ts';
import type { QuizAnswerRecord, ReviewRecord, TrainingRecord } from './learning-store.ts';

/** How the learning store's records are stored (state/record-codec.ts), the same for SQLite and PostgreSQL. */

export const TRAINING = { learnerHash: 'text', service: 'text', score: 'num', total: 'num', passed: 'bool', at: 'time' } satisfies Spec<TrainingRecord>;
export const QUIZ_ANSWER = { learnerHash: 'text', itemId: 'text', kb: 'text', correct: 'bool', at: 'time' } satisfies Spec<QuizAnswerRecord>;
export const REVIEW = {
  learnerHash: 'text', itemId: 'text', kb: 'text', box: 'num', dueAt: 'time', lastAnsweredAt: 'time', correctCount: 'num', wrongCount: 'num',
} satisfies Spec<ReviewRecord>;
