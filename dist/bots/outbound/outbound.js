import { PasserelleError } from "../errors.js";
/**
 * The one way out: inline answers, streamed answers, job results (deliveries) and announcements all leave
 * through `send`, `update` or `stream` here, to a stored, serialisable address. The channel adapters apply
 * their channel's one rate limiter and the one retry policy (bots/outbound/rate-limiter.ts,
 * retry-policy.ts); this path adds what is the same for every channel: a conversation that turned out
 * unreachable (RECIPIENT_UNREACHABLE: bot blocked, uninstalled, conversation left) is marked inactive, so
 * that announcements and deliveries stop trying it until the user writes again.
 */
export class Outbound {
    references;
    logger;
    adapters = new Map();
    constructor(references, logger) {
        this.references = references;
        this.logger = logger;
    }
    register(adapter) {
        this.adapters.set(adapter.name, adapter);
    }
    /** The registered adapter of a channel, or undefined (channel disabled, or not started yet). */
    channel(name) {
        return this.adapters.get(name);
    }
    /** The registered adapters. */
    channels() {
        return [...this.adapters.values()];
    }
    /** The adapter of a channel; throws when it is not registered. */
    require(name) {
        const adapter = this.adapters.get(name);
        if (!adapter)
            throw new Error(`no adapter registered for ${name}`);
        return adapter;
    }
    /** Sends a reply; returns the channel's id of the message. */
    send(channel, address, reply, options) {
        return this.guard(address, () => this.require(channel).send(address, reply, options));
    }
    /** Replaces a message sent earlier. */
    update(channel, address, messageId, reply) {
        return this.guard(address, () => this.require(channel).update(address, messageId, reply));
    }
    /** Starts a streamed reply; undefined when the channel cannot stream in this conversation. */
    async stream(channel, address, first) {
        const adapter = this.require(channel);
        if (!adapter.stream)
            return undefined;
        const stream = await this.guard(address, () => adapter.stream(address, first));
        if (!stream)
            return undefined;
        return {
            id: stream.id,
            update: (reply) => this.guard(address, () => stream.update(reply)),
            finish: (reply) => this.guard(address, () => stream.finish(reply)),
        };
    }
    /** Shows "typing…" where the channel can; never fails. */
    async typing(channel, address) {
        const adapter = this.require(channel);
        if (adapter.typing)
            await this.guard(address, () => adapter.typing(address)).catch(() => undefined);
    }
    async guard(address, operation) {
        try {
            return await operation();
        }
        catch (error) {
            if (error instanceof PasserelleError && error.code === 'RECIPIENT_UNREACHABLE') {
                const reason = String(error.details.reason ?? 'unreachable');
                await this.references.deactivateReference(address.key, reason).catch((stateError) => this.logger.error('could not deactivate a conversation reference', { key: address.key, error: stateError }));
                this.logger.warn('conversation unreachable, reference deactivated', { key: address.key, reason });
            }
            throw error;
        }
    }
}
