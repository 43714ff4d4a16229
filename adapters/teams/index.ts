import type { AdapterContext } from '../adapter-context.ts';
import { allowedTenantsOf, createAuthentication, isLoopbackUrl, teamsCredentialsOf, type AuthenticationOverrides } from './authentication.ts';
import { PasserelleCloudAdapter } from './cloud-adapter.ts';
import { ConnectorTransport } from './connector-transport.ts';
import { ConversationOwners, type OwnerSource } from './conversation-owners.ts';
import { GraphDirectory } from './graph-directory.ts';
import { TeamsAppInstaller } from './app-installer.ts';
import type { HistorySource } from './conversation-history.ts';
import { GroupCache, type GroupSource } from './group-cache.ts';
import { TeamsEndpoint } from './http-endpoint.ts';
import { InboundHandler } from './inbound-handler.ts';
import { systemClock, type Clock } from '../../bots/outbound/rate-limiter.ts';
import { DEFAULT_RETRY, type RetryOptions } from './retry-policy.ts';
import { StreamManager } from './stream-manager.ts';
import { TeamsAdapter } from './teams-adapter.ts';

export { TeamsAdapter } from './teams-adapter.ts';

/** Knobs for tests and unusual deployments; production uses the defaults. */
export interface TeamsAdapterOptions {
  /** Bot Framework endpoint overrides (tests: a local OpenID document and a fixed-token credential factory). */
  auth?: AuthenticationOverrides;
  retry?: Partial<RetryOptions>;
  /** Time source of retries and stream pacing. */
  clock?: Clock;
  /** Minimum spacing of streaming requests (Teams: one per second). */
  streamIntervalMs?: number;
  /** Time limit of one Bot Connector request. */
  requestTimeoutMs?: number;
  /**
   * Source of Entra group memberships for access control. Default: Microsoft Graph when credentials with a
   * secret or certificate are configured and `access.allowGroups`/`adminGroups` are used; `null`: none.
   */
  groups?: GroupSource | null;
  /** Source of conversation history (Microsoft Graph by default when credentials have a secret or certificate; `null`: none). */
  history?: HistorySource | null;
  /** Owners of teams and group chats (moderators of their settings); Microsoft Graph by default when it can be used; `null`: none. */
  owners?: OwnerSource | null;
  /** Time limit of one attachment download (default 60 s). */
  downloadTimeoutMs?: number;
}

/**
 * Builds the Teams channel from configuration: `POST /api/messages` and `GET /healthz` on
 * `config.teams.host`:`config.teams.port` (0: a free port, read `adapter.port` after `start`; host: 127.0.0.1 in
 * anonymous mode, every interface with credentials, unless TEAMS_HOST is set). With `teams.appId` the endpoint
 * requires Bot Framework JWTs and a single-tenant app registration (secret or certificate); without it, it
 * runs in anonymous local mode, which is refused in production (CONFIG_INVALID).
 */
export async function createTeamsAdapter(context: AdapterContext, options: TeamsAdapterOptions = {}): Promise<TeamsAdapter> {
  const { config, logger, limiter } = context;
  const credentials = teamsCredentialsOf(config);
  const authentication = createAuthentication(credentials, options.auth, logger);
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
  let graph: GraphDirectory | undefined;
  const graphDirectory = () => (graph ??= graphDirectoryOf(context, credentials));
  const groupSource = options.groups === null ? undefined : (options.groups ?? (usesGroups(context) ? graphDirectory() : undefined));
  const historySource = options.history === null ? undefined : (options.history ?? graphDirectory());
  const ownerSource = options.owners === null ? undefined : (options.owners ?? graphDirectory());
  const inbound = new InboundHandler({ logger, ...(groupSource ? { groups: new GroupCache(groupSource) } : {}), ...(ownerSource ? { owners: new ConversationOwners(ownerSource) } : {}) });
  // Anonymous mode authenticates nothing: loopback only, unless TEAMS_HOST says otherwise (a development container).
  const host = config.teams.host ?? (credentials ? undefined : '127.0.0.1');
  const endpoint = new TeamsEndpoint({
    port: config.teams.port,
    ...(host ? { host } : {}),
    cloudAdapter,
    inbound,
    anonymous: credentials === undefined,
    allowedTenants: allowedTenantsOf(config.teams),
    logger,
  });
  if (!credentials) logger.warn('teams endpoint in anonymous local mode: requests are not authenticated (development only)');
  if (!credentials && host && !isLoopbackHost(host)) logger.warn('teams endpoint in anonymous mode on a non-loopback interface (TEAMS_HOST): any host that reaches it can drive the bot', { host });
  const streams = new StreamManager(transport, clock, logger, options.streamIntervalMs ?? 1_000);
  return new TeamsAdapter({
    transport,
    streams,
    endpoint,
    downloads: { anonymous: credentials === undefined, production: config.environment === 'production', timeoutMs: options.downloadTimeoutMs ?? 60_000 },
    ...(historySource ? { history: historySource } : {}),
    appId: credentials?.appId ?? '',
    ...(graphDirectory() ? { directory: graphDirectory() } : {}),
    ...(graphDirectory() && credentials ? { installer: new TeamsAppInstaller({ graphUrl: config.teams.graphUrl, token: () => graphDirectory()!.token(), externalAppId: credentials.appId, logger }) } : {}),
  });
}

function usesGroups(context: AdapterContext): boolean {
  const { access } = context.config;
  return access.allowGroups.length > 0 || access.adminGroups.length > 0;
}

/** Microsoft Graph with the bot's app registration, when it has a secret or a certificate. */
function graphDirectoryOf(context: AdapterContext, credentials: ReturnType<typeof teamsCredentialsOf>): GraphDirectory | undefined {
  const { teams } = context.config;
  if (!credentials || (!credentials.password && !credentials.certificate)) return undefined;
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

function isLoopbackHost(host: string): boolean {
  return isLoopbackUrl(`http://${host.includes(':') ? `[${host}]` : host}/`);
}
