import type { ChannelName, StoredReference } from '../bots/message.ts';

/**
 * The state store port: everything the bot must remember across messages and restarts, split by concern
 * (each part of the core depends on the concerns it uses). Two implementations share one contract suite (test/contract/state-store.contract.ts): SQLite (embedded
 * default, a file in the data directory) and PostgreSQL (production).
 */

export interface ConversationTurn {
  role: 'user' | 'assistant';
  text: string;
  kb?: string;
  /** Ids of the chunks cited by an assistant turn. */
  citedIds?: string[];
  /** ISO timestamp. */
  at: string;
}

export interface FeedbackRecord {
  channel: ChannelName;
  /** Id of the bot message the feedback is about (or '' for free-text `avis`). */
  messageId: string;
  /** Pseudonymised user. */
  userHash: string;
  /** +1, -1, or 0 for a comment without rating. */
  rating: -1 | 0 | 1;
  comment?: string;
  /** The reason(s) picked in the channel's feedback form (Teams), comma-separated. */
  reason?: string;
  question?: string;
  answer?: string;
  citedIds: string[];
  kb?: string;
  at: string;
}

export interface UnansweredRecord {
  channel: ChannelName;
  userHash: string;
  question: string;
  kb?: string;
  /** Why: 'low-confidence' | 'no-valid-citation' | 'no-passage' | … */
  reason: string;
  /** Nearest passages' ids, for curators. */
  nearestIds: string[];
  at: string;
}

export interface AuditRecord {
  channel: ChannelName;
  userHash: string;
  kind: string;
  kb?: string;
  citedIds: string[];
  model?: string;
  inputTokens: number;
  outputTokens: number;
  /** Estimated energy, watt-hours. */
  energyWh: number;
  latencyMs: number;
  abstained: boolean;
  at: string;
}

/** Answer of a bot message, kept so that feedback on it can be stored with the question and cited ids. */
export interface AnswerRecord {
  messageId: string;
  channel: ChannelName;
  conversationKey: string;
  question: string;
  answer: string;
  kb?: string;
  citedIds: string[];
  at: string;
}

/** Keys seen recently: redelivered messages, reactions, notices already sent. */
export interface SeenKeys {
  /** Records `key` as seen; true the first time, false afterwards (until `ttlMs` has passed). */
  markSeen(key: string, ttlMs: number): Promise<boolean>;
  /** Whether `key` is remembered (marked and not expired); records nothing. */
  hasSeen(key: string): Promise<boolean>;
}

/** Where to reach a conversation later (summaries, announcements), and whether it still can be. */
export interface ConversationReferences {
  saveReference(reference: StoredReference): Promise<void>;
  getReference(key: string): Promise<StoredReference | undefined>;
  listReferences(filter?: { channel?: ChannelName; activeOnly?: boolean; directOnly?: boolean }): Promise<StoredReference[]>;
  deactivateReference(key: string, reason: string): Promise<void>;
}

/** Users shown the AI notice (EU AI Act art. 50). */
export interface NoticeLog {
  /** True the first time for this user (the AI notice is then shown). */
  markNotified(userKey: string): Promise<boolean>;
}

/** The last turns of each conversation (follow-up questions). */
export interface ConversationTurns {
  appendTurn(conversationKey: string, turn: ConversationTurn): Promise<void>;
  /** The last `limit` turns newer than `since` (ISO), oldest first. */
  recentTurns(conversationKey: string, limit: number, since: string): Promise<ConversationTurn[]>;
  clearConversation(conversationKey: string): Promise<void>;
}

/** The bot's answers, so that a rating finds the question and the cited ids. */
export interface AnswerLog {
  saveAnswer(answer: AnswerRecord): Promise<void>;
  getAnswer(channel: ChannelName, messageId: string): Promise<AnswerRecord | undefined>;
}

/** What curators read: ratings and remarks, questions left unanswered. */
export interface CuratorLog {
  /**
   * Records a rating or a remark. A rating (+1/−1 on a message) replaces that user's earlier rating of the
   * same message: one user, one opinion per answer, the latest.
   */
  recordFeedback(feedback: FeedbackRecord): Promise<void>;
  /** Removes a user's rating (+1/−1) of a message (a withdrawn reaction); returns how many were removed. */
  withdrawRating(channel: ChannelName, messageId: string, userHash: string): Promise<number>;
  listFeedback(limit: number): Promise<FeedbackRecord[]>;
  recordUnanswered(record: UnansweredRecord): Promise<void>;
  listUnanswered(limit: number): Promise<UnansweredRecord[]>;
}

/** The pseudonymised audit log, kept `bot.auditRetentionDays`. */
export interface AuditLog {
  recordAudit(record: AuditRecord): Promise<void>;
  listAudit(limit: number): Promise<AuditRecord[]>;
  /** Deletes audit records older than `before` (ISO); returns how many. */
  purgeAudit(before: string): Promise<number>;
}

/** Audit kinds that are answers to a question (the others are admin events: refused API calls…). */
export const ANSWER_KINDS = ['extractive', 'generative', 'standard', 'refusal', 'abstention'] as const;

/** Upper bounds (ms, inclusive) of the latency histogram's buckets; one more bucket holds what is beyond. */
export const LATENCY_BOUNDS_MS = [250, 500, 750, 1_000, 1_500, 2_000, 3_000, 4_000, 5_000, 7_500, 10_000, 15_000, 20_000, 30_000, 60_000] as const;

