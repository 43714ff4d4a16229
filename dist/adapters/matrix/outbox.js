import { EventStatus, EventType, MatrixError } from 'matrix-js-sdk';
import { EditThrottle } from "./edit-throttle.js";
import { isRateLimited, retryDelay } from "./retry-policy.js";
import { TypingKeeper } from "./typing-keeper.js";
/** Production pacing: one edit per second per message, 6 attempts, waits up to 2 minutes. */
export const DEFAULT_OUTBOX_OPTIONS = { editIntervalMs: 1_000, maxAttempts: 6, maxRetryWaitMs: 120_000 };
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
/** The bot's outgoing room requests: messages, edits, receipts, typing, joins (see the module comment). */
export class Outbox {
    client;
    limiter;
    logger;
    options;
    typing;
    edits;
    /** Events the bot sent (id → thread root), for "reply to the bot" and "thread the bot answered". */
    sent = new Map();
    constructor(client, limiter, logger, options = DEFAULT_OUTBOX_OPTIONS) {
        this.client = client;
        this.limiter = limiter;
        this.logger = logger;
        this.options = options;
        this.edits = new EditThrottle(options.editIntervalMs, (error) => this.logger.warn('matrix progress edit failed', { error }));
        this.typing = new TypingKeeper(async (roomId, typing, timeoutMs) => {
            if (this.limiter.tryAcquire())
                await this.client.sendTyping(roomId, typing, timeoutMs);
        });
    }
    /**
     * Sends a message where the reference points (inside its thread, if any); returns the event id. With a
     * `txnId` the send is idempotent: the homeserver keeps one event per transaction id of this device.
     */
    async send(reference, content, txnId) {
        const full = { ...content };
        if (reference.threadRootId) {
            full['m.relates_to'] = { rel_type: 'm.thread', event_id: reference.threadRootId, is_falling_back: true, 'm.in_reply_to': { event_id: reference.replyToEventId ?? reference.threadRootId } };
        }
        const eventId = await this.sendEvent(reference.roomId, EventType.RoomMessage, full, txnId);
        this.remember(eventId, reference.threadRootId);
        this.edits.noteSent(eventId);
        return eventId;
    }
    /** Replaces a message (`m.replace`): progress edits are coalesced and paced, final edits always sent. */
    edit(roomId, eventId, content, final) {
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
        const run = async () => void (await this.sendEvent(roomId, EventType.RoomMessage, replacement));
        if (final)
            return this.edits.final(eventId, run);
        this.edits.progress(eventId, run);
        return Promise.resolve();
    }
    /** Marks an event as read, best effort (skipped when the rate limit has no room left). */
    async receipt(event) {
        if (!this.limiter.tryAcquire())
            return;
        await this.client.sendReadReceipt(event).catch((error) => this.logger.debug('matrix read receipt failed', { error }));
    }
    /** Runs any other room request (join, leave, createRoom, account data) paced and retried. */
    async request(operation) {
        for (let attempt = 1;; attempt += 1) {
            await this.limiter.acquire();
            try {
                return await operation();
            }
            catch (error) {
                await this.backoff(error, attempt);
            }
        }
    }
    /** Whether the bot sent this event (in this process), and in which thread. */
    sentByBot(eventId) {
        if (!this.sent.has(eventId))
            return undefined;
        const threadRootId = this.sent.get(eventId);
        return threadRootId ? { threadRootId } : {};
    }
    /** Whether the bot sent something in this thread (in this process). */
    answeredInThread(threadRootId) {
        for (const root of this.sent.values())
            if (root === threadRootId)
                return true;
        return false;
    }
    async sendEvent(roomId, type, content, txnId) {
        // An earlier attempt with the same transaction id in this process: already sent, or to be re-sent as is.
        let pending = txnId ? (this.client.getRoom(roomId)?.getEventForTxnId(txnId) ?? undefined) : undefined;
        if (pending && pending.status !== EventStatus.NOT_SENT)
            return pending.getId();
        for (let attempt = 1;; attempt += 1) {
            await this.limiter.acquire();
            try {
                const room = this.client.getRoom(roomId);
                const response = pending && room ? await this.client.resendEvent(pending, room) : await this.client.sendEvent(roomId, null, type, content, txnId);
                return response.event_id;
            }
            catch (error) {
                if (error instanceof MatrixError && error.event)
                    pending = error.event;
                try {
                    await this.backoff(error, attempt);
                }
                catch (final) {
                    // Without a caller's transaction id nobody will retry this event: drop its local echo.
                    if (pending && !txnId)
                        this.cancel(pending);
                    throw final;
                }
            }
        }
    }
    /** Waits before the next attempt, or rethrows when the error is final. */
    async backoff(error, attempt) {
        const delay = retryDelay(error, attempt, this.options);
        if (delay === undefined)
            throw error;
        const rateLimited = isRateLimited(error);
        if (rateLimited)
            this.limiter.pause(delay);
        this.logger.warn('matrix request retried', { attempt, delayMs: delay, rateLimited, error });
        await sleep(delay);
    }
    cancel(event) {
        try {
            this.client.cancelPendingEvent(event);
        }
        catch {
            // already gone
        }
    }
    remember(eventId, threadRootId) {
        this.sent.set(eventId, threadRootId);
        if (this.sent.size > 5_000)
            this.sent.delete(this.sent.keys().next().value);
    }
}
