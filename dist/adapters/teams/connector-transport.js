import { activitiesPath, ConnectorError, ConnectorHttp } from "./connector-http.js";
import { withRetry } from "./retry-policy.js";
export class ConnectorTransport {
    options;
    constructor(options) {
        this.options = options;
    }
    /** Posts an activity to the conversation; returns the id the service assigned ('' when none). */
    async post(target, activity) {
        const conversationId = conversationIdOf(target);
        const response = await this.call(target, 'POST', activitiesPath(conversationId), this.envelope(target, activity));
        const id = response.body?.id;
        return typeof id === 'string' ? id : '';
    }
    /** Replaces an activity sent earlier (PUT …/activities/{id}). */
    async put(target, activityId, activity) {
        const conversationId = conversationIdOf(target);
        await this.call(target, 'PUT', activitiesPath(conversationId, activityId), { ...this.envelope(target, activity), id: activityId });
    }
    /**
     * The Authorization header the bot's connector credentials give for a service URL (an attachment's
     * contentUrl on that service); undefined in anonymous local mode.
     */
    async authorization(serviceUrl) {
        const { adapter, appId, timeoutMs } = this.options;
        let header;
        const reference = { serviceUrl, channelId: 'msteams', conversation: { id: 'attachment' } };
        await adapter.continueConversationAsync(appId, reference, async (context) => {
            const client = context.turnState.get(context.adapter.ConnectorClientKey);
            if (client)
                header = await new ConnectorHttp(client, serviceUrl, timeoutMs).authorization();
        });
        return header;
    }
    /** The addressing fields botbuilder would add from the reference (TurnContext.applyConversationReference). */
    envelope(target, activity) {
        const reference = target.reference;
        return {
            ...activity,
            channelId: reference.channelId ?? 'msteams',
            serviceUrl: reference.serviceUrl,
            ...(reference.bot ? { from: reference.bot } : {}),
            ...(reference.user ? { recipient: reference.user } : {}),
            conversation: reference.conversation,
            ...(reference.locale ? { locale: reference.locale } : {}),
        };
    }
    async call(target, method, path, body) {
        const serviceUrl = target.reference.serviceUrl;
        if (!serviceUrl)
            throw new ConnectorError(400, 'IncompleteReference', 'stored Teams reference without serviceUrl');
        const { adapter, appId, limiter, retry, clock, timeoutMs, logger } = this.options;
        let response;
        await adapter.continueConversationAsync(appId, target.reference, async (context) => {
            const client = context.turnState.get(context.adapter.ConnectorClientKey);
            if (!client)
                throw new ConnectorError(500, 'NoConnectorClient', 'botbuilder gave no ConnectorClient for the proactive turn');
            const http = new ConnectorHttp(client, serviceUrl, timeoutMs);
            response = await withRetry(async () => {
                await limiter.acquire({ conversation: target.key, ...(target.tenant ? { tenant: target.tenant } : {}) });
                return http.request(method, path, body);
            }, retry, clock, (error, attempt, delayMs) => {
                if (error instanceof ConnectorError && error.status === 429)
                    limiter.throttled();
                logger.warn('teams send retried', { key: target.key, attempt, delayMs, status: error instanceof ConnectorError ? error.status : undefined, code: error instanceof ConnectorError ? error.code : undefined });
            });
        });
        if (!response)
            throw new ConnectorError(500, 'NoResponse', 'proactive turn ended without a response');
        return response;
    }
}
function conversationIdOf(target) {
    const id = target.reference.conversation?.id;
    if (!id)
        throw new ConnectorError(400, 'IncompleteReference', 'stored Teams reference without conversation id');
    return id;
}
