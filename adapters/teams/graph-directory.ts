import { ConfidentialClientApplication, type Configuration } from '@azure/msal-node';
import { PasserelleError } from '../../bots/errors.ts';
import type { Logger } from '../../bots/logger.ts';
import { isLoopbackHttp, LoopbackNetworkClient } from './graph-network-client.ts';
import type { GroupSource } from './group-cache.ts';
import { pathSegment } from './path-segment.ts';
import { CONFIG_ERRORS } from './teams-messages.ts';

/**
 * Microsoft Graph, read-only, for access control: members of a team or group, groups of a user. The bot's
 * app registration authenticates with client credentials (MSAL ConfidentialClientApplication, authority
 * `${authorityHost}/${tenantId}`); MSAL keeps the token in its in-memory cache and only asks the token
 * endpoint again when the cached token is missing or about to expire (5 minutes before `expires_in`).
 * Application permissions needed: TeamMember.Read.All, GroupMember.Read.All (and User.Read.All for
 * transitiveMemberOf). Lists follow `@odata.nextLink` to the end; 429/503/504 are retried a few times.
 */

export interface GraphDirectoryOptions {
  tenantId: string;
  clientId: string;
  clientSecret?: string;
  certificate?: { thumbprint: string; privateKey: string };
  /** https://login.microsoftonline.com (http only on loopback, for tests). */
  authorityHost: string;
  /** https://graph.microsoft.com */
  graphUrl: string;
  logger?: Logger;
  timeoutMs?: number;
}

export interface DirectoryMember {
  /** Entra object id of the user. */
  id: string;
  displayName?: string;
  userPrincipalName?: string;
  mail?: string;
}

interface GraphPage<T> {
  value?: T[];
  '@odata.nextLink'?: string;
}

/** A Graph chatMessage, the fields Passerelle reads. */
export interface GraphChatMessage {
  id?: string;
  messageType?: string;
  createdDateTime?: string;
  deletedDateTime?: string | null;
  from?: { user?: { id?: string; displayName?: string } | null; application?: { id?: string; displayName?: string } | null } | null;
  body?: { contentType?: string; content?: string };
}

function oldestFirst(messages: GraphChatMessage[]): GraphChatMessage[] {
  return [...messages].sort((a, b) => Date.parse(a.createdDateTime ?? '') - Date.parse(b.createdDateTime ?? '') || 0);
}

function ownersOf(members: Array<{ userId?: string; roles?: string[] }>): string[] {
  return members.filter((member) => Array.isArray(member.roles) && member.roles.includes('owner') && typeof member.userId === 'string').map((member) => member.userId as string);
}

const MAX_PAGES = 500;
const MAX_ATTEMPTS = 3;

export class GraphDirectory implements GroupSource {
  private readonly msal: ConfidentialClientApplication;
  private readonly graphUrl: string;
  private readonly scope: string;
  private readonly timeoutMs: number;

  constructor(private readonly options: GraphDirectoryOptions) {
    this.graphUrl = options.graphUrl.replace(/\/+$/, '');
    this.scope = `${this.graphUrl}/.default`;
    this.timeoutMs = options.timeoutMs ?? 15_000;
    this.msal = new ConfidentialClientApplication(msalConfiguration(options));
  }

  /** Members of a team (its Microsoft 365 group's users), from /teams/{id}/members. */
  async teamMembers(teamId: string): Promise<DirectoryMember[]> {
    const members = await this.list<{ userId?: string; displayName?: string; email?: string }>(`/v1.0/teams/${segment(teamId)}/members`);
    return members
      .filter((member): member is { userId: string; displayName?: string; email?: string } => typeof member.userId === 'string')
      .map((member) => ({ id: member.userId, ...(member.displayName ? { displayName: member.displayName } : {}), ...(member.email ? { mail: member.email } : {}) }));
  }

  /** Entra ids of the team's owners (role `owner` in /teams/{id}/members). */
  async teamOwners(teamId: string): Promise<string[]> {
    return ownersOf(await this.list<{ userId?: string; roles?: string[] }>(`/v1.0/teams/${encodeURIComponent(teamId)}/members`));
  }

  /** Entra ids of the group chat's owners (role `owner` in /chats/{id}/members). Permission: ChatMember.Read.All or RSC ChatMember.Read.Chat. */
  async chatOwners(chatId: string): Promise<string[]> {
    return ownersOf(await this.list<{ userId?: string; roles?: string[] }>(`/v1.0/chats/${encodeURIComponent(chatId)}/members`));
  }

  /** Direct members of a group that are users. */
  async groupMembers(groupId: string): Promise<DirectoryMember[]> {
    const members = await this.list<{ '@odata.type'?: string; id?: string; displayName?: string; userPrincipalName?: string; mail?: string }>(
      `/v1.0/groups/${segment(groupId)}/members/microsoft.graph.user?$select=id,displayName,userPrincipalName,mail`,
    );
    return members
      .filter((member): member is typeof member & { id: string } => typeof member.id === 'string')
      .map((member) => ({
        id: member.id,
        ...(member.displayName ? { displayName: member.displayName } : {}),
        ...(member.userPrincipalName ? { userPrincipalName: member.userPrincipalName } : {}),
        ...(member.mail ? { mail: member.mail } : {}),
      }));
  }

