import { metrics } from '../metrics.ts';
import { PasserelleError } from '../errors.ts';
import type { Logger } from '../logger.ts';
import type { ConversationAddress } from '../message.ts';
import type { Reply } from '../reply.ts';
import type { AnnouncementChannel, AnnouncementRecord, AnnouncementStore, RecipientOutcome, RecipientRecord } from '../../state/announcement-store.ts';
import type { Processor } from '../../queue/job-queue.ts';
import type { Outbound } from '../outbound/outbound.ts';
import type { RateLimiter } from '../outbound/rate-limiter.ts';
import { AnnouncementJob, idempotencyKeyOf } from './fanout-queues.ts';
import * as say from './messages.ts';
import { classifySendError } from './send-outcome.ts';

/**
 * Sends an announcement to one recipient — the job processor of the fan-out queues — with the recipient's
 * status persisted around the send, so that a job run twice (retried, re-enqueued, re-run after a crash)
 * sends at most once:
 *
 *   still pending? → direct chat opened if needed → the announcements' share of the channel's rate limiter
 *   → claim (pending → sending, compare-and-set) → outbound send → finish (sent | failed | blocked)
 *
 * Only the claim's winner sends. The claim comes last, right before the request leaves: a row is 'sending'
 * only while its request is on the wire (a crash then leaves in 'sending' only those that may have been
 * received, not those still waiting for their turn). The send is made once by the adapter (`callerRetries`):
 * a throttled one pauses the announcements of the channel (Retry-After) and the queue tries it again. A transient failure puts the row back to pending and throws, so the queue
 * tries again with backoff; after `maxAttempts` claims it is reported failed. A row found in 'sending' but
 * claimed by another consumer instance was interrupted by a crash between claim and finish — the one
 * ambiguous case: see `resolveInterrupted`.
 */

export interface RecipientSenderDeps {
  store: AnnouncementStore;
  /** The one outbound path (its registered channels: undefined while a channel is not registered). */
  outbound: Pick<Outbound, 'channel' | 'send'>;
  /** The channels' rate limiters: a send first waits for the announcements' share; a Retry-After pauses it. */
  limiters: Readonly<Record<AnnouncementChannel, Pick<RateLimiter, 'acquireShare' | 'pause'>>>;
  /** This consumer instance: every claim carries it. */
  owner: string;
  /** Claims (sends started) before a transient failure becomes final. */
  maxAttempts: number;
  logger: Logger;
  now?: () => Date;
  /** Told after each row reached a final status. */
  onFinished?(announcementId: string): void;
  /**
   * Whether the consumer instance that claimed a row may still be sending it (another live replica): such a
   * row is left alone (its job tried again later) instead of being resolved as interrupted. Absent: every
   * other instance is taken as dead (one bot process).
   */
  claimantAlive?(owner: string, claimedAt: string): boolean;
}

/** Thrown to have the queue try the job again later (the row is back to pending). */
class RetryLater extends Error {
  override readonly name = 'RetryLater';
}

export class RecipientSender {
  private readonly announcements = new Map<string, AnnouncementRecord>();
  /** Outcomes of sends that happened but could not be stored yet (store outage): stored by the job's retry. */
  private readonly unsaved = new Map<string, RecipientOutcome>();
  private readonly now: () => Date;
  private readonly inFlight = new Set<Promise<void>>();

  constructor(private readonly deps: RecipientSenderDeps) {
    this.now = deps.now ?? (() => new Date());
  }

  processor(): Processor<AnnouncementJob> {
    return async (raw) => {
      const parsed = AnnouncementJob.safeParse(raw);
      if (!parsed.success) {
        this.deps.logger.error('invalid announcement job', { error: parsed.error.message });
        return;
      }
      const delivery = this.deliver(parsed.data);
      const tracked = delivery.then(
        () => undefined,
        () => undefined,
      );
      this.inFlight.add(tracked);
      try {
        await delivery;
      } finally {
        this.inFlight.delete(tracked);
      }
    };
  }

  /** Resolves once the sends under way have ended (shutdown: before the channels are disconnected). */
  async drain(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.all(this.inFlight);
  }

