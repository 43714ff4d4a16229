import { threadRootOf } from "./event-content.js";
const SESSION_TTL_MS = 7 * 24 * 3_600_000;
/** Schedules and sends the undecryptable-message notices (see the module comment). */
export class UndecryptableNotices {
    seen;
    send;
    options;
    logger;
    timers = new Set();
    constructor(seen, send, options, logger) {
        this.seen = seen;
        this.send = send;
        this.options = options;
        this.logger = logger;
    }
    /** Schedules the notice for an event that failed to decrypt. */
    report(event, roomId, isDirect) {
        const reason = String(event.decryptionFailureReason ?? '');
        if (reason.startsWith('HISTORICAL_MESSAGE'))
            return;
        const eventId = event.getId();
        if (!eventId)
            return;
        const wire = event.getWireContent();
        const session = typeof wire.session_id === 'string' ? wire.session_id.slice(0, 200) : eventId;
        const timer = setTimeout(() => {
            this.timers.delete(timer);
            if (!event.isDecryptionFailure())
                return;
            void this.notify(roomId, isDirect, eventId, session, threadRootOf(wire), reason).catch((error) => this.logger.warn('matrix undecryptable notice failed', { roomId, error }));
        }, this.options.graceMs);
        timer.unref();
        this.timers.add(timer);
    }
    /** Cancels pending notices (adapter stop). */
    clear() {
        for (const timer of this.timers)
            clearTimeout(timer);
        this.timers.clear();
    }
    async notify(roomId, isDirect, eventId, session, threadRoot, reason) {
        if (!(await this.seen.firstTime(`matrix:undecryptable:${roomId}:${session}`, SESSION_TTL_MS)))
            return;
        if (!isDirect && !(await this.seen.firstTime(`matrix:undecryptable-room:${roomId}`, this.options.roomCooldownMs)))
            return;
        this.logger.warn('matrix message could not be decrypted', { roomId, eventId, reason });
        const threadRootId = threadRoot ?? (isDirect ? undefined : eventId);
        await this.send({ roomId, isDirect, replyToEventId: eventId, ...(threadRootId ? { threadRootId } : {}) });
    }
}
