/**
 * The learning store port: what Passerelle keeps of each agent's learning — the AI-literacy training taken,
 * quiz answers and the spaced-repetition state of each item, the quiz or training in progress — under a
 * pseudonym of its own (HMAC of the channel user id, in a domain distinct from the audit log's, so results
 * cannot be joined to questions asked). An agent reads only their own records; administrators read only the
 * aggregate methods, which return counts per service or per base and never a pseudonym (the core then hides
 * groups too small to stay anonymous). Two implementations share one contract suite
 * (test/contract/learning-store.contract.ts): SQLite (embedded default) and PostgreSQL (production).
 */

/** An agent known to the learning side: counted in the coverage of their service. */
export interface LearnerRecord {
  learnerHash: string;
  /** The agent's service, resolved from configuration when last seen ("non renseigné" when none matches). */
  service: string;
  /** ISO timestamps. */
  firstSeen: string;
  lastSeen: string;
}

/** One attempt at the AI-literacy check (EU AI Act art. 4). */
export interface TrainingRecord {
  learnerHash: string;
  service: string;
  /** Right answers, out of `total`. */
  score: number;
  total: number;
  passed: boolean;
  at: string;
}

/** The agent's training status: last passing attempt, best score, attempts. */
export interface TrainingStatus {
  completedAt?: string;
  bestScore: number;
  total: number;
  attempts: number;
}

/** One answer to a quiz item. */
export interface QuizAnswerRecord {
  learnerHash: string;
  itemId: string;
  kb: string;
  correct: boolean;
  at: string;
}

/** The spaced-repetition state of one item for one agent (Leitner box and next due date). */
export interface ReviewRecord {
  learnerHash: string;
  itemId: string;
  kb: string;
  /** 1 after a miss, up to 5 after successive right answers. */
  box: number;
  /** When the item should be asked again (ISO). */
  dueAt: string;
  lastAnsweredAt: string;
  correctCount: number;
  wrongCount: number;
}

/** A quiz or training in progress in one conversation: the question waiting for the agent's answer. */
export interface LearningSession {
  learnerHash: string;
  conversationKey: string;
  kind: 'quiz' | 'training';
  /** The flow's own state (items, position, score), opaque to the store. */
  state: unknown;
  /** After this (ISO), the session is gone: the next message is an ordinary one. */
  expiresAt: string;
}

/** What an agent may read of their own results. */
export interface LearnerSummary {
  answers: number;
  correct: number;
  /** Items answered at least once. */
  items: number;
  /** Items due again now. */
  due: number;
  /** Earliest due date of the items not due yet, when any. */
  nextDueAt?: string;
}

/** Aggregate: agents seen since a date, and those of them who passed the AI-literacy check, per service. */
export interface CoverageRow {
  service: string;
  agents: number;
  trained: number;
}

/** Aggregate: quiz activity per base since a date. */
export interface QuizActivityRow {
  kb: string;
  agents: number;
  answers: number;
  correct: number;
}

export interface LearningStore {
  /** Records that an agent uses Passerelle (upsert: first seen kept, last seen and service updated). */
  noteLearner(learnerHash: string, service: string, at: string): Promise<void>;
  recordTraining(record: TrainingRecord): Promise<void>;
  trainingStatus(learnerHash: string): Promise<TrainingStatus | undefined>;
  /** Appends the answer and replaces the item's review state, atomically. */
  recordAnswer(answer: QuizAnswerRecord, review: ReviewRecord): Promise<void>;
  /** The agent's review state of these items (all the agent's items when `itemIds` is absent). */
  reviews(learnerHash: string, itemIds?: readonly string[]): Promise<ReviewRecord[]>;
  /** The agent's items due at `now` (ISO), earliest first. */
  dueReviews(learnerHash: string, now: string, limit: number): Promise<ReviewRecord[]>;
  summary(learnerHash: string, now: string): Promise<LearnerSummary>;
  /** Creates or replaces the session of (learner, conversation). */
  saveSession(session: LearningSession): Promise<void>;
  /** The live session, left in place. */
  peekSession(learnerHash: string, conversationKey: string, now: string): Promise<LearningSession | undefined>;
  /** Removes and returns the live session: of two concurrent callers, exactly one gets it. */
  takeSession(learnerHash: string, conversationKey: string, now: string): Promise<LearningSession | undefined>;
  /** Erases everything kept about the agent (their right to erasure); returns how many rows went. */
  forgetLearner(learnerHash: string): Promise<number>;
  /** Anonymous aggregates for administrators (no pseudonym in the result). */
  coverage(since: string): Promise<CoverageRow[]>;
  quizActivity(since: string): Promise<QuizActivityRow[]>;
  close(): Promise<void>;
}
