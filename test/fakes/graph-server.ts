/**
 * Fake Microsoft identity platform (token endpoint and its discovery document) and Microsoft Graph, on
 * 127.0.0.1, speaking the real wire formats so that @azure/msal-node and a fetch-based Graph client can be
 * exercised without Azure.
 *
 * Identity: `GET /{tenant}/v2.0/.well-known/openid-configuration` and `POST /{tenant}/oauth2/v2.0/token`
 * (client_credentials grant, form-encoded, `client_id` + `client_secret` checked). MSAL only accepts https
 * authorities, so the discovery document advertises `https://127.0.0.1:{port}` endpoints: the client must
 * map that origin to this server's http origin (see adapters/teams/graph-network-client.ts).
 *
 * Graph (`/v1.0/…`, bearer token issued here required, else 401 InvalidAuthenticationToken):
 * - `GET /v1.0/teams/{id}/members`, `GET /v1.0/chats/{id}/members` → aadUserConversationMember objects
 *   (role `owner` for the `owners`);
 * - `GET /v1.0/groups/{id}/members/microsoft.graph.user` → users;
 * - `GET /v1.0/users/{id}/transitiveMemberOf/microsoft.graph.group` → groups.
 * - `GET /v1.0/chats/{id}/messages` → chatMessage objects, newest first (`$top` honoured);
 * - `GET /v1.0/teams/{id}/channels/{id}/messages/{id}` → the thread's root message, `…/replies` → its replies,
 *   newest first.
 * - `GET /v1.0/appCatalogs/teamsApps?$filter=externalId eq '…'` → the organisation's catalogue entry;
 * - `POST /v1.0/users/{id}/teamwork/installedApps`, `POST /v1.0/teams/{id}/installedApps` (body
 *   `teamsApp@odata.bind`) → 201, 409 when already installed, 403 for `forbidden` ids, 404 for unknown ones.
 * Lists are paged by `pageSize` with `@odata.nextLink` (`$skiptoken`). Unknown ids answer 404
 * Request_ResourceNotFound, like Graph.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface GraphUser {
  id: string;
  displayName?: string;
  userPrincipalName?: string;
  mail?: string;
}

/** A Graph chatMessage as served (subset of the real resource). */
export interface GraphMessage {
  id: string;
  messageType?: 'message' | 'systemEventMessage';
  createdDateTime: string;
  deletedDateTime?: string | null;
  from?: { user?: { id: string; displayName?: string } | null; application?: { id: string; displayName?: string } | null } | null;
  body: { contentType: 'html' | 'text'; content: string };
}

export interface FakeGraphOptions {
  tenantId: string;
  clientId: string;
  clientSecret: string;
  /** Lifetime of issued tokens, seconds (default 3600). */
  expiresIn?: number;
  /** Items per page (default 2, to exercise paging). */
  pageSize?: number;
  users?: GraphUser[];
  /** Team id → member user ids. */
  teams?: Record<string, string[]>;
  /** Team or chat id → user ids with the `owner` role (team members, or chat members). */
  owners?: Record<string, string[]>;
  /** Chat id → member user ids. */
  chatMembers?: Record<string, string[]>;
  /** The organisation's app catalogue: manifest id (externalId) → catalogue id. */
  catalog?: Record<string, string>;
  /** Called after each new installation (`users/{id}`, `teams/{id}`): a test may play Teams' installationUpdate. */
  onInstall?: (installation: string) => void;
  /** User or team ids whose installation Graph refuses with 403. */
  forbidden?: string[];
  /** Group id → member user ids. */
  groups?: Record<string, string[]>;
  /** Chat id → its messages (any order). */
  chats?: Record<string, GraphMessage[]>;
  /** `${teamId}/${channelId}/${rootId}` → the thread's root and replies. */
  threads?: Record<string, { root: GraphMessage; replies: GraphMessage[] }>;
}

export interface RecordedGraphRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: string;
}

export interface FakeGraphServer {
  /** http://127.0.0.1:{port} */
  readonly url: string;
  /** https://127.0.0.1:{port}: the origin MSAL is given and the discovery document advertises. */
  readonly secureUrl: string;
  readonly requests: RecordedGraphRequest[];
  /** Token requests received (successful or not). */
  readonly tokenRequests: number;
  /** Answers the next Graph (not identity) requests with these statuses, in order. */
  failNextGraph(...failures: Array<{ status: number; retryAfter?: number; location?: string }>): void;
  /** Where the app is installed (`users/{id}`, `teams/{id}`); tests may add entries. */
  readonly installed: Set<string>;
  /** Changes the lifetime of the tokens issued from now on. */
  setExpiresIn(seconds: number): void;
  close(): Promise<void>;
}

