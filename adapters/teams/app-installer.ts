import type { Logger } from '../../bots/logger.ts';

/**
 * Proactive installation of the Passerelle app through Microsoft Graph, so that an announcement reaches
 * agents who never opened the bot: once installed for a user, Teams opens the personal conversation and
 * sends the bot its `installationUpdate` (the core stores the reference and the welcome goes out).
 *
 * - `POST /v1.0/users/{user id}/teamwork/installedApps` (permission TeamsAppInstallation.ReadWriteForUser.All),
 * - `POST /v1.0/teams/{team id}/installedApps` (TeamsAppInstallation.ReadWriteForTeam.All),
 *   both with `{ "teamsApp@odata.bind": "{graph}/v1.0/appCatalogs/teamsApps/{catalog id}" }`;
 * - the catalog id is read once from `GET /v1.0/appCatalogs/teamsApps?$filter=externalId eq '{manifest id}'`
 *   (AppCatalog.Read.All): the app must have been published to the organisation's catalogue.
 * 201 installed now; 409 already installed; 403 not allowed (missing permission, app blocked by the Teams app
 * policy); 404 unknown user or team (or no Teams licence); 429/503/504 retried after `Retry-After` (seconds),
 * at most `maxAttempts` times and never longer than `maxRetryAfterMs` at once. Reasons are in French: they
 * end up in the announcement report read by administrators.
 */

export type InstallStatus = 'installed' | 'already' | 'failed';

export interface InstallOutcome {
  /** Entra object id of the user, or the team's group id. */
  id: string;
  status: InstallStatus;
  /** Why it failed, in French. */
  reason?: string;
  /** Graph's HTTP status, when it answered. */
  httpStatus?: number;
}

export interface InstallReport {
  installed: string[];
  already: string[];
  failed: Array<{ id: string; reason: string; httpStatus?: number }>;
}

export interface AppInstallerOptions {
  /** https://graph.microsoft.com */
  graphUrl: string;
  /** A Graph access token (GraphDirectory#token: MSAL client credentials). */
  token(): Promise<string>;
  /** The app's manifest id (the bot's app id), its `externalId` in the organisation's catalogue. */
  externalAppId: string;
  /** The catalogue id, when known (skips the lookup). */
  catalogAppId?: string;
  logger?: Logger;
  /** Attempts per installation when Graph throttles (default 4). */
  maxAttempts?: number;
  /** Longest Retry-After honoured at once (default 60 s); beyond, the installation fails as throttled. */
  maxRetryAfterMs?: number;
  /** Installations in flight at once (default 4). */
  concurrency?: number;
  timeoutMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

export const INSTALL_REASONS = {
  forbidden: 'Installation refusée par Microsoft Graph (permission TeamsAppInstallation manquante, ou application bloquée par la stratégie d’applications Teams de l’organisation).',
  notFound: 'Utilisateur ou équipe introuvable dans Microsoft Teams (compte supprimé, sans licence Teams, ou identifiant erroné).',
  notInCatalog: 'L’application Passerelle n’est pas publiée dans le catalogue d’applications de l’organisation.',
  throttled: 'Microsoft Graph limite le débit des installations : réessayez plus tard.',
  unavailable: 'Microsoft Graph est indisponible : réessayez plus tard.',
  other: (status: number) => `Installation refusée par Microsoft Graph (HTTP ${status}).`,
} as const;

export class TeamsAppInstaller {
  private readonly graphUrl: string;
  private catalogId: Promise<string | undefined> | undefined;

  constructor(private readonly options: AppInstallerOptions) {
    this.graphUrl = options.graphUrl.replace(/\/+$/, '');
    if (options.catalogAppId) this.catalogId = Promise.resolve(options.catalogAppId);
  }

  /** Installs the app for one user (Entra object id). Never throws. */
  installForUser(userId: string): Promise<InstallOutcome> {
    return this.install(userId, `/v1.0/users/${encodeURIComponent(userId)}/teamwork/installedApps`);
  }

  /** Installs the app in a team (its Microsoft 365 group id). Never throws. */
  installForTeam(teamId: string): Promise<InstallOutcome> {
    return this.install(teamId, `/v1.0/teams/${encodeURIComponent(teamId)}/installedApps`);
  }

