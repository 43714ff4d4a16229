import { EventStatus, EventType, MatrixError, type MatrixClient, type MatrixEvent } from 'matrix-js-sdk';
import type { Logger } from '../../bots/logger.ts';
import { EditThrottle } from './edit-throttle.ts';
import type { Lane, RateLimiter } from '../../bots/outbound/rate-limiter.ts';
import { isRateLimited, retryDelay } from './retry-policy.ts';
import type { MatrixReference } from './reference.ts';
import type { MessageContent } from './reply-renderer.ts';
import { TypingKeeper } from './typing-keeper.ts';

/**
 * Every request the bot makes in rooms goes through here: paced by the channel's one rate limiter (shared
 * with the announcement fan-out), retried by the one retry policy on
 * `M_LIMIT_EXCEEDED` after the server's `retry_after_ms` (everyone waits), on connection errors and on 5xx
 * with exponential backoff. A retried message is re-sent with the same transaction id (`resendEvent`), so
 * the homeserver stores it once even if the first attempt had in fact arrived.
 */

export interface OutboxOptions {
  /** Minimum time between two edits of the same message, ms (≥ 1 s for Tchap). */
  editIntervalMs: number;
  /** Attempts per request, first included. */
  maxAttempts: number;
  /** Longest wait accepted between attempts; beyond it the request fails. */
  maxRetryWaitMs: number;
}

/** Production pacing: one edit per second per message, 6 attempts, waits up to 2 minutes. */
export const DEFAULT_OUTBOX_OPTIONS: OutboxOptions = { editIntervalMs: 1_000, maxAttempts: 6, maxRetryWaitMs: 120_000 };

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** The bot's outgoing room requests: messages, edits, receipts, typing, joins (see the module comment). */
export class Outbox {
  readonly typing: TypingKeeper;
  private readonly edits: EditThrottle;
  /** Events the bot sent (id → thread root), for "reply to the bot" and "thread the bot answered". */
  private readonly sent = new Map<string, string | undefined>();

  constructor(
    private readonly client: MatrixClient,
    private readonly limiter: RateLimiter,
    private readonly logger: Logger,
    private readonly options: OutboxOptions = DEFAULT_OUTBOX_OPTIONS,
  ) {
    this.edits = new EditThrottle(options.editIntervalMs, (error) => this.logger.warn('matrix progress edit failed', { error }));
    // "Typing…" is best effort: skipped when the budget has no room left. Its withdrawal is not: dropped, the
    // indicator would stay on for the server's 30 s after the answer; it waits for its turn instead.
    this.typing = new TypingKeeper(async (roomId, typing, timeoutMs) => {
      if (typing && !this.limiter.tryAcquire()) return;
      if (!typing) await this.limiter.acquire();
      await this.client.sendTyping(roomId, typing, timeoutMs);
    });
  }

  /**
   * Sends a message where the reference points (inside its thread, if any); returns the event id. With a
   * `txnId` the send is idempotent: the homeserver keeps one event per transaction id of this device. An
   * announcement (`lane: 'bulk'`) takes its turn behind interactive requests (see the rate limiter).
   */
  async send(reference: MatrixReference, content: MessageContent, options: { txnId?: string; inReplyToRequest?: boolean; lane?: Lane } = {}): Promise<string> {
    const { txnId, inReplyToRequest = false, lane = 'interactive' } = options;
    const full: Record<string, unknown> = { ...content };
    if (reference.threadRootId) {
      full['m.relates_to'] = { rel_type: 'm.thread', event_id: reference.threadRootId, is_falling_back: true, 'm.in_reply_to': { event_id: reference.replyToEventId ?? reference.threadRootId } };
    } else if (inReplyToRequest && reference.replyToEventId) {
      // Outside threads (direct chats), a reply to the message that asked: the file a summary is about.
      full['m.relates_to'] = { 'm.in_reply_to': { event_id: reference.replyToEventId } };
    }
    const eventId = await this.sendEvent(reference.roomId, EventType.RoomMessage, full, txnId, lane);
    this.remember(eventId, reference.threadRootId);
    this.edits.noteSent(eventId);
    return eventId;
  }

