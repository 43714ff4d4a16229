/**
 * Raw, signed HTTP calls to the Bot Connector (`{serviceUrl}/v3/conversations/…`).
 *
 * Why not `TurnContext.sendActivity`: botbuilder 4.23.3 serialises outgoing activities through the
 * connector's model mappers, whose `Entity` model only knows `type`, `text` and `mentioned`. Every other
 * entity property is dropped on the wire (measured: a citation entity arrives as `{"type":
 * "https://schema.org/Message"}` and a streaminfo entity as `{"type": "streaminfo"}`), which kills the AI
 * label, the citations and streaming. So Passerelle posts the activity JSON itself, signed by the
 * ConnectorClient's own credentials (`credentials.signRequest`, i.e. the MSAL token for the bot's app id, or
 * nothing in anonymous local mode), and keeps the exact HTTP status, error code and Retry-After for its
 * delivery policy (the Azure pipeline behind `sendRequest` would retry on its own and hide them).
 */
/** A non-2xx answer (status ≥ 300) or a transport failure (status 0). */
export class ConnectorError extends Error {
    status;
    code;
    retryAfterMs;
    constructor(status, code, message, 
    /** Delay asked by the service (Retry-After), in milliseconds. */
    retryAfterMs, options) {
        super(message, options);
        this.status = status;
        this.code = code;
        this.retryAfterMs = retryAfterMs;
        this.name = 'ConnectorError';
    }
    /** 403 ContentStreamNotAllowed: the stream was stopped by the user, completed, or timed out. */
    get streamNotAllowed() {
        return this.status === 403 && this.code === 'ContentStreamNotAllowed';
    }
}
/** Path of a conversation's activities, or of one activity. Ids are URL-encoded (`19:…;messageid=…`). */
export function activitiesPath(conversationId, activityId) {
    const base = `v3/conversations/${encodeURIComponent(conversationId)}/activities`;
    return activityId ? `${base}/${encodeURIComponent(activityId)}` : base;
}
export class ConnectorHttp {
    client;
    serviceUrl;
    timeoutMs;
    constructor(client, serviceUrl, timeoutMs) {
        this.client = client;
        this.serviceUrl = serviceUrl;
        this.timeoutMs = timeoutMs;
    }
    /** Sends one request; resolves on 2xx, throws ConnectorError otherwise. Never retries. */
    async request(method, path, body) {
        const url = new URL(path, this.serviceUrl.endsWith('/') ? this.serviceUrl : `${this.serviceUrl}/`);
        const headers = { 'content-type': 'application/json; charset=utf-8', accept: 'application/json' };
        const authorization = await this.authorization();
        if (authorization)
            headers.authorization = authorization;
        let response;
        try {
            response = await fetch(url, { method, headers, body: JSON.stringify(body), signal: AbortSignal.timeout(this.timeoutMs) });
        }
        catch (error) {
            const timeout = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
            throw new ConnectorError(0, timeout ? 'Timeout' : 'NetworkError', `${method} ${url.pathname}: ${timeout ? 'timeout' : 'network failure'}`, undefined, { cause: error });
        }
        const text = await response.text().catch(() => '');
        const parsed = parseJson(text);
        if (response.status >= 200 && response.status < 300)
            return { status: response.status, body: parsed };
        const error = parsed?.error;
        const code = typeof error?.code === 'string' ? error.code : undefined;
        const message = typeof error?.message === 'string' ? error.message : text.slice(0, 200);
        throw new ConnectorError(response.status, code, `${method} ${url.pathname}: ${response.status}${code ? ` ${code}` : ''} ${message}`.trim(), parseRetryAfter(response.headers.get('retry-after')));
    }
    /** The Authorization header the connector's credentials would set (none in anonymous mode). */
    async authorization() {
        let value;
        const resource = {
            headers: {
                set(name, headerValue) {
                    if (name.toLowerCase() === 'authorization')
                        value = headerValue;
                },
            },
        };
        await this.client.credentials.signRequest(resource);
        return value;
    }
}
/** Retry-After as milliseconds: delta-seconds or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(value, now = Date.now()) {
    if (!value)
        return undefined;
    const trimmed = value.trim();
    if (/^\d+(\.\d+)?$/.test(trimmed))
        return Math.round(Number(trimmed) * 1000);
    const date = Date.parse(trimmed);
    return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
function parseJson(text) {
    if (!text)
        return undefined;
    try {
        return JSON.parse(text);
    }
    catch {
        return text;
    }
}
