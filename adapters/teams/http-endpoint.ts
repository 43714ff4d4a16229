import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Activity } from 'botbuilder';
import type { InboundSink } from '../../bots/inbound-event.ts';
import type { Logger } from '../../bots/logger.ts';
import { tenantOf } from './activity-mapper.ts';
import { validateActivity } from './activity-validation.ts';
import { isLoopbackUrl, isSigningKeyFetchFailure, isTenantAllowed } from './authentication.ts';
import type { AuthenticatedRequest, PasserelleCloudAdapter } from './cloud-adapter.ts';
import type { InboundHandler, InboundResult } from './inbound-handler.ts';
import { HTTP_ERRORS } from './teams-messages.ts';

/**
 * The Teams endpoint on node:http: `POST /api/messages` (Bot Framework activities) and `GET /healthz`.
 * Order of checks, each with its own answer and none reaching the bot when it fails: size (413), JSON (400),
 * activity shape (400), authentication (401; 503 with Retry-After when the channel's signing keys cannot be
 * fetched; anonymous local mode: loopback serviceUrl only, 403), tenant
 * allow-list (403). Then the CloudAdapter turn runs and the answer is sent as soon as the inbound handler
 * has decided it (200 for messages, handled in the background). Nothing thrown while handling a request
 * escapes: it becomes a 500 and a log line.
 */

export interface EndpointOptions {
  port: number;
  /** Interface to listen on; undefined: every interface. */
  host?: string;
  cloudAdapter: PasserelleCloudAdapter;
  inbound: InboundHandler;
  /** No credentials: requests are not authenticated (local development and tests only). */
  anonymous: boolean;
  /** Tenants accepted; empty: any. */
  allowedTenants: readonly string[];
  logger: Logger;
  /** Largest body accepted; Teams activities are a few kilobytes. */
  maxBodyBytes?: number;
}

const DEFAULT_MAX_BODY_BYTES = 256 * 1024;
/** Retry-After of a request that could not be authenticated because the signing keys were unreachable. */
const KEYS_RETRY_AFTER_SECONDS = 10;
/** Past this, an oversized body is not even drained: the connection is cut. */
const DRAIN_LIMIT_BYTES = 16 * 1024 * 1024;

export class TeamsEndpoint {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();

  constructor(private readonly options: EndpointOptions) {}

  get port(): number {
    const address = this.server?.address();
    return address && typeof address === 'object' ? (address as AddressInfo).port : this.options.port;
  }

  /** The interface listened on once started (`::` or `0.0.0.0`: every interface), else the configured one. */
  get host(): string | undefined {
    const address = this.server?.address();
    return address && typeof address === 'object' ? (address as AddressInfo).address : this.options.host;
  }

