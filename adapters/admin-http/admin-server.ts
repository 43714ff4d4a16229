import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Logger } from '../../bots/logger.ts';
import type { AnnouncementService } from '../../bots/announcements/announcement-service.ts';
import { httpRefusalOf, PasserelleError } from '../../bots/errors.ts';
import { announcementRoutes } from './announcement-routes.ts';
import { checkBearer, FailedAuthLimiter } from './bearer-token.ts';
import { HttpProblem, sendProblem } from './http-io.ts';

/**
 * The admin HTTP API of the bot process (node:http, no framework): announcements, and the web console under
 * /console (adapters/console, its own sign-in and sessions). Every API request needs
 * `Authorization: Bearer <announcements.adminToken>` (checked in constant time); a missing or wrong token is
 * answered 401 and written to the audit log (kind 'announce-refused'), and a client failing too often has its
 * bad attempts answered 429 for a while (the right token still goes through). Listens on 127.0.0.1 by default: expose it through a reverse proxy (TLS) if it
 * must be reached from elsewhere. Started by `passerelle serve` only when a token is configured.
 */

/** The web console, served on the same listener under /console (its own authentication: sessions). */
export interface ConsoleHandler {
  handle(request: IncomingMessage, response: ServerResponse, url: URL): Promise<boolean>;
}

export interface AdminServerOptions {
  service: AnnouncementService;
  /** The admin API's token; absent: the API answers 401 to everyone (the console may still be on). */
  token?: string;
  console?: ConsoleHandler;
  /** 0: a free port (read `port` after `listen`). */
  port: number;
  host?: string;
  maxChars: number;
  logger: Logger;
  /** Records a refused attempt (bad or missing token) in the audit log. */
  audit(kind: 'announce-refused', client: string): Promise<void>;
  /**
   * Prometheus exposition on GET /metrics: open, or with `token` only to `Authorization: Bearer <token>`.
   * GET /healthz (liveness, no content) is always served.
   */
  metrics?: { token?: string; render(): Promise<{ contentType: string; body: string }> };
}

const UNAUTHORIZED = 'Jeton d’administration manquant ou invalide (en-tête Authorization: Bearer <jeton>).';

export class AdminServer {
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();
  private readonly failures = new FailedAuthLimiter();
  private readonly maxBodyBytes: number;

  constructor(private readonly options: AdminServerOptions) {
    // JSON escapes and UTF-8 make a character up to 6 bytes; the rest is room for the other fields.
    this.maxBodyBytes = options.maxChars * 6 + 16_384;
    this.server = createServer((request, response) => void this.handle(request, response));
    this.server.requestTimeout = 30_000;
    this.server.headersTimeout = 10_000;
    this.server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
  }

  get port(): number {
    const address = this.server.address() as AddressInfo | null;
    return address?.port ?? this.options.port;
  }

  async listen(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.options.port, this.options.host ?? '127.0.0.1', () => {
        this.server.off('error', reject);
        resolve();
      });
    });
  }

  async close(): Promise<void> {
    if (!this.server.listening) return;
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeIdleConnections();
    setTimeout(() => {
      for (const socket of this.sockets) socket.destroy();
    }, 2_000).unref();
    await closed;
  }

  private async serveMetrics(request: IncomingMessage, response: ServerResponse, metrics: NonNullable<AdminServerOptions['metrics']>, client: string): Promise<void> {
    if (metrics.token) {
      if (this.failures.blocked(client)) throw new HttpProblem(429, 'too-many-failures', 'Trop d’échecs d’authentification : réessayez dans une minute.');
      if (checkBearer(request.headers.authorization, metrics.token) !== 'ok') {
        this.failures.record(client);
        sendProblem(response, 401, 'unauthorized', 'Jeton de métriques manquant ou invalide (en-tête Authorization: Bearer <jeton>).', { 'www-authenticate': 'Bearer realm="passerelle-metrics"' });
        return;
      }
    }
    const { contentType, body } = await metrics.render();
    response.writeHead(200, { 'content-type': contentType, 'cache-control': 'no-store' }).end(body);
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const client = request.socket.remoteAddress ?? 'inconnu';
    try {
      const url = new URL(request.url ?? '/', 'http://admin.local');
      if (request.method === 'GET' && url.pathname === '/healthz') {
        response.writeHead(200, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' }).end('ok\n');
        return;
      }
      if (request.method === 'GET' && url.pathname === '/metrics' && this.options.metrics) return await this.serveMetrics(request, response, this.options.metrics, client);
      if (this.options.console && (await this.options.console.handle(request, response, url))) return;
      const check = this.options.token ? checkBearer(request.headers.authorization, this.options.token) : 'invalid';
      // The lockout throttles bad attempts only: the right token always goes through, so that nobody sharing the
      // address (a local process, the reverse proxy) can lock the administrator out by failing on purpose.
      if (check !== 'ok' && this.failures.blocked(client)) {
        request.resume();
        throw new HttpProblem(429, 'too-many-failures', 'Trop d’échecs d’authentification : réessayez dans une minute.', { 'retry-after': '60' });
      }
      if (check !== 'ok') {
        this.failures.record(client);
        this.options.logger.warn('admin API: refused request', { reason: check, method: request.method, path: url.pathname });
        await this.options.audit('announce-refused', client).catch((error: unknown) => this.options.logger.error('admin API audit failed', { error }));
        request.resume();
        sendProblem(response, 401, 'unauthorized', UNAUTHORIZED, { 'www-authenticate': 'Bearer realm="passerelle-admin"' });
        return;
      }
      const handled = await announcementRoutes(request, response, url, { service: this.options.service, maxChars: this.options.maxChars, maxBodyBytes: this.maxBodyBytes });
      if (!handled) throw new HttpProblem(404, 'not-found', 'Ressource inconnue. Voir POST /admin/announcements.');
    } catch (error) {
      if (response.headersSent) {
        this.options.logger.error('admin API: failure after the answer started', { error });
        response.destroy();
      } else if (error instanceof HttpProblem) {
        sendProblem(response, error.status, error.code, error.userMessage, error.headers);
      } else if (error instanceof PasserelleError && httpRefusalOf(error)) {
        const refusal = httpRefusalOf(error)!;
        sendProblem(response, refusal.status, refusal.code, error.userMessage);
      } else {
        this.options.logger.error('admin API: request failed', { error });
        sendProblem(response, 500, 'internal', 'Erreur interne : elle a été journalisée.');
      }
    }
  }
}
