import { allowedTenantsOf, createAuthentication, teamsCredentialsOf } from "./authentication.js";
import { PasserelleCloudAdapter } from "./cloud-adapter.js";
import { ConnectorTransport } from "./connector-transport.js";
import { GraphDirectory } from "./graph-directory.js";
import { GroupCache } from "./group-cache.js";
import { TeamsEndpoint } from "./http-endpoint.js";
import { InboundHandler } from "./inbound-handler.js";
import { systemClock } from "../../bots/outbound/rate-limiter.js";
import { DEFAULT_RETRY } from "./retry-policy.js";
import { StreamManager } from "./stream-manager.js";
import { TeamsAdapter } from "./teams-adapter.js";
export { TeamsAdapter } from "./teams-adapter.js";
/**
 * Builds the Teams channel from configuration: `POST /api/messages` and `GET /healthz` on
 * `config.teams.port` (0: a free port, read `adapter.port` after `start`). With `teams.appId` the endpoint
 * requires Bot Framework JWTs and a single-tenant app registration (secret or certificate); without it, it
 * runs in anonymous local mode, which is refused in production (CONFIG_INVALID).
 */
export async function createTeamsAdapter(context, options = {}) {
    const { config, logger, limiter } = context;
    const credentials = teamsCredentialsOf(config);
    const authentication = createAuthentication(credentials, options.auth);
    const cloudAdapter = new PasserelleCloudAdapter(authentication);
    const clock = options.clock ?? systemClock;
    const transport = new ConnectorTransport({
        adapter: cloudAdapter,
        appId: credentials?.appId ?? '',
        limiter,
        retry: { ...DEFAULT_RETRY, ...options.retry },
        clock,
        timeoutMs: options.requestTimeoutMs ?? 15_000,
        logger,
    });
    let graph;
    const graphDirectory = () => (graph ??= graphDirectoryOf(context, credentials));
    const groupSource = options.groups === null ? undefined : (options.groups ?? (usesGroups(context) ? graphDirectory() : undefined));
    const historySource = options.history === null ? undefined : (options.history ?? graphDirectory());
    const inbound = new InboundHandler({ logger, ...(groupSource ? { groups: new GroupCache(groupSource) } : {}) });
    const endpoint = new TeamsEndpoint({
        port: config.teams.port,
        cloudAdapter,
        inbound,
        anonymous: credentials === undefined,
        allowedTenants: allowedTenantsOf(config.teams),
        logger,
    });
    if (!credentials)
        logger.warn('teams endpoint in anonymous local mode: requests are not authenticated (development only)');
    const streams = new StreamManager(transport, clock, logger, options.streamIntervalMs ?? 1_000);
    return new TeamsAdapter({
        transport,
        streams,
        endpoint,
        downloads: { anonymous: credentials === undefined, production: config.environment === 'production', timeoutMs: options.downloadTimeoutMs ?? 60_000 },
        ...(historySource ? { history: historySource } : {}),
        appId: credentials?.appId ?? '',
        ...(graphDirectory() ? { directory: graphDirectory() } : {}),
    });
}
function usesGroups(context) {
    const { access } = context.config;
    return access.allowGroups.length > 0 || access.adminGroups.length > 0;
}
/** Microsoft Graph with the bot's app registration, when it has a secret or a certificate. */
function graphDirectoryOf(context, credentials) {
    const { teams } = context.config;
    if (!credentials || (!credentials.password && !credentials.certificate))
        return undefined;
    return new GraphDirectory({
        tenantId: credentials.tenantId,
        clientId: credentials.appId,
        ...(credentials.password ? { clientSecret: credentials.password } : {}),
        ...(credentials.certificate ? { certificate: credentials.certificate } : {}),
        authorityHost: teams.authorityHost,
        graphUrl: teams.graphUrl,
        logger: context.logger,
    });
}
