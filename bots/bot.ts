import type { ChannelAdapter, SendOptions } from './channel-adapter.ts';
import type { InboundTurns } from './inbound-event.ts';
import { InboundHandler, type InboundHandlerDeps } from './inbound-handler.ts';
import type { Logger } from './logger.ts';
import type { ChannelName, IncomingMessage } from './message.ts';
import type { Outbound } from './outbound/outbound.ts';
import type { Pipeline } from './pipeline.ts';
import { notice, withNotice, type Reply } from './reply.ts';

/**
 * The bot: starts the channel adapters with the core's inbound handler, runs every message through the
 * pipeline, and answers through the one outbound path.
 */
export class Bot {
  readonly inbound: InboundHandler;

  constructor(
    private readonly pipeline: Pipeline,
    readonly outbound: Outbound,
    state: InboundHandlerDeps['state'],
    private readonly logger: Logger,
    pseudonymSecret: string,
    turns?: InboundTurns,
  ) {
    this.inbound = new InboundHandler({ state, outbound, logger, pseudonymSecret, handle: (message) => this.handle(message), ...(turns ? { turns } : {}) });
  }

  register(adapter: ChannelAdapter): void {
    this.outbound.register(adapter);
  }

  adapter(channel: ChannelName): ChannelAdapter {
    return this.outbound.require(channel);
  }

  async start(): Promise<void> {
    for (const adapter of this.outbound.channels()) await adapter.start(this.inbound);
  }

  async stop(): Promise<void> {
    for (const adapter of this.outbound.channels()) await adapter.stop().catch((error: unknown) => this.logger.warn('adapter stop failed', { channel: adapter.name, error }));
  }

  /**
   * Runs one message through the pipeline. Never throws: failures are contained and reported. `released`: a
   * question the rate limit held, now due (RateLimitStage).
   */
  async handle(message: IncomingMessage, options: { released?: boolean } = {}): Promise<void> {
    const { outbound } = this;
    const address = message.conversation;
    // A notice owed to the user rides in the turn's first reply that is not a progress message.
    let owed: string | undefined;
    const carry = (reply: Reply): Reply => {
      if (owed === undefined || reply.kind === 'progress') return reply;
      const text = owed;
      owed = undefined;
      return withNotice(reply, text);
    };
    // The n-th message of a kind sent for this message has the same key on every run: after a crash, the
    // redelivered message's replies are stored once, and its stream resumes the message it had started. (A
    // released question is a run of its own: the run that held it may have said so.)
    const sentOfKind = new Map<string, number>();
    const run = options.released ? 'released' : 'reply';
    const keyFor = (reply: Reply): SendOptions => {
      const n = sentOfKind.get(reply.kind) ?? 0;
      sentOfKind.set(reply.kind, n + 1);
      return { idempotencyKey: `${run}:${message.channel}:${message.id}:${reply.kind}:${n}` };
    };
    try {
      await this.pipeline.run({
        message,
        ...(options.released ? { released: true } : {}),
        channel: outbound.require(message.channel),
        reply: (reply) => outbound.send(message.channel, address, carry(reply), keyFor(reply)),
        // A placeholder of this turn replaced by the answer: the answer carries the notice there too.
        edit: (messageId, reply) => outbound.update(message.channel, address, messageId, carry(reply)),
        stream: async (first) => {
          const stream = await outbound.stream(message.channel, address, first, keyFor(first));
          return stream && { id: stream.id, update: (reply) => stream.update(reply), finish: (reply) => stream.finish(carry(reply)) };
        },
        typing: () => outbound.typing(message.channel, address),
        carryNotice: (text) => void (owed = owed === undefined ? text : `${owed}\n\n${text}`),
      });
      // Nothing carried it (no reply, or progress messages only): it goes alone.
      if (owed !== undefined) {
        const alone = notice(owed);
        await outbound.send(message.channel, address, alone, keyFor(alone));
      }
    } catch (error) {
      this.logger.error('message handling failed', { channel: message.channel, error });
    }
  }
}