  async deliver(job: AnnouncementJob): Promise<void> {
    const { store } = this.deps;
    const memoKey = `${job.announcementId}\u0000${job.key}`;
    const unsaved = this.unsaved.get(memoKey);
    if (unsaved) return this.save(job, unsaved);
    const announcement = await this.announcement(job.announcementId);
    if (!announcement) return this.deps.logger.warn('announcement job without announcement', { announcement: job.announcementId });
    let recipient = await store.getRecipient(job.announcementId, job.key);
    if (recipient?.status === 'sending' && recipient.claimedBy !== this.deps.owner) {
      if (!this.interrupted(recipient)) throw new RetryLater('being sent by another replica');
      // Left in 'sending' by a consumer that died — the one case to resolve before anything else.
      if ((await this.resolveInterrupted(recipient)) !== 'retry') return;
      recipient = await store.getRecipient(job.announcementId, job.key);
    }
    // Finished, cancelled, or being sent by this process (the job ran twice).
    if (recipient?.status !== 'pending') return;
    const prepared = await this.prepare(recipient);
    if ('outcome' in prepared) {
      // Nothing left (no conversation, channel not ready): the row is claimed only to record why.
      const claimed = await store.claimRecipient(job.announcementId, job.key, this.deps.owner, this.now().toISOString());
      if (!claimed) return;
      const outcome = 'retryable' in prepared ? this.retryOrGiveUp(claimed, prepared.outcome) : prepared.outcome;
      if (outcome.status !== 'pending') metrics.announcementSends.inc({ channel: claimed.channel, outcome: outcome.status });
      return this.save(job, outcome);
    }
    const claimed = await store.claimRecipient(job.announcementId, job.key, this.deps.owner, this.now().toISOString());
    if (!claimed) return;
    const outcome = await this.attempt(announcement, claimed, prepared.address);
    if (outcome.status !== 'pending') metrics.announcementSends.inc({ channel: claimed.channel, outcome: outcome.status });
    return this.save(job, outcome);
  }

  /**
   * A row left in 'sending' by a consumer that stopped between claim and finish: the message may or may
   * not have reached the channel. On a channel with idempotent sends it goes back to pending and is sent
   * again with the same key (the channel keeps one copy); elsewhere it is reported failed as "interrupted"
   * and not sent again — a possible miss, reported, rather than a possible duplicate.
   */
  /** A row in 'sending' claimed by another instance: interrupted unless that instance may still be sending it. */
  interrupted(recipient: RecipientRecord): boolean {
    const { claimedBy } = recipient;
    return claimedBy === undefined || !this.deps.claimantAlive?.(claimedBy, recipient.updatedAt);
  }

  async resolveInterrupted(recipient: RecipientRecord): Promise<'retry' | 'reported'> {
    const adapter = this.deps.outbound.channel(recipient.channel);
    const at = this.now().toISOString();
    if (adapter?.idempotentSends) {
      await this.deps.store.finishRecipient(recipient.announcementId, recipient.key, { status: 'pending', errorCode: 'interrupted-retry', reason: say.REASON_INTERRUPTED_RETRY }, at);
      this.deps.logger.info('interrupted announcement send: sent again with the same idempotency key', { announcement: recipient.announcementId });
      return 'retry';
    }
    await this.deps.store.finishRecipient(recipient.announcementId, recipient.key, { status: 'failed', errorCode: 'interrupted', reason: say.REASON_INTERRUPTED }, at);
    this.deps.logger.warn('interrupted announcement send reported as uncertain', { announcement: recipient.announcementId, channel: recipient.channel });
    this.deps.onFinished?.(recipient.announcementId);
    return 'reported';
  }

  /**
   * Before the claim: the conversation (a Tchap direct chat opened if needed; a Teams one cannot be), then
   * the announcements' share of the channel's limiter. Returns the address, or the outcome to record.
   */
  private async prepare(recipient: RecipientRecord): Promise<{ address: ConversationAddress } | { outcome: RecipientOutcome } | { outcome: { errorCode: string; reason: string }; retryable: true }> {
    const { outbound, logger } = this.deps;
    const adapter = outbound.channel(recipient.channel);
    if (!adapter) return { outcome: { errorCode: 'channel-not-ready', reason: say.REASON_CHANNEL_UNAVAILABLE }, retryable: true };
    let address: ConversationAddress | undefined = recipient.address;
    try {
      if (!address && recipient.kind === 'user' && adapter.directRoomFor) address = await adapter.directRoomFor(recipient.target);
    } catch (error) {
      const failure = classifySendError(error);
      logger.warn('announcement direct chat not opened', { announcement: recipient.announcementId, channel: recipient.channel, kind: failure.kind, code: failure.errorCode, error });
      if (failure.kind !== 'retry') return { outcome: { status: failure.kind, errorCode: failure.errorCode, reason: failure.reason } };
      return { outcome: failure, retryable: true };
    }
    if (!address) return { outcome: { status: 'failed', errorCode: 'no-conversation', reason: say.REASON_NO_MATRIX_CONVERSATION } };
    await this.deps.limiters[recipient.channel].acquireShare({ conversation: address.key, ...(recipient.tenant ? { tenant: recipient.tenant } : {}) });
    return { address };
  }

