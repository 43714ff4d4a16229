import type { ChannelAdapter, SendOptions } from '../../../bots/channel-adapter.ts';
import type { ConversationAddress } from '../../../bots/message.ts';
import type { Reply } from '../../../bots/reply.ts';

/**
 * A channel that records what it is asked to send, for the announcement tests. Failures are scripted per
 * conversation key (`failNext(key, error…)`, consumed in order) or for any conversation (`failAny`). With
 * `idempotent`, it behaves like a homeserver with transaction ids: a message sent again with a key already
 * seen is not delivered twice (the first id is returned). `latencyMs` delays each send (after recording it
 * as delivered, like a service that received the message but has not answered yet).
 */

export interface Delivery {
  key: string;
  reply: Reply;
  idempotencyKey?: string;
  at: number;
  id: string;
}

export interface RecordingOptions {
  idempotent?: boolean;
  latencyMs?: number;
  /** Provide `directRoomFor` (Matrix): returns this address for a user. */
  directRoomFor?: (userId: string) => Promise<ConversationAddress>;
}

export class RecordingAnnounceChannel implements ChannelAdapter {
  readonly delivered: Delivery[] = [];
  /** Every call to send, failed ones included. */
  readonly attempts: Array<{ key: string; at: number; failed: boolean }> = [];
  private readonly failures = new Map<string, unknown[]>();
  private readonly anyFailures: unknown[] = [];
  private readonly seen = new Map<string, string>();
  private counter = 0;
  readonly idempotentSends: boolean;
  readonly directRoomFor?: (userId: string) => Promise<ConversationAddress>;

  constructor(
    readonly name: 'teams' | 'matrix',
    private readonly options: RecordingOptions = {},
  ) {
    this.idempotentSends = options.idempotent === true;
    if (options.directRoomFor) this.directRoomFor = options.directRoomFor;
  }

  async start(): Promise<void> {}
  async stop(): Promise<void> {}
  async update(): Promise<void> {}

  failNext(key: string, ...errors: unknown[]): void {
    this.failures.set(key, [...(this.failures.get(key) ?? []), ...errors]);
  }

  failAny(...errors: unknown[]): void {
    this.anyFailures.push(...errors);
  }

  async send(address: ConversationAddress, reply: Reply, options?: SendOptions): Promise<string> {
    const scripted = this.failures.get(address.key);
    const error = scripted?.length ? scripted.shift() : this.anyFailures.shift();
    this.attempts.push({ key: address.key, at: Date.now(), failed: error !== undefined });
    if (error !== undefined) throw error;
    const idempotencyKey = this.options.idempotent ? options?.idempotencyKey : undefined;
    const known = idempotencyKey ? this.seen.get(idempotencyKey) : undefined;
    if (known) return known;
    const id = `${this.name}-msg-${++this.counter}`;
    this.delivered.push({ key: address.key, reply, ...(idempotencyKey ? { idempotencyKey } : {}), at: Date.now(), id });
    if (idempotencyKey) this.seen.set(idempotencyKey, id);
    if (this.options.latencyMs) await new Promise((resolve) => setTimeout(resolve, this.options.latencyMs));
    return id;
  }

  /** Deliveries per conversation key. */
  countsByKey(): Map<string, number> {
    const counts = new Map<string, number>();
    for (const delivery of this.delivered) counts.set(delivery.key, (counts.get(delivery.key) ?? 0) + 1);
    return counts;
  }
}
