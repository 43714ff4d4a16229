import type { ChannelAdapter, ReplyStream, SendOptions } from '../channel-adapter.ts';
import { PasserelleError } from '../errors.ts';
import type { Logger } from '../logger.ts';
import type { ChannelName, ConversationAddress } from '../message.ts';
import type { Reply } from '../reply.ts';
import type { ConversationReferences } from '../../state/state-store.ts';

/**
 * The one way out: inline answers, streamed answers, job results (deliveries) and announcements all leave
 * through `send`, `update` or `stream` here, to a stored, serialisable address. The channel adapters apply
 * their channel's one rate limiter and the one retry policy (bots/outbound/rate-limiter.ts,
 * retry-policy.ts); this path adds what is the same for every channel: a conversation that turned out
 * unreachable (RECIPIENT_UNREACHABLE: bot blocked, uninstalled, conversation left) is marked inactive, so
 * that announcements and deliveries stop trying it until the user writes again.
 */
export class Outbound {
  private readonly adapters = new Map<ChannelName, ChannelAdapter>();

  constructor(
    private readonly references: Pick<ConversationReferences, 'deactivateReference'>,
    private readonly logger: Logger,
  ) {}

  register(adapter: ChannelAdapter): void {
    this.adapters.set(adapter.name, adapter);
  }

  /** The registered adapter of a channel, or undefined (channel disabled, or not started yet). */
  channel(name: ChannelName): ChannelAdapter | undefined {
    return this.adapters.get(name);
  }

  /** The registered adapters. */
  channels(): ChannelAdapter[] {
    return [...this.adapters.values()];
  }

  /** The adapter of a channel; throws when it is not registered. */
  require(name: ChannelName): ChannelAdapter {
    const adapter = this.adapters.get(name);
    if (!adapter) throw new Error(`no adapter registered for ${name}`);
    return adapter;
  }

  /** Sends a reply; returns the channel's id of the message. */
  send(channel: ChannelName, address: ConversationAddress, reply: Reply, options?: SendOptions): Promise<string> {
    return this.guard(address, () => this.require(channel).send(address, reply, options));
  }

  /** Replaces a message sent earlier. */
  update(channel: ChannelName, address: ConversationAddress, messageId: string, reply: Reply): Promise<void> {
    return this.guard(address, () => this.require(channel).update(address, messageId, reply));
  }

  /** Starts a streamed reply; undefined when the channel cannot stream in this conversation. */
  async stream(channel: ChannelName, address: ConversationAddress, first: Reply, options?: SendOptions): Promise<ReplyStream | undefined> {
    const adapter = this.require(channel);
    if (!adapter.stream) return undefined;
    const stream = await this.guard(address, () => adapter.stream!(address, first, options));
    if (!stream) return undefined;
    return {
      id: stream.id,
      update: (reply) => this.guard(address, () => stream.update(reply)),
      finish: (reply) => this.guard(address, () => stream.finish(reply)),
    };
  }

  /** Shows "typing…" where the channel can; never fails. */
  async typing(channel: ChannelName, address: ConversationAddress): Promise<void> {
    const adapter = this.require(channel);
    if (adapter.typing) await this.guard(address, () => adapter.typing!(address)).catch(() => undefined);
  }

  private async guard<T>(address: ConversationAddress, operation: () => Promise<T>): Promise<T> {
    try {
      return await operation();
    } catch (error) {
      if (error instanceof PasserelleError && error.code === 'RECIPIENT_UNREACHABLE') {
        const reason = String(error.details.reason ?? 'unreachable');
        await this.references.deactivateReference(address.key, reason).catch((stateError: unknown) => this.logger.error('could not deactivate a conversation reference', { key: address.key, error: stateError }));
        this.logger.warn('conversation unreachable, reference deactivated', { key: address.key, reason });
      }
      throw error;
    }
  }
}