  /** Replaces a message (`m.replace`): progress edits are coalesced and paced, final edits always sent. */
  edit(roomId: string, eventId: string, content: MessageContent, final: boolean): Promise<void> {
    const { 'm.mentions': mentions, ...newContent } = content;
    const replacement = {
      msgtype: content.msgtype,
      body: `* ${content.body}`,
      format: content.format,
      formatted_body: `* ${content.formatted_body}`,
      'm.new_content': { ...newContent, 'm.mentions': mentions },
      'm.mentions': mentions,
      'm.relates_to': { rel_type: 'm.replace', event_id: eventId },
    };
    const run = async (): Promise<void> => void (await this.sendEvent(roomId, EventType.RoomMessage, replacement));
    if (final) return this.edits.final(eventId, run);
    this.edits.progress(eventId, run);
    return Promise.resolve();
  }

  /** Marks an event as read, best effort (skipped when the rate limit has no room left). */
  async receipt(event: MatrixEvent): Promise<void> {
    if (!this.limiter.tryAcquire()) return;
    await this.client.sendReadReceipt(event).catch((error: unknown) => this.logger.debug('matrix read receipt failed', { error }));
  }

  /**
   * Runs any other room request (join, leave, createRoom, account data) paced and retried; `bulk` for the
   * announcements' own (opening their direct chats, keeping announcement rooms): they give way to answers.
   */
  async request<T>(operation: () => Promise<T>, lane: Lane = 'interactive'): Promise<T> {
    for (let attempt = 1; ; attempt += 1) {
      await this.limiter.acquire({ lane });
      try {
        return await operation();
      } catch (error) {
        await this.backoff(error, attempt);
      }
    }
  }

  /** Whether the bot sent this event (in this process), and in which thread. */
  sentByBot(eventId: string): { threadRootId?: string } | undefined {
    if (!this.sent.has(eventId)) return undefined;
    const threadRootId = this.sent.get(eventId);
    return threadRootId ? { threadRootId } : {};
  }

  /** Whether the bot sent something in this thread (in this process). */
  answeredInThread(threadRootId: string): boolean {
    for (const root of this.sent.values()) if (root === threadRootId) return true;
    return false;
  }

  private async sendEvent(roomId: string, type: EventType, content: Record<string, unknown>, txnId?: string, lane: Lane = 'interactive'): Promise<string> {
    // An earlier attempt with the same transaction id in this process: already sent, or to be re-sent as is.
    let pending: MatrixEvent | undefined = txnId ? (this.client.getRoom(roomId)?.getEventForTxnId(txnId) ?? undefined) : undefined;
    if (pending && pending.status !== EventStatus.NOT_SENT) return pending.getId() as string;
    for (let attempt = 1; ; attempt += 1) {
      await this.limiter.acquire({ lane });
      try {
        const room = this.client.getRoom(roomId);
        const response = pending && room ? await this.client.resendEvent(pending, room) : await this.client.sendEvent(roomId, null, type as never, content as never, txnId);
        return response.event_id;
      } catch (error) {
        if (error instanceof MatrixError && error.event) pending = error.event;
        try {
          await this.backoff(error, attempt);
        } catch (final) {
          // Without a caller's transaction id nobody will retry this event: drop its local echo.
          if (pending && !txnId) this.cancel(pending);
          throw final;
        }
      }
    }
  }

  /** Waits before the next attempt, or rethrows when the error is final. */
  private async backoff(error: unknown, attempt: number): Promise<void> {
    const delay = retryDelay(error, attempt, this.options);
    if (delay === undefined) throw error;
    const rateLimited = isRateLimited(error);
    if (rateLimited) this.limiter.pause(delay);
    this.logger.warn('matrix request retried', { attempt, delayMs: delay, rateLimited, error });
    await sleep(delay);
  }

  private cancel(event: MatrixEvent): void {
    try {
      this.client.cancelPendingEvent(event);
    } catch {
      // already gone
    }
  }

  private remember(eventId: string, threadRootId: string | undefined): void {
    this.sent.set(eventId, threadRootId);
    if (this.sent.size > 5_000) this.sent.delete(this.sent.keys().next().value as string);
  }
}