  async listen(sink: InboundSink): Promise<void> {
    this.options.inbound.attach(sink);
    if (this.server) return;
    const server = createServer((request, response) => {
      this.route(request, response).catch((error: unknown) => {
        this.options.logger.error('teams endpoint failure', { error });
        if (!response.headersSent) send(response, 500, { error: 'internal' });
        else response.destroy();
      });
    });
    server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    server.on('clientError', (_error, socket) => {
      if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
      else socket.destroy();
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.options.port, this.options.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.server = server;
    this.options.logger.info('teams endpoint listening', { host: this.host, port: this.port, mode: this.options.anonymous ? 'anonymous' : 'authenticated' });
  }

  /** Stops accepting requests, lets running handlers finish (at most `graceMs`), then closes connections. */
  async close(graceMs = 10_000): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.options.inbound.idle(), new Promise<void>((resolve) => (timer = setTimeout(resolve, graceMs).unref()))]);
    clearTimeout(timer);
    for (const socket of this.sockets) socket.destroy();
    await closed;
  }

  idle(): Promise<void> {
    return this.options.inbound.idle();
  }

  private async route(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const path = (request.url ?? '/').split('?')[0];
    if (path === '/healthz') {
      if (request.method !== 'GET' && request.method !== 'HEAD') return send(response, 405, { error: HTTP_ERRORS.methodNotAllowed }, { allow: 'GET' });
      return send(response, 200, { status: 'ok', channel: 'teams', mode: this.options.anonymous ? 'anonymous' : 'authenticated', ready: this.options.inbound.ready });
    }
    if (path !== '/api/messages') return send(response, 404, { error: HTTP_ERRORS.notFound });
    if (request.method !== 'POST') return send(response, 405, { error: HTTP_ERRORS.methodNotAllowed }, { allow: 'POST' });
    const contentType = request.headers['content-type'];
    if (contentType && !/json/i.test(contentType)) return send(response, 415, { error: HTTP_ERRORS.unsupportedMediaType });
    const body = await readBody(request, this.options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES);
    if (body === 'too-large') return send(response, 413, { error: HTTP_ERRORS.tooLarge }, { connection: 'close' });
    let parsed: unknown;
    try {
      parsed = JSON.parse(body.toString('utf8'));
    } catch {
      return send(response, 400, { error: HTTP_ERRORS.malformedJson });
    }
    const validation = validateActivity(parsed);
    if (!validation.ok) return send(response, 400, { error: validation.error });
    const result = await this.accept(validation.activity, request.headers.authorization ?? '');
    return send(response, result.status, result.body, result.headers);
  }

  /** Authentication, tenant check, then the CloudAdapter turn. */
  private async accept(activity: Partial<Activity>, authorization: string): Promise<InboundResult & { headers?: Record<string, string> }> {
    const { cloudAdapter, inbound, logger } = this.options;
    let authenticated: AuthenticatedRequest;
    try {
      authenticated = await cloudAdapter.authenticate(activity, authorization);
    } catch (error) {
      // A failure to load the signing keys is ours (DNS, proxy, Microsoft's outage): the request may be genuine,
      // so it is answered 503 and the channel retries it; a token that is checked and wrong is 401.
      if (isSigningKeyFetchFailure(error)) {
        logger.error('teams request not authenticated: the channel’s signing keys could not be fetched', { reason: error instanceof Error ? error.message : String(error) });
        return { status: 503, body: { error: HTTP_ERRORS.signingKeysUnavailable }, headers: { 'retry-after': String(KEYS_RETRY_AFTER_SECONDS) } };
      }
      logger.warn('teams request refused: authentication', { reason: error instanceof Error ? error.message : String(error) });
      return { status: 401, body: { error: HTTP_ERRORS.unauthenticated } };
    }
    if (this.options.anonymous && activity.serviceUrl && !isLoopbackUrl(activity.serviceUrl)) {
      logger.warn('teams request refused: non-local serviceUrl in anonymous mode', { serviceUrl: activity.serviceUrl });
      return { status: 403, body: { error: HTTP_ERRORS.forbiddenServiceUrl } };
    }
    const tenant = tenantOf(activity);
    if (!isTenantAllowed(tenant, this.options.allowedTenants)) {
      logger.warn('teams request refused: tenant', { tenant });
      return { status: 403, body: { error: HTTP_ERRORS.forbiddenTenant } };
    }
    if (!inbound.ready) return { status: 503, body: { error: HTTP_ERRORS.notStarted }, headers: { 'retry-after': '5' } };
    let result: InboundResult = { status: 200 };
    await cloudAdapter.runTurn(authenticated, activity, async (context) => {
      result = await inbound.handle(context.activity);
    });
    if (result.status === 501) return { status: 501, body: { error: HTTP_ERRORS.unsupportedInvoke } };
    return result;
  }
}

function send(response: ServerResponse, status: number, body?: unknown, headers: Record<string, string> = {}): void {
  if (body === undefined) {
    response.writeHead(status, { 'content-length': '0', ...headers });
    response.end();
    return;
  }
  const text = JSON.stringify(body);
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': String(Buffer.byteLength(text)), ...headers });
  response.end(text);
}

/** The body, or 'too-large' once `limit` bytes are exceeded (the rest is drained, up to a hard cap). */
function readBody(request: IncomingMessage, limit: number): Promise<Buffer | 'too-large'> {
  return new Promise((resolve, reject) => {
    const declared = Number(request.headers['content-length'] ?? NaN);
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = declared > limit;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) tooLarge = true;
      if (tooLarge) {
        chunks.length = 0;
        if (size > DRAIN_LIMIT_BYTES) request.destroy();
      } else {
        chunks.push(chunk);
      }
    });
    request.on('end', () => resolve(tooLarge ? 'too-large' : Buffer.concat(chunks)));
    request.on('error', reject);
    request.on('close', () => resolve(tooLarge ? 'too-large' : Buffer.concat(chunks)));
  });
}