/** What the console's overview reads, aggregated by the database over a period (days are UTC). */
export interface ActivityFigures {
  /** Answers by day (YYYY-MM-DD), base ('' when none), channel and kind (one of ANSWER_KINDS). */
  answers: Array<{ day: string; kb: string; channel: string; kind: string; count: number; inputTokens: number; outputTokens: number; energyWh: number }>;
  /** Answers per latency bucket: `latency[i]` counts latencies ≤ LATENCY_BOUNDS_MS[i] (and above the previous bound); the last, beyond. */
  latency: number[];
  /** Ratings (+1 / −1) by day. */
  ratings: Array<{ day: string; rating: 1 | -1; count: number }>;
}

/** Aggregates of the audit log and the ratings, for dashboards. */
export interface ActivityStatistics {
  /** Between `from` (inclusive) and `to` (exclusive), ISO. */
  activity(from: string, to: string): Promise<ActivityFigures>;
}

/** `CASE` expression giving the latency bucket of `latency_ms` (the same SQL in both databases). */
export function latencyBucketSql(): string {
  return `CASE ${LATENCY_BOUNDS_MS.map((bound, index) => `WHEN latency_ms <= ${bound} THEN ${index}`).join(' ')} ELSE ${LATENCY_BOUNDS_MS.length} END`;
}

/** The day (YYYY-MM-DD) of a count of days since the epoch. */
export function epochDay(days: number): string {
  return new Date(days * 86_400_000).toISOString().slice(0, 10);
}

/**
 * One message's place in a user's rate window (`bot.rateLimitPerMinute`): a question let through at `at`,
 * or a question held until `at` because the user had asked too many in a minute (it is answered then).
 */
export interface RateSlot {
  id: string;
  /** `${channel}:${user id}`. */
  userKey: string;
  /** When the question was let through, or when the held question is due (ISO). */
  at: string;
  /** The held question (the serialised IncomingMessage), until it is released. */
  message?: unknown;
}

/** The per-user rate windows and the questions held in them, kept across restarts. */
export interface RateSlots {
  addSlot(slot: RateSlot): Promise<void>;
  /** The user's slots at or after `since` and every slot still holding a message, oldest first. */
  userSlots(userKey: string, since: string): Promise<RateSlot[]>;
  /** Slots holding a message due at or before `until`, oldest first, at most `limit`. */
  dueSlots(until: string, limit: number): Promise<RateSlot[]>;
  /** Takes the held message out of the slot (the slot stays counted): true for exactly one caller. */
  releaseSlot(id: string): Promise<boolean>;
  /** Deletes slots holding no message that are older than `before`; returns how many. */
  pruneSlots(before: string): Promise<number>;
}

/** What the moderators of a room or channel chose for it (`paramètres`); an absent field keeps the default. */
export interface RoomSettings {
  /** Bases the bot answers from in this room (ids); absent: every base the asker may use. */
  bases?: string[];
  /** Answer only messages that mention or reply to the bot (default), or every message (false). */
  mentionOnly?: boolean;
  /** Whether announcements may be posted here (default true); in a direct chat, whether the user receives them. */
  announcements?: boolean;
  /** The AI notice shown to newcomers here, instead of the default text. */
  aiNotice?: string;
}

export interface RoomSettingsRecord {
  /** The room's conversation key, without thread (`IncomingMessage.roomKey`). */
  roomKey: string;
  channel: ChannelName;
  settings: RoomSettings;
  /** Pseudonymised moderator who made the last change. */
  updatedBy: string;
  updatedAt: string;
}

/** Per-room settings, set by the room's moderators. */
export interface RoomSettingsLog {
  getRoomSettings(roomKey: string): Promise<RoomSettingsRecord | undefined>;
  /** Replaces the room's settings. */
  saveRoomSettings(record: RoomSettingsRecord): Promise<void>;
  /** Every room with settings, by key. */
  listRoomSettings(): Promise<RoomSettingsRecord[]>;
}

/** One run of a scheduled synchronisation with the official sources (`sync.schedules`), for curators. */
export interface SyncRunRecord {
  /** `<job id>#<attempt>`: each attempt is a run of its own. */
  id: string;
  schedule: string;
  source: string;
  bases: string[];
  /** `success`: every base up to date; `failed`: a step or a base failed (see `errors`, and `retryAt`). */
  status: 'success' | 'failed';
  attempt: number;
  /** When the next attempt is due, when one is planned. */
  retryAt?: string;
  startedAt: string;
  finishedAt: string;
  /** The synchronisation reports, one per base (knowledge/sync/sync-report.ts `SyncReport`, opaque here). */
  reports: unknown[];
  /** What failed, in French (a base that could not be synchronised at all). */
  errors: string[];
}

/** The runs of scheduled synchronisations: stored by the job, read by the console. */
export interface SyncRunLog {
  /** Records a run (replaces a record of the same id). */
  recordSyncRun(run: SyncRunRecord): Promise<void>;
  /** The latest runs, newest first; of one schedule when given. */
  listSyncRuns(limit: number, schedule?: string): Promise<SyncRunRecord[]>;
}

/** Cached answers, routing decisions and delivery marks, with a lifetime. */
export interface Cache {
  cacheGet(key: string): Promise<string | undefined>;
  /** Stores `value` under `key` for `ttlMs`. */
  cacheSet(key: string, value: string, ttlMs: number): Promise<void>;
  /** Deletes cache entries whose key starts with `prefix` (invalidation by base). */
  cacheInvalidate(prefix: string): Promise<number>;
}

/**
 * The whole state store, as the composition root opens it: one database holding every concern. Each part of
 * the core depends on the concerns it uses only.
 */
export interface StateStore extends SeenKeys, ConversationReferences, NoticeLog, ConversationTurns, AnswerLog, CuratorLog, AuditLog, ActivityStatistics, Cache, RateSlots, RoomSettingsLog, SyncRunLog {
  close(): Promise<void>;
}
