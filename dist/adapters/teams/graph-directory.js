import { ConfidentialClientApplication } from '@azure/msal-node';
import { PasserelleError } from "../../bots/errors.js";
import { isLoopbackHttp, LoopbackNetworkClient } from "./graph-network-client.js";
import { CONFIG_ERRORS } from "./teams-messages.js";
function oldestFirst(messages) {
    return [...messages].sort((a, b) => Date.parse(a.createdDateTime ?? '') - Date.parse(b.createdDateTime ?? '') || 0);
}
const MAX_PAGES = 500;
const MAX_ATTEMPTS = 3;
export class GraphDirectory {
    options;
    msal;
    graphUrl;
    scope;
    timeoutMs;
    constructor(options) {
        this.options = options;
        this.graphUrl = options.graphUrl.replace(/\/+$/, '');
        this.scope = `${this.graphUrl}/.default`;
        this.timeoutMs = options.timeoutMs ?? 15_000;
        this.msal = new ConfidentialClientApplication(msalConfiguration(options));
    }
    /** Members of a team (its Microsoft 365 group's users), from /teams/{id}/members. */
    async teamMembers(teamId) {
        const members = await this.list(`/v1.0/teams/${encodeURIComponent(teamId)}/members`);
        return members
            .filter((member) => typeof member.userId === 'string')
            .map((member) => ({ id: member.userId, ...(member.displayName ? { displayName: member.displayName } : {}), ...(member.email ? { mail: member.email } : {}) }));
    }
    /** Direct members of a group that are users. */
    async groupMembers(groupId) {
        const members = await this.list(`/v1.0/groups/${encodeURIComponent(groupId)}/members/microsoft.graph.user?$select=id,displayName,userPrincipalName,mail`);
        return members
            .filter((member) => typeof member.id === 'string')
            .map((member) => ({
            id: member.id,
            ...(member.displayName ? { displayName: member.displayName } : {}),
            ...(member.userPrincipalName ? { userPrincipalName: member.userPrincipalName } : {}),
            ...(member.mail ? { mail: member.mail } : {}),
        }));
    }
    /** Ids of every group the user belongs to, nested groups included (transitiveMemberOf). */
    async userGroups(userId) {
        const groups = await this.list(`/v1.0/users/${encodeURIComponent(userId)}/transitiveMemberOf/microsoft.graph.group?$select=id`);
        return groups.map((group) => group.id).filter((id) => typeof id === 'string');
    }
    /**
     * The latest `limit` messages of a chat (group chat, or a personal chat with the bot), oldest first.
     * Permission: RSC ChatMessage.Read.Chat (or application Chat.Read.All).
     */
    async chatMessages(chatId, limit) {
        const top = Math.max(1, Math.min(50, limit));
        const messages = await this.list(`/v1.0/chats/${encodeURIComponent(chatId)}/messages?$top=${top}&$orderby=createdDateTime%20desc`, limit);
        return oldestFirst(messages).slice(-limit);
    }
    /**
     * A channel thread, oldest first: its root message then the latest replies, `limit` in all.
     * Permission: RSC ChannelMessage.Read.Group (or application ChannelMessage.Read.All).
     */
    async threadMessages(teamId, channelId, rootId, limit) {
        const base = `/v1.0/teams/${encodeURIComponent(teamId)}/channels/${encodeURIComponent(channelId)}/messages/${encodeURIComponent(rootId)}`;
        const root = await this.get(`${this.graphUrl}${base}`);
        const replies = limit > 1 ? await this.list(`${base}/replies?$top=${Math.min(50, limit - 1)}`, limit - 1) : [];
        return [root, ...oldestFirst(replies).slice(-(limit - 1))].slice(0, limit);
    }
    /** A Graph access token, from MSAL's cache when still valid; concurrent callers share one request. */
    token() {
        this.pendingToken ??= this.acquireToken().finally(() => (this.pendingToken = undefined));
        return this.pendingToken;
    }
    pendingToken;
    async acquireToken() {
        try {
            const result = await this.msal.acquireTokenByClientCredential({ scopes: [this.scope] });
            if (!result?.accessToken)
                throw new Error('no access token in the MSAL result');
            return result.accessToken;
        }
        catch (error) {
            throw new PasserelleError('INTERNAL', { service: 'microsoft-graph', step: 'token' }, { cause: error });
        }
    }
    async list(path, max = Number.POSITIVE_INFINITY) {
        const items = [];
        let url = `${this.graphUrl}${path}`;
        for (let page = 0; url && page < MAX_PAGES && items.length < max; page++) {
            const body = await this.get(url);
            items.push(...(body.value ?? []));
            url = body['@odata.nextLink'];
        }
        return items;
    }
    async get(url) {
        for (let attempt = 1;; attempt++) {
            const token = await this.token();
            let response;
            try {
                response = await fetch(url, { headers: { authorization: `Bearer ${token}`, accept: 'application/json' }, signal: AbortSignal.timeout(this.timeoutMs) });
            }
            catch (error) {
                throw new PasserelleError('INTERNAL', { service: 'microsoft-graph' }, { cause: error });
            }
            if (response.ok)
                return (await response.json());
            const retryable = response.status === 429 || response.status === 503 || response.status === 504;
            const text = await response.text().catch(() => '');
            if (!retryable || attempt >= MAX_ATTEMPTS) {
                throw new PasserelleError('INTERNAL', { service: 'microsoft-graph', status: response.status }, { cause: new Error(`GET ${new URL(url).pathname}: ${response.status} ${text.slice(0, 200)}`) });
            }
            const retryAfter = Number(response.headers.get('retry-after'));
            const delay = Number.isFinite(retryAfter) && retryAfter > 0 ? Math.min(retryAfter * 1000, 60_000) : 500 * 2 ** (attempt - 1);
            this.options.logger?.warn('microsoft graph throttled, retrying', { status: response.status, delay });
            await new Promise((resolve) => setTimeout(resolve, delay));
        }
    }
}
/** MSAL configuration; a loopback http authority (tests) is presented as https and served by LoopbackNetworkClient. */
export function msalConfiguration(options) {
    const host = new URL(options.authorityHost);
    const loopback = isLoopbackHttp(host);
    if (host.protocol !== 'https:' && !loopback)
        throw new PasserelleError('CONFIG_INVALID', { problems: CONFIG_ERRORS.insecureAuthority });
    const secureOrigin = `https://${host.host}`;
    const authority = `${secureOrigin}${host.pathname.replace(/\/+$/, '')}/${options.tenantId}`;
    return {
        auth: {
            clientId: options.clientId,
            authority,
            knownAuthorities: [host.host],
            ...(options.clientSecret ? { clientSecret: options.clientSecret } : {}),
            ...(options.certificate ? { clientCertificate: certificateOf(options.certificate) } : {}),
        },
        system: {
            ...(loopback ? { networkClient: new LoopbackNetworkClient(secureOrigin, `http://${host.host}`) } : {}),
            loggerOptions: {
                piiLoggingEnabled: false,
                loggerCallback: (_level, message) => options.logger?.debug('msal', { message }),
            },
        },
    };
}
/** The Azure portal shows SHA-1 thumbprints (40 hex digits); MSAL prefers SHA-256 (64) when available. */
function certificateOf(certificate) {
    const thumbprint = certificate.thumbprint.replace(/[^0-9a-f]/gi, '');
    return thumbprint.length === 64 ? { thumbprintSha256: thumbprint, privateKey: certificate.privateKey } : { thumbprint, privateKey: certificate.privateKey };
}
