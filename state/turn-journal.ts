/**
 * The inbound turn journal: what a channel acknowledged before answering, kept in the shared state database
 * until it is answered, so that a replica dying in between loses no question (Teams acknowledges a message
 * with 200 at once and never delivers it again).
 *
 * A turn is recorded by the replica that received it, claimed by it for a while (its `owner` and a claim
 * expiry, renewed while it handles the turn), and finished once handled — its payload (the activity, with
 * the agent's words) is then erased. A pending turn whose claim expired belonged to a replica that died:
 * another replica claims it (one statement, so exactly one claimant) and handles it again; the core's
 * dedupe and reply keys keep what the dead replica had already sent from being sent twice. A turn claimed
 * `maxAttempts` times is given up (a message that crashes every replica must not loop forever).
 * Table: `inbound_turns` (state store, migration 5).
 */

export interface JournalTurn {
  id: string;
  channel: string;
  /** What the channel received (JSON-serialisable), to hand it over again. */
  payload: unknown;
  /** Claims so far, this one included. */
  attempts: number;
}

export interface TurnJournal {
  /**
   * Records a received turn, claimed by `owner` for `ttlMs`. False when `id` is already recorded (the
   * channel delivered it again): whoever recorded it handles it.
   */
  record(id: string, channel: string, payload: unknown, owner: string, ttlMs: number): Promise<boolean>;
  /** Extends `owner`'s claim on these pending turns (the ones it is handling). */
  renew(ids: readonly string[], owner: string, ttlMs: number): Promise<void>;
  /** Marks the turn handled and erases its payload. */
  finish(id: string): Promise<void>;
  /**
   * Claims for `owner`, for `ttlMs`, up to `limit` pending turns of these channels whose claim expired;
   * those already claimed `maxAttempts` times are given up instead (returned in `abandoned`).
   */
  claimExpired(channels: readonly string[], owner: string, ttlMs: number, limit: number, maxAttempts: number): Promise<{ claimed: JournalTurn[]; abandoned: string[] }>;
  /** Deletes turns finished or given up more than `olderThanMs` ago. */
  purge(olderThanMs: number): Promise<number>;
  close(): Promise<void>;
}