  private async attempt(announcement: AnnouncementRecord, recipient: RecipientRecord, address: ConversationAddress): Promise<RecipientOutcome> {
    const { outbound, logger } = this.deps;
    try {
      const messageId = await outbound.send(recipient.channel, address, replyOf(announcement), { idempotencyKey: idempotencyKeyOf(announcement.id, recipient.key), callerRetries: true });
      return { status: 'sent', messageId: messageId ?? '' };
    } catch (error) {
      const failure = classifySendError(error, roomIdOf(address));
      logger.warn('announcement send failed', { announcement: announcement.id, channel: recipient.channel, kind: failure.kind, code: failure.errorCode, attempt: recipient.attempts, error });
      if (failure.kind !== 'retry') return { status: failure.kind, errorCode: failure.errorCode, reason: failure.reason };
      if (failure.retryAfterMs !== undefined) this.deps.limiters[recipient.channel].pause(failure.retryAfterMs, 'bulk');
      return this.retryOrGiveUp(recipient, failure);
    }
  }

  private retryOrGiveUp(recipient: RecipientRecord, failure: { errorCode: string; reason: string }): RecipientOutcome {
    if (recipient.attempts >= this.deps.maxAttempts) return { status: 'failed', errorCode: failure.errorCode, reason: say.giveUp(recipient.attempts, failure.reason) };
    return { status: 'pending', errorCode: failure.errorCode, reason: failure.reason };
  }

  /** Stores the outcome; through a store outage the outcome is kept in memory and the job retried. */
  private async save(job: AnnouncementJob, outcome: RecipientOutcome): Promise<void> {
    const memoKey = `${job.announcementId}\u0000${job.key}`;
    try {
      const stored = await this.deps.store.finishRecipient(job.announcementId, job.key, outcome, this.now().toISOString(), this.deps.owner);
      this.unsaved.delete(memoKey);
      if (!stored) this.deps.logger.warn('announcement outcome not stored: row no longer being sent by this consumer', { announcement: job.announcementId });
    } catch (error) {
      if (!(error instanceof PasserelleError && error.retryable)) throw error;
      this.unsaved.set(memoKey, outcome);
      throw new RetryLater('announcement store unavailable: outcome kept in memory', { cause: error });
    }
    if (outcome.status === 'pending') throw new RetryLater(outcome.reason);
    this.deps.onFinished?.(job.announcementId);
  }

  private async announcement(id: string): Promise<AnnouncementRecord | undefined> {
    const cached = this.announcements.get(id);
    if (cached) return cached;
    const record = await this.deps.store.getAnnouncement(id);
    if (!record) return undefined;
    if (this.announcements.size >= 64) this.announcements.delete(this.announcements.keys().next().value as string);
    this.announcements.set(id, record);
    return record;
  }
}

/** The Matrix room of an address, when it is one (for errors the SDK attributes to another room). */
function roomIdOf(address: ConversationAddress | undefined): string | undefined {
  const roomId = (address?.reference as { roomId?: unknown } | undefined)?.roomId;
  return typeof roomId === 'string' ? roomId : undefined;
}

/**
 * The announcement as every channel renders it: its header and sender, then the text; a notice that notifies
 * (Tchap: `m.text`), not AI-generated, no feedback buttons.
 */
export function replyOf(announcement: Pick<AnnouncementRecord, 'markdown' | 'sender'>): Reply {
  return { kind: 'notice', text: say.announcementText(announcement), citations: [], suggestedActions: [], aiGenerated: false, feedback: false, notify: true };
}
