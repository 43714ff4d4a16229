import { createWriteStream } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { AnnouncementRecord, RecipientCounts } from '../../state/announcement-store.ts';

/**
 * Client of the admin API, for `passerelle announce`: the CLI never touches the queues or the channels
 * itself — the bot process (`passerelle serve`) resolves the audience and sends.
 */

export class AdminApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    /** French, for the admin. */
    readonly userMessage: string,
    options: { cause?: unknown } = {},
  ) {
    super(`${status} ${code}: ${userMessage}`, options);
    this.name = 'AdminApiError';
  }
}

export interface CreatedAnnouncement {
  id: string;
  status: string;
  statusLabel: string;
  scheduledAt?: string;
  recipients: { reachable: number; unreachable: number; perChannel: Array<{ channel: string; reachable: number; unreachable: number }> };
}

export interface AnnouncementStatus {
  id: string;
  status: string;
  statusLabel: string;
  audience: string;
  origin: string;
  createdAt: string;
  scheduledAt?: string;
  finishedAt?: string;
  counts: RecipientCounts;
  recipients: Array<{ target: string; channel: string; status: string; reason?: string }>;
}

export class AdminClient {
  private readonly base: string;

  constructor(
    baseUrl: string,
    private readonly token: string,
    private readonly timeoutMs = 60_000,
  ) {
    this.base = baseUrl.replace(/\/+$/, '');
  }

  create(input: { to: string; markdown: string; at?: string; preview?: boolean }): Promise<CreatedAnnouncement> {
    return this.json('POST', '/admin/announcements', input);
  }

  status(id: string, query = ''): Promise<AnnouncementStatus> {
    return this.json('GET', `/admin/announcements/${encodeURIComponent(id)}${query}`);
  }

  cancel(id: string): Promise<{ id: string; status: string; previousStatus: AnnouncementRecord['status']; cancelledRecipients: number; sent: number }> {
    return this.json('DELETE', `/admin/announcements/${encodeURIComponent(id)}`);
  }

  /** Streams the CSV report into `file`. */
  async csv(id: string, file: string): Promise<void> {
    const response = await this.request('GET', `/admin/announcements/${encodeURIComponent(id)}/report.csv`);
    if (!response.body) throw new AdminApiError(response.status, 'empty', 'Réponse vide du service.');
    await pipeline(Readable.fromWeb(response.body as import('node:stream/web').ReadableStream), createWriteStream(file));
  }

  private async json<T>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await this.request(method, path, body);
    return (await response.json()) as T;
  }

  private async request(method: string, path: string, body?: unknown): Promise<Response> {
    let response: Response;
    try {
      response = await fetch(`${this.base}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${this.token}`,
          'x-passerelle-client': 'cli',
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
        // The token and the announcement go to the configured admin API only: a redirect is not followed.
        redirect: 'manual',
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (error) {
      throw new AdminApiError(0, 'unreachable', `Le service Passerelle ne répond pas sur ${this.base} : « passerelle serve » est-il démarré, avec PASSERELLE_ADMIN_TOKEN ?`, { cause: error });
    }
    if (response.ok) return response;
    if (response.status >= 300 && response.status < 400) {
      await response.body?.cancel().catch(() => undefined);
      throw new AdminApiError(response.status, 'redirect', `Le service sur ${this.base} a répondu par une redirection (${response.status}) : elle n’est pas suivie, pour que le jeton ne quitte pas cette adresse. Indiquez l’adresse finale de l’API d’administration.`);
    }
    const text = await response.text().catch(() => '');
    let problem: { error?: unknown; message?: unknown } = {};
    try {
      problem = JSON.parse(text) as typeof problem;
    } catch {
      // not JSON: the status says enough
    }
    throw new AdminApiError(response.status, typeof problem.error === 'string' ? problem.error : 'http-error', typeof problem.message === 'string' ? problem.message : `Erreur HTTP ${response.status}.`);
  }
}
