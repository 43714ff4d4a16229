import type { MatrixEvent } from 'matrix-js-sdk';
import type { Logger } from '../../bots/logger.ts';
import type { InboundSink } from '../../bots/inbound-event.ts';
import { threadRootOf } from './event-content.ts';
import type { MatrixReference } from './reference.ts';

/**
 * A message the bot cannot decrypt is never met with silence:
 * 1. the keys are looked for by the SDK itself: on a missing room key the Rust crypto asks the key backup for
 *    that session (`GET /room_keys/keys/{roomId}/{sessionId}`). It sends no `m.room_key_request` (disabled),
 *    and asking the sender's device would not help: a Rust-crypto client answers another user's device with
 *    a zeroed key, and the Rust crypto refuses forwarded keys from other users anyway (measured, see the
 *    README). The keys come from the sender's device, late (to-device delay) or when it shares again;
 * 2. after `graceMs` (keys often arrive a moment after the message) an event still undecryptable is counted
 *    (`failed`) and its sender gets a French notice — once per burst: once per Megolm session (remembered by
 *    the core across restarts, `InboundSink.firstTime`), once per sender device per `senderCooldownMs` (a
 *    device that rotates sessions is told once), and in shared rooms at most once per room per cooldown;
 * 3. when the keys arrive, the SDK decrypts the waiting event again: the inbound pipeline answers it and
 *    `recovered` counts it.
 * Messages from before the bot joined (historical) get no notice.
 */
export interface UndecryptableOptions {
  graceMs: number;
  roomCooldownMs: number;
  /** At most one notice per sender device per this period, ms. */
  senderCooldownMs: number;
}

/** What the notices report: the core counts, and sends the notice when `notify`. */
export type UndecryptableReport = (reference: MatrixReference, outcome: { notify: boolean; recovered?: boolean }) => Promise<void>;

const SESSION_TTL_MS = 7 * 24 * 3_600_000;
/** Bound on the events remembered as failed (awaiting keys). */
const MEMORY = 5_000;

/** Counts undecryptable events and schedules the notices (see the module comment). */
export class UndecryptableNotices {
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly failed = new Map<string, MatrixReference>();

  constructor(
    private readonly seen: Pick<InboundSink, 'firstTime'>,
    private readonly report_: UndecryptableReport,
    private readonly options: UndecryptableOptions,
    private readonly logger: Logger,
  ) {}

  /** An event failed to decrypt: counted, and its sender told, after the grace period. */
  report(event: MatrixEvent, roomId: string, isDirect: boolean): void {
    const reason = String(event.decryptionFailureReason ?? '');
    if (reason.startsWith('HISTORICAL_MESSAGE')) return;
    const eventId = event.getId();
    if (!eventId) return;
    const wire = event.getWireContent();
    const session = typeof wire.session_id === 'string' ? wire.session_id.slice(0, 200) : eventId;
    const device = `${event.getSender() ?? ''}|${typeof wire.device_id === 'string' ? wire.device_id : String(wire.sender_key ?? '')}`.slice(0, 400);
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      if (!event.isDecryptionFailure()) return;
      const threadRoot = threadRootOf(wire);
      const threadRootId = threadRoot ?? (isDirect ? undefined : eventId);
      const reference: MatrixReference = { roomId, isDirect, replyToEventId: eventId, ...(threadRootId ? { threadRootId } : {}) };
      this.failed.set(eventId, reference);
      if (this.failed.size > MEMORY) this.failed.delete(this.failed.keys().next().value as string);
      void this.notify(reference, session, device, reason).catch((error: unknown) => this.logger.warn('matrix undecryptable notice failed', { roomId, error }));
    }, this.options.graceMs);
    timer.unref();
    this.timers.add(timer);
  }

  /** An event that failed has been decrypted (late keys): counted as recovered if it had been counted as failed. */
  recovered(event: MatrixEvent): void {
    const eventId = event.getId() ?? '';
    const reference = this.failed.get(eventId);
    if (!reference) return;
    this.failed.delete(eventId);
    this.logger.info('matrix message decrypted after its keys arrived late', { roomId: reference.roomId, eventId });
    void this.report_(reference, { notify: false, recovered: true }).catch((error: unknown) => this.logger.warn('matrix undecryptable count failed', { error }));
  }

  /** Cancels pending notices (adapter stop). */
  clear(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  private async notify(reference: MatrixReference, session: string, device: string, reason: string): Promise<void> {
    const { roomId } = reference;
    const notify =
      (await this.seen.firstTime(`matrix:undecryptable:${roomId}:${session}`, SESSION_TTL_MS)) &&
      (await this.seen.firstTime(`matrix:undecryptable-device:${roomId}:${device}`, this.options.senderCooldownMs)) &&
      (reference.isDirect || (await this.seen.firstTime(`matrix:undecryptable-room:${roomId}`, this.options.roomCooldownMs)));
    this.logger.warn('matrix message could not be decrypted', { roomId, eventId: reference.replyToEventId, reason, notify });
    await this.report_(reference, { notify });
  }
}
