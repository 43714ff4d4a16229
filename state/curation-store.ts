/**
 * The curation store port: what curators and administrators decide in the console, as opposed to what the
 * bot records on its own (state-store.ts). Split by concern, like the state store:
 *
 * - standard answers: versions of a curator-written answer to a family of questions, each version proposed
 *   by one curator and published (or rejected) by another; at most one published version per answer;
 * - passage rules: "boost" or "hide" one passage for a family of questions;
 * - handled marks: curation-queue items a curator has dealt with;
 * - the knowledge ledger: the version and last synchronisation of each document, and ingestion failures;
 * - the admin journal: who did what in the console (sign-ins, announcements, curation).
 *
 * Two implementations share one contract suite (test/contract/curation-store.contract.ts): SQLite
 * (embedded default, `curation.sqlite` in the data directory) and PostgreSQL (the state store's database).
 */

/** proposed: written, waiting for a second curator; published: served; superseded: replaced by a later publication. */
export type StandardAnswerStatus = 'proposed' | 'published' | 'rejected' | 'superseded' | 'withdrawn';

export interface StandardAnswerVersion {
  /** Stable id of the answer (all its versions). */
  answerId: string;
  /** 1, 2, … in order of proposal. */
  version: number;
  /** Base the answer belongs to (who may read it, which sources it may cite). */
  kb: string;
  /** The question family: example questions the answer is served for. */
  questions: string[];
  /** The answer, Markdown. */
  text: string;
  /** Chunk ids of the sources the curator chose (cited in this order). */
  sourceIds: string[];
  status: StandardAnswerStatus;
  /** Who proposed this version (console identity). */
  author: string;
  createdAt: string;
  /** Who published, rejected or withdrew it. */
  reviewer?: string;
  reviewedAt?: string;
  /** A reviewer's remark (rejections). */
  note?: string;
}

export type NewStandardAnswerVersion = Omit<StandardAnswerVersion, 'version' | 'status' | 'reviewer' | 'reviewedAt' | 'note'>;

export interface StandardAnswers {
  /** Adds the next version of `answerId` (1 for a new answer), status proposed; returns it. */
  proposeVersion(version: NewStandardAnswerVersion): Promise<StandardAnswerVersion>;
  /**
   * proposed → published (the published version of the same answer, if any, becomes superseded in the same
   * transaction) or → rejected. Compare-and-set: false when the version was not proposed any more.
   */
  reviewVersion(answerId: string, version: number, decision: 'published' | 'rejected', reviewer: string, at: string, note?: string): Promise<boolean>;
  /** published → withdrawn: the answer is no longer served. False when nothing was published. */
  withdrawAnswer(answerId: string, by: string, at: string): Promise<boolean>;
  /** Every version of one answer, newest first. */
  answerVersions(answerId: string): Promise<StandardAnswerVersion[]>;
  /** The newest version of every answer, newest answers first. */
  latestVersions(limit: number): Promise<StandardAnswerVersion[]>;
  /** Every published version (what the bot serves). */
  publishedVersions(): Promise<StandardAnswerVersion[]>;
}

export interface PassageRule {
  id: string;
  kb: string;
  /** The chunk the rule is about. */
  chunkId: string;
  action: 'boost' | 'hide';
  /** The question family the rule applies to. */
  questions: string[];
  author: string;
  createdAt: string;
}

export interface PassageRules {
  addRule(rule: PassageRule): Promise<void>;
  removeRule(id: string): Promise<boolean>;
  /** Newest first. */
  listRules(): Promise<PassageRule[]>;
}

export interface HandledMarks {
  /** Marks queue items (by key) as handled; marking twice keeps the first mark. */
  markHandled(keys: readonly string[], by: string, at: string): Promise<void>;
  /** The subset of `keys` marked handled. */
  handledAmong(keys: readonly string[]): Promise<Set<string>>;
}

export interface DocumentVersion {
  kb: string;
  documentId: string;
  contentHash: string;
  /** 1 at the first synchronisation, + 1 each time the content changed. */
  version: number;
  /** Last time an ingestion saw the document (changed or not). */
  syncedAt: string;
  /** Last time its content changed. */
  changedAt: string;
}

export interface IngestionFailure {
  kb: string;
  file: string;
  code: string;
  /** French, from the error catalogue. */
  message: string;
  at: string;
}

export interface KnowledgeLedger {
  /** Records what an ingestion saw: a changed hash is a new version. */
  recordSync(kb: string, documents: ReadonlyArray<{ documentId: string; contentHash: string }>, at: string): Promise<void>;
  /** Versions of these documents (absent: never synchronised through a recording ingestion). */
  documentVersions(kb: string, documentIds: readonly string[]): Promise<Map<string, DocumentVersion>>;
  forgetDocuments(kb: string, documentIds: readonly string[]): Promise<void>;
  recordFailures(failures: readonly IngestionFailure[]): Promise<void>;
  /** Newest first. */
  listFailures(kb: string, limit: number): Promise<IngestionFailure[]>;
}

export interface JournalEntry {
  at: string;
  /** Who: the console identity (e-mail or subject) or `jeton-admin`. */
  actor: string;
  role: string;
  /** What: 'sign-in', 'sign-in-refused', 'announcement-confirm', 'standard-answer-publish'… */
  action: string;
  /** On what: an announcement id, an answer id, a base… */
  target?: string;
  /** A French sentence for the reader of the journal. */
  details?: string;
}

export interface JournalFilter {
  /** ISO bounds, inclusive. */
  from?: string;
  to?: string;
  /** Substring of the actor. */
  actor?: string;
  /** Prefix of the action. */
  action?: string;
  limit: number;
}

export interface AdminJournal {
  journal(entry: JournalEntry): Promise<void>;
  /** Newest first. */
  listJournal(filter: JournalFilter): Promise<JournalEntry[]>;
}

export interface CurationStore extends StandardAnswers, PassageRules, HandledMarks, KnowledgeLedger, AdminJournal {
  close(): Promise<void>;
}