export async function startFakeGraphServer(options: FakeGraphOptions): Promise<FakeGraphServer> {
  const requests: RecordedGraphRequest[] = [];
  const tokens = new Set<string>();
  const failures: Array<{ status: number; retryAfter?: number; location?: string }> = [];
  const sockets = new Set<Socket>();
  let tokenRequests = 0;
  let expiresIn = options.expiresIn ?? 3600;
  const pageSize = options.pageSize ?? 2;
  const users = new Map((options.users ?? []).map((user) => [user.id, user]));
  let port = 0;
  const installed = new Set<string>();

  const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
    res.end(JSON.stringify(body));
  };
  const graphError = (res: ServerResponse, status: number, code: string, message: string, headers: Record<string, string> = {}) =>
    json(res, status, { error: { code, message } }, headers);

  const page = (res: ServerResponse, url: URL, items: unknown[]) => {
    const skip = Number(url.searchParams.get('$skiptoken') ?? '0');
    const top = Number(url.searchParams.get('$top') ?? NaN);
    const size = Number.isInteger(top) && top > 0 ? Math.min(top, 50) : pageSize;
    const slice = items.slice(skip, skip + size);
    const next = skip + size < items.length ? new URL(url) : undefined;
    next?.searchParams.set('$skiptoken', String(skip + size));
    json(res, 200, { '@odata.context': 'https://graph.microsoft.com/v1.0/$metadata', value: slice, ...(next ? { '@odata.nextLink': next.toString() } : {}) });
  };

  const identity = (req: IncomingMessage, res: ServerResponse, url: URL, body: string): boolean => {
    const secure = `https://127.0.0.1:${port}`;
    const tenant = options.tenantId;
    if (req.method === 'GET' && url.pathname === `/${tenant}/v2.0/.well-known/openid-configuration`) {
      json(res, 200, {
        issuer: `${secure}/${tenant}/v2.0`,
        token_endpoint: `${secure}/${tenant}/oauth2/v2.0/token`,
        authorization_endpoint: `${secure}/${tenant}/oauth2/v2.0/authorize`,
        end_session_endpoint: `${secure}/${tenant}/oauth2/v2.0/logout`,
        jwks_uri: `${secure}/${tenant}/discovery/v2.0/keys`,
        response_types_supported: ['code', 'token'],
        token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt'],
      });
      return true;
    }
    if (req.method === 'POST' && url.pathname === `/${tenant}/oauth2/v2.0/token`) {
      tokenRequests++;
      const form = new URLSearchParams(body);
      if (form.get('grant_type') !== 'client_credentials') json(res, 400, { error: 'unsupported_grant_type', error_description: 'AADSTS70003' });
      else if (form.get('client_id') !== options.clientId || form.get('client_secret') !== options.clientSecret)
        json(res, 401, { error: 'invalid_client', error_description: 'AADSTS7000215: Invalid client secret provided.' });
      else {
        const token = `graph-${randomBytes(12).toString('hex')}`;
        tokens.add(token);
        json(res, 200, { token_type: 'Bearer', expires_in: expiresIn, ext_expires_in: expiresIn, access_token: token });
      }
      return true;
    }
    return false;
  };

  const graph = (req: IncomingMessage, res: ServerResponse, url: URL, body: string) => {
    const token = (req.headers.authorization ?? '').replace(/^Bearer /, '');
    if (!tokens.has(token)) return graphError(res, 401, 'InvalidAuthenticationToken', 'Access token is empty or invalid.');
    const failure = failures.shift();
    if (failure) {
      return graphError(res, failure.status, failure.status === 429 ? 'TooManyRequests' : 'ServiceUnavailable', 'Injected failure', {
        ...(failure.retryAfter !== undefined ? { 'retry-after': String(failure.retryAfter) } : {}),
        ...(failure.location !== undefined ? { location: failure.location } : {}),
      });
    }
    const parts = url.pathname.split('/').map(decodeURIComponent);
    const userOf = (id: string) => users.get(id) ?? { id };
    const member = (conversation: string, id: string) => ({
      '@odata.type': '#microsoft.graph.aadUserConversationMember', id: `membership-${id}`, roles: options.owners?.[conversation]?.includes(id) ? ['owner'] : [],
      displayName: userOf(id).displayName, userId: id, email: userOf(id).mail,
    });
    if (parts[2] === 'teams' && parts[4] === 'members' && parts.length === 5) {
      const members = options.teams?.[parts[3] ?? ''];
      if (!members) return graphError(res, 404, 'NotFound', 'No team found with Group Id');
      return page(res, url, members.map((id) => member(parts[3] ?? '', id)));
    }
    if (parts[2] === 'chats' && parts[4] === 'members' && parts.length === 5) {
      const members = options.chatMembers?.[parts[3] ?? ''];
      if (!members) return graphError(res, 404, 'NotFound', 'Chat not found or the app has no access to it.');
      return page(res, url, members.map((id) => member(parts[3] ?? '', id)));
    }
    if (parts[2] === 'groups' && parts[4] === 'members' && parts[5] === 'microsoft.graph.user') {
      const members = options.groups?.[parts[3] ?? ''];
      if (!members) return graphError(res, 404, 'Request_ResourceNotFound', `Resource '${parts[3]}' does not exist.`);
      return page(res, url, members.map((id) => ({ '@odata.type': '#microsoft.graph.user', ...userOf(id) })));
    }
    if (parts[2] === 'users' && parts[4] === 'transitiveMemberOf' && parts[5] === 'microsoft.graph.group') {
      const userId = parts[3] ?? '';
      if (!users.has(userId)) return graphError(res, 404, 'Request_ResourceNotFound', `Resource '${userId}' does not exist.`);
      const groups = Object.entries(options.groups ?? {}).filter(([, members]) => members.includes(userId)).map(([id]) => ({ '@odata.type': '#microsoft.graph.group', id }));
      return page(res, url, groups);
    }
    if (parts[2] === 'appCatalogs' && parts[3] === 'teamsApps' && parts.length === 4 && req.method === 'GET') {
      const externalId = /^externalId eq '(.*)'$/.exec(url.searchParams.get('$filter') ?? '')?.[1]?.replace(/''/g, "'");
      const id = externalId === undefined ? undefined : options.catalog?.[externalId];
      return json(res, 200, { value: id ? [{ id, externalId, displayName: 'Passerelle', distributionMethod: 'organization' }] : [] });
    }
    const installation = parts[2] === 'users' && parts[4] === 'teamwork' && parts[5] === 'installedApps' && parts.length === 6 ? `users/${parts[3]}`
      : parts[2] === 'teams' && parts[4] === 'installedApps' && parts.length === 5 ? `teams/${parts[3]}` : undefined;
    if (installation && req.method === 'POST') {
      const target = installation.split('/')[1] ?? '';
      const bind = String((JSON.parse(body || '{}') as Record<string, unknown>)['teamsApp@odata.bind'] ?? '');
      const catalogId = /\/appCatalogs\/teamsApps\/([^/]+)$/.exec(bind)?.[1];
      if (!catalogId || !Object.values(options.catalog ?? {}).includes(decodeURIComponent(catalogId))) return graphError(res, 400, 'BadRequest', 'Invalid teamsApp binding.');
      const known = installation.startsWith('users/') ? users.has(target) : Boolean(options.teams?.[target]);
      if (!known) return graphError(res, 404, 'NotFound', `Resource '${target}' does not exist.`);
      if (options.forbidden?.includes(target)) return graphError(res, 403, 'Forbidden', 'Missing role permissions on the request.');
      if (installed.has(installation)) return graphError(res, 409, 'Conflict', 'App is already installed.');
      installed.add(installation);
      options.onInstall?.(installation);
      res.writeHead(201, { 'content-type': 'application/json' });
      return res.end(JSON.stringify({ id: `installation-${target}` }));
    }
    const newestFirst = (messages: GraphMessage[]) => [...messages].sort((a, b) => Date.parse(b.createdDateTime) - Date.parse(a.createdDateTime));
    if (parts[2] === 'chats' && parts[4] === 'messages' && parts.length === 5) {
      const messages = options.chats?.[parts[3] ?? ''];
      if (!messages) return graphError(res, 404, 'NotFound', 'Chat not found or the app has no access to it.');
      return page(res, url, newestFirst(messages));
    }
    if (parts[2] === 'teams' && parts[4] === 'channels' && parts[6] === 'messages' && (parts.length === 8 || (parts.length === 9 && parts[8] === 'replies'))) {
      const thread = options.threads?.[`${parts[3]}/${parts[5]}/${parts[7]}`];
      if (!thread) return graphError(res, 404, 'NotFound', 'Message not found.');
      if (parts.length === 8) return json(res, 200, { '@odata.context': 'https://graph.microsoft.com/v1.0/$metadata#chatMessage', ...thread.root });
      return page(res, url, newestFirst(thread.replies));
    }
    return graphError(res, 400, 'BadRequest', 'Unsupported fake Graph request.');
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const url = new URL(req.url ?? '/', `http://127.0.0.1:${port}`);
      requests.push({ method: req.method ?? '', path: `${url.pathname}${url.search}`, headers: Object.fromEntries(Object.entries(req.headers).map(([name, value]) => [name, String(value)])), body });
      if (identity(req, res, url, body)) return;
      if (url.pathname.startsWith('/v1.0/')) return graph(req, res, url, body);
      json(res, 404, { error: 'not_found' });
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;

  return {
    url: `http://127.0.0.1:${port}`,
    secureUrl: `https://127.0.0.1:${port}`,
    requests,
    get tokenRequests() {
      return tokenRequests;
    },
    installed,
    failNextGraph(...next) {
      failures.push(...next);
    },
    setExpiresIn(seconds) {
      expiresIn = seconds;
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
