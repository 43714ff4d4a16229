import { randomUUID } from 'node:crypto';
import { ConnectorError } from "./connector-http.js";
import { finalStreamMessage, informativeUpdate, renderReply, streamingUpdate } from "./reply-renderer.js";
/** Teams ends streams after two minutes; a state older than this is abandoned. */
const STREAM_LIFETIME_MS = 2 * 60_000;
export class StreamManager {
    sender;
    clock;
    logger;
    minIntervalMs;
    streams = new Map();
    constructor(sender, clock, logger, minIntervalMs = 1_000) {
        this.sender = sender;
        this.clock = clock;
        this.logger = logger;
        this.minIntervalMs = minIntervalMs;
    }
    has(id) {
        return this.streams.has(id);
    }
    /** Id of the stream still open in this conversation, if any (Teams allows one per chat). */
    openIn(key) {
        for (const state of this.streams.values())
            if (state.key === key && !state.stopped)
                return state.id;
        return undefined;
    }
    /** Sends the informative update; returns the id the core will use for updates (the stream id). */
    async start(target, text) {
        this.forgetExpired();
        const startedAt = this.clock.now();
        let streamId;
        try {
            streamId = (await this.sender.post(target, informativeUpdate(text))) || undefined;
        }
        catch (error) {
            if (!(error instanceof ConnectorError && error.streamNotAllowed))
                throw error;
            this.logger.info('teams streaming refused, answering without stream', { key: target.key, code: error.code });
        }
        // Spacing counts from the end of the previous request: Teams measures when requests reach it.
        const now = this.clock.now();
        const id = streamId ?? `nostream-${randomUUID()}`;
        this.streams.set(id, { id, key: target.key, streamId, sequence: 1, lastSentAt: now, streamedText: '', stopped: false, startedAt, chain: Promise.resolve() });
        return id;
    }
    /** Streams the text generated so far. */
    update(target, id, text) {
        return this.enqueue(id, async (state) => {
            if (!state.streamId || text.trim() === '')
                return;
            if (state.streamedText && !text.startsWith(state.streamedText)) {
                this.logger.debug('teams stream update skipped: text does not extend the streamed text', { key: state.key });
                return;
            }
            await this.spaceOut(state);
            state.sequence += 1;
            await this.sendOrStop(state, target, streamingUpdate(state.streamId, text, state.sequence));
            if (!state.stopped)
                state.streamedText = text;
        });
    }
    /** Ends the stream with the final reply; returns the id of the final message. */
    async finish(target, id, reply, options) {
        let messageId = id;
        await this.enqueue(id, async (state) => {
            if (!state.streamId) {
                messageId = await this.sender.post(target, renderReply(reply, options));
                return;
            }
            await this.spaceOut(state);
            await this.sendOrStop(state, target, finalStreamMessage(state.streamId, reply, options));
        });
        this.streams.delete(id);
        return messageId;
    }
    /** Runs `step` after the stream's previous steps; nothing runs once the stream is stopped. */
    enqueue(id, step) {
        const state = this.streams.get(id);
        if (!state)
            return Promise.resolve();
        const run = state.chain.then(() => (state.stopped ? undefined : step(state)));
        state.chain = run.catch(() => undefined);
        return run;
    }
    async sendOrStop(state, target, activity) {
        try {
            await this.sender.post(target, activity);
            state.lastSentAt = this.clock.now();
        }
        catch (error) {
            if (!(error instanceof ConnectorError && error.streamNotAllowed))
                throw error;
            state.stopped = true;
            this.logger.info('teams stream stopped by the service', { key: state.key, reason: error.message });
        }
    }
    async spaceOut(state) {
        const wait = state.lastSentAt + this.minIntervalMs - this.clock.now();
        if (wait > 0)
            await this.clock.sleep(wait);
    }
    forgetExpired() {
        const now = this.clock.now();
        for (const [id, state] of this.streams)
            if (now - state.startedAt > STREAM_LIFETIME_MS)
                this.streams.delete(id);
    }
}
