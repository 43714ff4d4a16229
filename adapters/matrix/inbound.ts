import { MatrixEventEvent, type MatrixClient, type MatrixEvent, type Room } from 'matrix-js-sdk';
import type { InboundSink } from '../../bots/inbound-event.ts';
import type { Logger } from '../../bots/logger.ts';
import type { DirectRooms } from './direct-rooms.ts';
import { genuineReplyOf, threadRootOf, type BotIdentity } from './event-content.ts';
import { mapEvent, type RawMatrixEvent } from './event-mapper.ts';
import type { Outbox } from './outbox.ts';
import { conversationKey, serverOf, storableReference } from './reference.ts';
import type { UndecryptableNotices } from './undecryptable-notices.ts';

/**
 * Live room events → the core. Events wait until the first real sync has been processed (before it the
 * client only replays its cache and its device lists may be stale), then run one room at a time in arrival
 * order, rooms in parallel. Each event is decrypted (failures get a notice and a second chance when late keys
 * arrive), mapped by the pure mapper, then handed to the core as a rating (👍/👎) or a message, the latter
 * with a read receipt and a typing notification for the time it takes. The event id is the message id: the
 * core's dedupe makes redelivered events (restarts, replays) harmless.
 */

export interface InboundDeps {
  client: MatrixClient;
  bot: BotIdentity;
  /** The core: events go there; it also knows the conversations (threads) the bot answered in before. */
  sink: InboundSink;
  outbox: Outbox;
  directRooms: DirectRooms;
  notices: UndecryptableNotices;
  logger: Logger;
  /** Room ids of `access.allowGroups`. */
  allowGroups: readonly string[];
  maxEventAgeMs: number;
  /** Events sent before this time (ms) are ignored (a new device does not answer history). */
  notBeforeMs: number;
}

/** Live room events to the core, one room at a time (see the module comment). */
export class InboundEvents {
  private live = false;
  private stopped = false;
  private readonly buffer: Array<[MatrixEvent, Room]> = [];
  private readonly queues = new Map<string, Promise<void>>();
  private readonly senders = new Map<string, string>();
  private pending = 0;
  /** An event arrived while stopping and was not handled: the sync position must not be saved past it. */
  private dropped = false;
  /** Called when every received event has been handled (the sync position may then be saved). */
  onIdle: (() => void) | undefined;

  constructor(private readonly deps: InboundDeps) {}

  /** True when every received event has been handled (none waiting, none dropped while stopping). */
  get idle(): boolean {
    return this.pending === 0 && !this.dropped;
  }

  /** Starts handling (after the first real sync), buffered events first. */
  goLive(): void {
    this.live = true;
    for (const [event, room] of this.buffer.splice(0)) this.enqueue(event, room);
    this.checkIdle();
  }

  /** Accepts a live timeline event. */
  accept(event: MatrixEvent, room: Room): void {
    if (event.getSender() === this.deps.bot.userId) return;
    if (this.stopped) {
      this.dropped = true;
      return;
    }
    this.pending += 1;
    if (this.live) this.enqueue(event, room, true);
    else this.buffer.push([event, room]);
  }