  /** Installs for every user, a few at a time; the report says who was installed now, who had it, who could not be reached and why. */
  async installForUsers(userIds: readonly string[]): Promise<InstallReport> {
    const report: InstallReport = { installed: [], already: [], failed: [] };
    const queue = [...new Set(userIds)];
    const worker = async () => {
      for (let id = queue.shift(); id !== undefined; id = queue.shift()) {
        const outcome = await this.installForUser(id);
        if (outcome.status === 'installed') report.installed.push(id);
        else if (outcome.status === 'already') report.already.push(id);
        else report.failed.push({ id, reason: outcome.reason ?? INSTALL_REASONS.unavailable, ...(outcome.httpStatus ? { httpStatus: outcome.httpStatus } : {}) });
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, Math.min(this.options.concurrency ?? 4, queue.length)) }, worker));
    for (const list of [report.installed, report.already]) list.sort();
    report.failed.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    return report;
  }

  private async install(id: string, path: string): Promise<InstallOutcome> {
    let catalogId: string | undefined;
    try {
      catalogId = await this.catalogAppId();
    } catch (error) {
      this.options.logger?.warn('teams app catalogue lookup failed', { error });
      return { id, status: 'failed', reason: INSTALL_REASONS.unavailable };
    }
    if (!catalogId) return { id, status: 'failed', reason: INSTALL_REASONS.notInCatalog };
    const body = JSON.stringify({ 'teamsApp@odata.bind': `${this.graphUrl}/v1.0/appCatalogs/teamsApps/${encodeURIComponent(catalogId)}` });
    const maxAttempts = this.options.maxAttempts ?? 4;
    for (let attempt = 1; ; attempt++) {
      let response: Response;
      try {
        response = await this.request('POST', path, body);
      } catch (error) {
        this.options.logger?.warn('teams app installation request failed', { error });
        return { id, status: 'failed', reason: INSTALL_REASONS.unavailable };
      }
      await response.arrayBuffer().catch(() => undefined);
      const status = response.status;
      if (status === 201 || status === 200 || status === 204) return { id, status: 'installed', httpStatus: status };
      if (status === 409) return { id, status: 'already', httpStatus: status };
      if (status === 403) return { id, status: 'failed', reason: INSTALL_REASONS.forbidden, httpStatus: status };
      if (status === 404) return { id, status: 'failed', reason: INSTALL_REASONS.notFound, httpStatus: status };
      if (status !== 429 && status !== 503 && status !== 504) return { id, status: 'failed', reason: INSTALL_REASONS.other(status), httpStatus: status };
      const waitMs = retryAfterMs(response.headers.get('retry-after')) ?? 1_000 * 2 ** (attempt - 1);
      if (attempt >= maxAttempts || waitMs > (this.options.maxRetryAfterMs ?? 60_000)) {
        return { id, status: 'failed', reason: status === 429 ? INSTALL_REASONS.throttled : INSTALL_REASONS.unavailable, httpStatus: status };
      }
      this.options.logger?.warn('microsoft graph throttled the app installation, retrying', { status, waitMs });
      await (this.options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))))(waitMs);
    }
  }

  private catalogAppId(): Promise<string | undefined> {
    this.catalogId ??= (async () => {
      const filter = encodeURIComponent(`externalId eq '${this.options.externalAppId.replace(/'/g, "''")}'`);
      const response = await this.request('GET', `/v1.0/appCatalogs/teamsApps?$filter=${filter}`);
      if (!response.ok) throw new Error(`GET appCatalogs/teamsApps: ${response.status}`);
      const page = (await response.json()) as { value?: Array<{ id?: unknown }> };
      const id = page.value?.find((app) => typeof app.id === 'string')?.id;
      return typeof id === 'string' ? id : undefined;
    })().catch((error: unknown) => {
      this.catalogId = undefined; // asked again next time
      throw error;
    });
    return this.catalogId;
  }

  private async request(method: 'GET' | 'POST', path: string, body?: string): Promise<Response> {
    const token = await this.options.token();
    return fetch(`${this.graphUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, accept: 'application/json', ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { body } : {}),
      signal: AbortSignal.timeout(this.options.timeoutMs ?? 15_000),
    });
  }
}

/** Retry-After in seconds (Graph's form) or an HTTP date, as milliseconds. */
function retryAfterMs(header: string | null): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1_000;
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}
