import { MatrixEventEvent } from 'matrix-js-sdk';
import { genuineReplyOf, threadRootOf } from "./event-content.js";
import { mapEvent } from "./event-mapper.js";
import { conversationKey, serverOf, storableReference } from "./reference.js";
/** Live room events to the core, one room at a time (see the module comment). */
export class InboundEvents {
    deps;
    live = false;
    stopped = false;
    buffer = [];
    queues = new Map();
    senders = new Map();
    pending = 0;
    /** An event arrived while stopping and was not handled: the sync position must not be saved past it. */
    dropped = false;
    /** Called when every received event has been handled (the sync position may then be saved). */
    onIdle;
    constructor(deps) {
        this.deps = deps;
    }
    /** True when every received event has been handled (none waiting, none dropped while stopping). */
    get idle() {
        return this.pending === 0 && !this.dropped;
    }
    /** Starts handling (after the first real sync), buffered events first. */
    goLive() {
        this.live = true;
        for (const [event, room] of this.buffer.splice(0))
            this.enqueue(event, room);
        this.checkIdle();
    }
    /** Accepts a live timeline event. */
    accept(event, room) {
        if (event.getSender() === this.deps.bot.userId)
            return;
        if (this.stopped) {
            this.dropped = true;
            return;
        }
        this.pending += 1;
        if (this.live)
            this.enqueue(event, room, true);
        else
            this.buffer.push([event, room]);
    }
    /** Stops accepting events and waits (up to `timeoutMs`) for those in progress. */
    async stop(timeoutMs) {
        this.stopped = true;
        const running = Promise.allSettled([...this.queues.values()]).then(() => undefined);
        let timer;
        await Promise.race([running, new Promise((resolve) => (timer = setTimeout(resolve, timeoutMs)))]);
        clearTimeout(timer);
    }
    enqueue(event, room, counted = true) {
        if (!counted)
            this.pending += 1;
        const previous = this.queues.get(room.roomId) ?? Promise.resolve();
        const next = previous
            .then(() => (this.stopped ? undefined : this.process(event, room)))
            .catch((error) => this.deps.logger.error('matrix event handling failed', { roomId: room.roomId, error }))
            .finally(() => {
            this.pending -= 1;
            if (this.queues.get(room.roomId) === next)
                this.queues.delete(room.roomId);
            this.checkIdle();
        });
        this.queues.set(room.roomId, next);
    }
    checkIdle() {
        if (this.pending === 0 && this.live)
            this.onIdle?.();
    }
    async process(event, room) {
        const { client, directRooms, notices } = this.deps;
        await client.decryptEventIfNeeded(event);
        if (event.isDecryptionFailure()) {
            notices.report(event, room.roomId, directRooms.isDirect(room));
            event.once(MatrixEventEvent.Decrypted, (decrypted) => {
                if (!decrypted.isDecryptionFailure() && !this.stopped)
                    this.enqueue(decrypted, room, false);
            });
            return;
        }
        await this.dispatch(event, room);
    }
    async dispatch(event, room) {
        const { bot, sink, outbox, directRooms, logger } = this.deps;
        const raw = toRaw(event, room.roomId);
        const isDirect = directRooms.isDirect(room);
        const isMessage = raw.type === 'm.room.message';
        const threadRoot = isMessage ? threadRootOf(raw.content) : undefined;
        const replyTo = isMessage ? genuineReplyOf(raw.content) : undefined;
        const sender = event.getSender() ?? '';
        const mapped = mapEvent(raw, {
            bot,
            roomId: room.roomId,
            isDirect,
            botInThread: threadRoot ? await this.botInThread(room, threadRoot) : false,
            ...(replyTo ? { repliedToSender: await this.senderOf(room, replyTo) } : {}),
            ...(room.getMember(sender)?.name ? { senderDisplayName: room.getMember(sender)?.name } : {}),
            groups: this.deps.allowGroups.filter((roomId) => this.deps.client.getRoom(roomId)?.getMember(sender)?.membership === 'join'),
            receivedAt: new Date().toISOString(),
            maxAgeMs: Math.min(this.deps.maxEventAgeMs, Math.max(0, Date.now() - this.deps.notBeforeMs)),
        });
        if (mapped.kind === 'ignored') {
            logger.debug('matrix event ignored', { roomId: room.roomId, reason: mapped.reason });
            return;
        }
        if (mapped.kind === 'reaction') {
            const { recorded } = await sink.receive({ kind: 'rating', channel: 'matrix', messageId: mapped.targetEventId, userId: mapped.userId, rating: mapped.rating, eventId: mapped.eventId });
            logger.debug('matrix reaction', { recorded, rating: mapped.rating });
            return;
        }
        const { message, reference } = mapped;
        if (!message.addressedToBot)
            return;
        const conversation = {
            key: message.conversation.key,
            channel: 'matrix',
            reference: storableReference(reference),
            ...(isDirect ? { userId: sender } : {}),
            tenant: serverOf(sender),
            isDirect,
            active: true,
            updatedAt: new Date().toISOString(),
        };
        void outbox.receipt(event);
        outbox.typing.start(room.roomId);
        try {
            await sink.receive({ kind: 'message', message, conversation });
        }
        finally {
            outbox.typing.stop(room.roomId);
        }
    }
    /** Whether the bot answered in this thread: it started it, sent in it, or a conversation exists there. */
    async botInThread(room, threadRootId) {
        if (this.deps.outbox.answeredInThread(threadRootId) || this.deps.outbox.sentByBot(threadRootId))
            return true;
        if ((await this.senderOf(room, threadRootId)) === this.deps.bot.userId)
            return true;
        return this.deps.sink.knowsConversation(conversationKey(room.roomId, threadRootId));
    }
    /** Sender of an event: sent by the bot, in the local timeline, remembered, or fetched (once). */
    async senderOf(room, eventId) {
        if (this.deps.outbox.sentByBot(eventId))
            return this.deps.bot.userId;
        const local = room.findEventById(eventId)?.getSender() ?? this.senders.get(eventId);
        if (local)
            return local;
        try {
            const fetched = await this.deps.client.fetchRoomEvent(room.roomId, eventId);
            if (typeof fetched.sender !== 'string')
                return undefined;
            this.senders.set(eventId, fetched.sender);
            if (this.senders.size > 5_000)
                this.senders.delete(this.senders.keys().next().value);
            return fetched.sender;
        }
        catch {
            return undefined;
        }
    }
}
/** The event as the mapper reads it: clear type and original content, relation from the wire if needed. */
function toRaw(event, roomId) {
    const content = { ...event.getOriginalContent() };
    const wireRelation = event.getWireContent()['m.relates_to'];
    if (content['m.relates_to'] === undefined && wireRelation !== undefined)
        content['m.relates_to'] = wireRelation;
    return { event_id: event.getId(), type: event.getType(), sender: event.getSender(), room_id: roomId, content, origin_server_ts: event.getTs(), unsigned: event.getUnsigned() };
}
