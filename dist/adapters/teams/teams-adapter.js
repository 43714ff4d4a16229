import { PasserelleError } from "../../bots/errors.js";
import { isPersonalConversation } from "./activity-mapper.js";
import { downloadAttachment } from "./attachment-download.js";
import { ConnectorError } from "./connector-http.js";
import { readHistory } from "./conversation-history.js";
import { renderReply } from "./reply-renderer.js";
import { isTransient } from "./retry-policy.js";
import { TypingIndicator } from "./typing-indicator.js";
export class TeamsAdapter {
    parts;
    name = 'teams';
    /** The Bot Connector has no idempotency key: a message sent twice is posted twice. */
    idempotentSends = false;
    typingIndicator = new TypingIndicator();
    constructor(parts) {
        this.parts = parts;
    }
    /** Members of Teams teams and Entra groups (announcement audiences), when Microsoft Graph is configured. */
    get directory() {
        return this.parts.directory;
    }
    /** Port of the HTTP endpoint: the bound port once started (useful with port 0), else the configured one. */
    get port() {
        return this.parts.endpoint.port;
    }
    async start(sink) {
        await this.parts.endpoint.listen(sink);
    }
    async stop() {
        this.typingIndicator.stopAll();
        await this.parts.endpoint.close();
    }
    /** Resolves when every activity received so far has been fully handled (tests, graceful shutdown). */
    idle() {
        return this.parts.endpoint.idle();
    }
    /** A normal message (a progress reply too: job acknowledgements can last far longer than a stream may). */
    async send(address, reply, _options) {
        const target = targetOf(address);
        this.typingIndicator.stop(target.key);
        const personal = isPersonalConversation(target.reference.conversation);
        return this.deliver(target, () => this.parts.transport.post(target, renderReply(reply, { personal })));
    }
    /** Edits a message (PUT), e.g. a job acknowledgement. */
    async update(address, messageId, reply) {
        const target = targetOf(address);
        this.typingIndicator.stop(target.key);
        const personal = isPersonalConversation(target.reference.conversation);
        await this.deliver(target, async () => {
            await this.parts.transport.put(target, messageId, renderReply(reply, { personal }));
            return messageId;
        });
    }
    /**
     * A Teams stream (personal chats only; undefined elsewhere): `first` is the informative update, `update`
     * streams the text so far, `finish` sends the final message (see stream-manager.ts).
     */
    async stream(address, first) {
        const target = targetOf(address);
        if (!isPersonalConversation(target.reference.conversation))
            return undefined;
        this.typingIndicator.stop(target.key);
        const { streams } = this.parts;
        const id = await this.deliver(target, () => streams.start(target, first.text));
        return {
            id,
            update: async (reply) => void (await this.deliver(target, async () => (await streams.update(target, id, reply.text), id))),
            finish: (reply) => this.deliver(target, () => streams.finish(target, id, reply, { personal: true })),
        };
    }
    async typing(address) {
        const target = targetOf(address);
        await this.deliver(target, async () => {
            await this.typingIndicator.start(target.key, () => this.sendTyping(target));
            return '';
        });
    }
    /**
     * Bytes of an attachment (file.download.info downloadUrl without token; contentUrl with the connector token
     * on the conversation's own service), refusing more than `maxBytes`. See attachment-download.ts.
     */
    async download(attachment, maxBytes) {
        const policy = this.parts.downloads ?? { anonymous: true, production: false, timeoutMs: 60_000 };
        return downloadAttachment(attachment, maxBytes, { ...policy, authorization: (serviceUrl) => this.parts.transport.authorization(serviceUrl) });
    }
    /** Recent messages through Microsoft Graph, oldest first (see conversation-history.ts). */
    async history(address, limit) {
        return readHistory(this.parts.history, this.parts.appId ?? '', address, limit);
    }
    async sendTyping(target) {
        await this.parts.transport.post(target, { type: 'typing' });
    }
    /** Runs a delivery and turns connector failures into the documented PasserelleErrors. */
    async deliver(target, operation) {
        try {
            return await operation();
        }
        catch (error) {
            if (error instanceof PasserelleError)
                throw error;
            if (!(error instanceof ConnectorError))
                throw new PasserelleError('INTERNAL', { channel: 'teams' }, { cause: error });
            if (error.status === 403 && !error.streamNotAllowed) {
                this.typingIndicator.stop(target.key);
                throw new PasserelleError('RECIPIENT_UNREACHABLE', { channel: 'teams', reason: `403 ${error.code ?? 'Forbidden'}` }, { cause: error });
            }
            if (isTransient(error)) {
                throw new PasserelleError('CHANNEL_UNAVAILABLE', { channel: 'teams' }, { cause: error, ...(error.retryAfterMs !== undefined ? { retryAfterMs: error.retryAfterMs } : {}) });
            }
            throw new PasserelleError('INTERNAL', { channel: 'teams' }, { cause: error });
        }
    }
}
function targetOf(address) {
    const reference = (address.reference ?? {});
    return { key: address.key, reference, tenant: reference.conversation?.tenantId || undefined };
}
