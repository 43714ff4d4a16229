import { InboundHandler } from "./inbound-handler.js";
/**
 * The bot: starts the channel adapters with the core's inbound handler, runs every message through the
 * pipeline, and answers through the one outbound path.
 */
export class Bot {
    pipeline;
    outbound;
    logger;
    inbound;
    constructor(pipeline, outbound, state, logger, pseudonymSecret) {
        this.pipeline = pipeline;
        this.outbound = outbound;
        this.logger = logger;
        this.inbound = new InboundHandler({ state, outbound, logger, pseudonymSecret, handle: (message) => this.handle(message) });
    }
    register(adapter) {
        this.outbound.register(adapter);
    }
    adapter(channel) {
        return this.outbound.require(channel);
    }
    async start() {
        for (const adapter of this.outbound.channels())
            await adapter.start(this.inbound);
    }
    async stop() {
        for (const adapter of this.outbound.channels())
            await adapter.stop().catch((error) => this.logger.warn('adapter stop failed', { channel: adapter.name, error }));
    }
    /** Runs one message through the pipeline. Never throws: failures are contained and reported. */
    async handle(message) {
        const { outbound } = this;
        const address = message.conversation;
        try {
            await this.pipeline.run({
                message,
                channel: outbound.require(message.channel),
                reply: (reply) => outbound.send(message.channel, address, reply),
                edit: (messageId, reply) => outbound.update(message.channel, address, messageId, reply),
                stream: (first) => outbound.stream(message.channel, address, first),
                typing: () => outbound.typing(message.channel, address),
            });
        }
        catch (error) {
            this.logger.error('message handling failed', { channel: message.channel, error });
        }
    }
}