  /** Stops accepting events and waits (up to `timeoutMs`) for those in progress. */
  async stop(timeoutMs: number): Promise<void> {
    this.stopped = true;
    const running = Promise.allSettled([...this.queues.values()]).then(() => undefined);
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([running, new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)))]);
    clearTimeout(timer);
  }

  private enqueue(event: MatrixEvent, room: Room, counted = true): void {
    if (!counted) this.pending += 1;
    const previous = this.queues.get(room.roomId) ?? Promise.resolve();
    const next = previous
      .then(() => (this.stopped ? undefined : this.process(event, room)))
      .catch((error: unknown) => this.deps.logger.error('matrix event handling failed', { roomId: room.roomId, error }))
      .finally(() => {
        this.pending -= 1;
        if (this.queues.get(room.roomId) === next) this.queues.delete(room.roomId);
        this.checkIdle();
      });
    this.queues.set(room.roomId, next);
  }

  private checkIdle(): void {
    if (this.pending === 0 && this.live) this.onIdle?.();
  }

  private async process(event: MatrixEvent, room: Room): Promise<void> {
    const { client, directRooms, notices } = this.deps;
    await client.decryptEventIfNeeded(event);
    if (event.isDecryptionFailure()) {
      notices.report(event, room.roomId, directRooms.isDirect(room));
      // The SDK re-decrypts the event when its keys arrive (to-device, forwarded on request, key backup); a
      // retry may fail again (another message index): keep listening until one succeeds, then answer once.
      const onDecrypted = (decrypted: MatrixEvent): void => {
        if (decrypted.isDecryptionFailure()) return;
        event.off(MatrixEventEvent.Decrypted, onDecrypted);
        if (this.stopped) return;
        notices.recovered(decrypted);
        this.enqueue(decrypted, room, false);
      };
      event.on(MatrixEventEvent.Decrypted, onDecrypted);
      return;
    }
    await this.dispatch(event, room);
  }

  private async dispatch(event: MatrixEvent, room: Room): Promise<void> {
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
      ...(typeof room.getMember(sender)?.powerLevel === 'number' ? { senderPowerLevel: room.getMember(sender)?.powerLevel } : {}),
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
    if (mapped.kind === 'redaction') {
      const { recorded } = await sink.receive({ kind: 'rating-withdrawn', channel: 'matrix', eventId: mapped.redactedEventId, userId: mapped.userId });
      logger.debug('matrix redaction', { withdrewRating: recorded });
      return;
    }
    const { message, reference } = mapped;
    // Not addressed: the core decides (a room may want every message answered, `paramètres mention non`).
    if (!message.addressedToBot) {
      await sink.receive({ kind: 'message', message });
      return;
    }
    const conversation = {
      key: message.conversation.key,
      channel: 'matrix' as const,
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
    } finally {
      outbox.typing.stop(room.roomId);
    }
  }

  /** Whether the bot answered in this thread: it started it, sent in it, or a conversation exists there. */
  private async botInThread(room: Room, threadRootId: string): Promise<boolean> {
    if (this.deps.outbox.answeredInThread(threadRootId) || this.deps.outbox.sentByBot(threadRootId)) return true;
    if ((await this.senderOf(room, threadRootId)) === this.deps.bot.userId) return true;
    return this.deps.sink.knowsConversation(conversationKey(room.roomId, threadRootId));
  }

  /** Sender of an event: sent by the bot, in the local timeline, remembered, or fetched (once). */
  private async senderOf(room: Room, eventId: string): Promise<string | undefined> {
    if (this.deps.outbox.sentByBot(eventId)) return this.deps.bot.userId;
    const local = room.findEventById(eventId)?.getSender() ?? this.senders.get(eventId);
    if (local) return local;
    try {
      const fetched = await this.deps.client.fetchRoomEvent(room.roomId, eventId);
      if (typeof fetched.sender !== 'string') return undefined;
      this.senders.set(eventId, fetched.sender);
      if (this.senders.size > 5_000) this.senders.delete(this.senders.keys().next().value as string);
      return fetched.sender;
    } catch {
      return undefined;
    }
  }
}

/** The event as the mapper reads it: clear type and original content, relation from the wire if needed. */
function toRaw(event: MatrixEvent, roomId: string): RawMatrixEvent & { type: string; content: Record<string, unknown> } {
  const content: Record<string, unknown> = { ...(event.getOriginalContent() as Record<string, unknown>) };
  const wireRelation = (event.getWireContent() as Record<string, unknown>)['m.relates_to'];
  if (content['m.relates_to'] === undefined && wireRelation !== undefined) content['m.relates_to'] = wireRelation;
  return { event_id: event.getId(), type: event.getType(), sender: event.getSender(), room_id: roomId, content, origin_server_ts: event.getTs(), unsigned: event.getUnsigned(), redacts: event.event.redacts };
}