  /** Ids of every group the user belongs to, nested groups included (transitiveMemberOf). */
  async userGroups(userId: string): Promise<string[]> {
    const groups = await this.list<{ id?: string }>(`/v1.0/users/${segment(userId)}/transitiveMemberOf/microsoft.graph.group?$select=id`);
    return groups.map((group) => group.id).filter((id): id is string => typeof id === 'string');
  }

  /**
   * The latest `limit` messages of a chat (group chat, or a personal chat with the bot), oldest first.
   * Permission: RSC ChatMessage.Read.Chat (or application Chat.Read.All).
   */
  async chatMessages(chatId: string, limit: number): Promise<GraphChatMessage[]> {
    const top = Math.max(1, Math.min(50, limit));
    const messages = await this.list<GraphChatMessage>(`/v1.0/chats/${segment(chatId)}/messages?$top=${top}&$orderby=createdDateTime%20desc`, limit);
    return oldestFirst(messages).slice(-limit);
  }

  /**
   * A channel thread, oldest first: its root message then the latest replies, `limit` in all.
   * Permission: RSC ChannelMessage.Read.Group (or application ChannelMessage.Read.All).
   */
  async threadMessages(teamId: string, channelId: string, rootId: string, limit: number): Promise<GraphChatMessage[]> {
    const base = `/v1.0/teams/${segment(teamId)}/channels/${segment(channelId)}/messages/${segment(rootId)}`;
    const root = await this.get<GraphChatMessage>(`${this.graphUrl}${base}`);
    const replies = limit > 1 ? await this.list<GraphChatMessage>(`${base}/replies?$top=${Math.min(50, limit - 1)}`, limit - 1) : [];
    return [root, ...oldestFirst(replies).slice(-(limit - 1))].slice(0, limit);
  }

  /** A Graph access token, from MSAL's cache when still valid; concurrent callers share one request. */
  token(): Promise<string> {
    this.pendingToken ??= this.acquireToken().finally(() => (this.pendingToken = undefined));
    return this.pendingToken;
  }

  private pendingToken: Promise<string> | undefined;

  private async acquireToken(): Promise<string> {
    try {
      const result = await this.msal.acquireTokenByClientCredential({ scopes: [this.scope] });
      if (!result?.accessToken) throw new Error('no access token in the MSAL result');
      return result.accessToken;
    } catch (error) {
      throw new PasserelleError('INTERNAL', { service: 'microsoft-graph', step: 'token' }, { cause: error });
    }
  }

  private async list<T>(path: string, max = Number.POSITIVE_INFINITY): Promise<T[]> {
    const items: T[] = [];
    let url: string | undefined = `${this.graphUrl}${path}`;
    for (let page = 0; url && page < MAX_PAGES && items.length < max; page++) {
      const body: GraphPage<T> = await this.get<GraphPage<T>>(url);
      items.push(...(body.value ?? []));
      url = body['@odata.nextLink'];
      // The next page gets the bearer token: only on Graph's own origin.
      if (url !== undefined && !sameOrigin(url, this.graphUrl)) {
        throw new PasserelleError('INTERNAL', { service: 'microsoft-graph' }, { cause: new Error(`@odata.nextLink on another origin refused: ${originOf(url)}`) });
      }
    }
    return items;
  }

  private async get<T>(url: string): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      const token = await this.token();
      let response: Response;
      try {
        // Graph does not redirect these calls: a redirect is refused, never followed with the bearer token.
        response = await fetch(url, { headers: { authorization: `Bearer ${token}`, accept: 'application/json' }, redirect: 'manual', signal: AbortSignal.timeout(this.timeoutMs) });
      } catch (error) {
        throw new PasserelleError('INTERNAL', { service: 'microsoft-graph' }, { cause: error });
      }
      if (response.status >= 300 && response.status < 400) {
        await response.body?.cancel().catch(() => undefined);
        throw new PasserelleError('INTERNAL', { service: 'microsoft-graph', status: response.status }, { cause: new Error(`GET ${new URL(url).pathname}: ${response.status} redirect to ${originOf(response.headers.get('location') ?? '', url)} refused`) });
      }
      if (response.ok) return (await response.json()) as T;
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
export function msalConfiguration(options: GraphDirectoryOptions): Configuration {
  const host = new URL(options.authorityHost);
  const loopback = isLoopbackHttp(host);
  if (host.protocol !== 'https:' && !loopback) throw new PasserelleError('CONFIG_INVALID', { problems: CONFIG_ERRORS.insecureAuthority });
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
function certificateOf(certificate: { thumbprint: string; privateKey: string }): { thumbprint?: string; thumbprintSha256?: string; privateKey: string } {
  const thumbprint = certificate.thumbprint.replace(/[^0-9a-f]/gi, '');
  return thumbprint.length === 64 ? { thumbprintSha256: thumbprint, privateKey: certificate.privateKey } : { thumbprint, privateKey: certificate.privateKey };
}

function sameOrigin(url: string, base: string): boolean {
  try {
    return new URL(url).origin === new URL(base).origin;
  } catch {
    return false;
  }
}

/** The origin of a URL, for the log (never its path or query). */
function originOf(url: string, base?: string): string {
  try {
    return new URL(url, base).origin;
  } catch {
    return '(unreadable URL)';
  }
}

/** An id as one path segment of a Graph URL ("." and ".." refused: they would climb the path). */
function segment(id: string): string {
  try {
    return pathSegment(id);
  } catch (error) {
    throw new PasserelleError('INTERNAL', { service: 'microsoft-graph' }, { cause: error });
  }
}
