import type { KnowledgeCatalog } from '../knowledge/catalog.ts';
import type { ChannelAdapter } from './channel-adapter.ts';
import type { Logger } from './logger.ts';
import type { IncomingMessage } from './message.ts';
import type { Pipeline } from './pipeline.ts';
import { pseudonymise } from './pseudonym.ts';
import type { ChannelName, StateStore } from '../state/state-store.ts';

/**
 * The bot: owns the channel adapters, runs every incoming message through the pipeline, and offers the
 * one outgoing path (`send`) that inline answers, worker results and announcements share.
 */
export class Bot {
  private readonly adapters = new Map<ChannelName, ChannelAdapter>();

  constructor(
    private readonly pipeline: Pipeline,
    private readonly state: StateStore,
    readonly catalog: KnowledgeCatalog,
    private readonly logger: Logger,
    private readonly pseudonymSecret: string,
  ) {}

  register(adapter: ChannelAdapter): void {
    this.adapters.set(adapter.name, adapter);
  }

  adapter(channel: ChannelName): ChannelAdapter {
    const adapter = this.adapters.get(channel);
    if (!adapter) throw new Error(`no adapter registered for ${channel}`);
    return adapter;
  }

  async start(): Promise<void> {
    for (const adapter of this.adapters.values()) await adapter.start((message) => this.handle(message));
  }

  async stop(): Promise<void> {
    for (const adapter of this.adapters.values()) await adapter.stop().catch((error: unknown) => this.logger.warn('adapter stop failed', { channel: adapter.name, error }));
  }

  /** Runs one message through the pipeline. Never throws: failures are contained and reported. */
  async handle(message: IncomingMessage): Promise<void> {
    const channel = this.adapter(message.channel);
    try {
      await this.pipeline.run({ message, channel, reply: (reply) => channel.send(message.conversation, reply) });
    } catch (error) {
      this.logger.error('message handling failed', { channel: message.channel, error });
    }
  }

  /**
   * Stores a rating (👍/👎, Teams feedback) given on one of the bot's answers, with the question and the
   * ids it cited. Returns false when the message is not a known answer.
   */
  async recordRating(input: { channel: ChannelName; messageId: string; userId: string; rating: -1 | 0 | 1; comment?: string }): Promise<boolean> {
    const answer = await this.state.getAnswer(input.channel, input.messageId);
    if (!answer) return false;
    await this.state.recordFeedback({
      channel: input.channel,
      messageId: input.messageId,
      userHash: pseudonymise(`${input.channel}:${input.userId}`, this.pseudonymSecret),
      rating: input.rating,
      ...(input.comment ? { comment: input.comment.slice(0, 4_000) } : {}),
      question: answer.question,
      answer: answer.answer,
      citedIds: answer.citedIds,
      ...(answer.kb ? { kb: answer.kb } : {}),
      at: new Date().toISOString(),
    });
    return true;
  }
}
