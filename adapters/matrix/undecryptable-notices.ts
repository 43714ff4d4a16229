import type { MatrixEvent } from 'matrix-js-sdk';
import type { Logger } from '../../bots/logger.ts';
import type { InboundSink } from '../../bots/inbound-event.ts';
import { threadRootOf } from './event-content.ts';
import type { MatrixReference } from './reference.ts';

/**
 * A message the bot cannot decrypt gets a French notice instead of silence — once per Megolm session (a
 * sender's series of messages), remembered by the core across restarts (`InboundSink.firstTime`), and in shared rooms at most
 * once per room per cooldown, so that a broken sender never floods a room. Keys often arrive a moment after
 * the message: the notice waits `graceMs` and is dropped if the event has been decrypted meanwhile.
 * Messages from before the bot joined (historical) get no notice.
 */
export interface UndecryptableOptions {
  graceMs: number;
  roomCooldownMs: number;
}

const SESSION_TTL_MS = 7 * 24 * 3_600_000;

/** Schedules and sends the undecryptable-message notices (see the module comment). */
export class UndecryptableNotices {
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(
    private readonly seen: Pick<InboundSink, 'firstTime'>,
    private readonly send: (reference: MatrixReference) => Promise<void>,
    private readonly options: UndecryptableOptions,
    private readonly logger: Logger,
  ) {}

  /** Schedules the notice for an event that failed to decrypt. */
  report(event: MatrixEvent, roomId: string, isDirect: boolean): void {
    const reason = String(event.decryptionFailureReason ?? '');
    if (reason.startsWith('HISTORICAL_MESSAGE')) return;
    const eventId = event.getId();
    if (!eventId) return;
    const wire = event.getWireContent();
    const session = typeof wire.session_id === 'string' ? wire.session_id.slice(0, 200) : eventId;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      if (!event.isDecryptionFailure()) return;
      void this.notify(roomId, isDirect, eventId, session, threadRootOf(wire), reason).catch((error: unknown) => this.logger.warn('matrix undecryptable notice failed', { roomId, error }));
    }, this.options.graceMs);
    timer.unref();
    this.timers.add(timer);
  }

  /** Cancels pending notices (adapter stop). */
  clear(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  private async notify(roomId: string, isDirect: boolean, eventId: string, session: string, threadRoot: string | undefined, reason: string): Promise<void> {
    if (!(await this.seen.firstTime(`matrix:undecryptable:${roomId}:${session}`, SESSION_TTL_MS))) return;
    if (!isDirect && !(await this.seen.firstTime(`matrix:undecryptable-room:${roomId}`, this.options.roomCooldownMs))) return;
    this.logger.warn('matrix message could not be decrypted', { roomId, eventId, reason });
    const threadRootId = threadRoot ?? (isDirect ? undefined : eventId);
    await this.send({ roomId, isDirect, replyToEventId: eventId, ...(threadRootId ? { threadRootId } : {}) });
  }
}
