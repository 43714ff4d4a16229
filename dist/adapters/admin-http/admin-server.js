import { createServer } from 'node:http';
import { httpRefusalOf, PasserelleError } from "../../bots/errors.js";
import { announcementRoutes } from "./announcement-routes.js";
import { checkBearer, FailedAuthLimiter } from "./bearer-token.js";
import { HttpProblem, sendProblem } from "./http-io.js";
const UNAUTHORIZED = 'Jeton d’administration manquant ou invalide (en-tête Authorization: Bearer <jeton>).';
export class AdminServer {
    options;
    server;
    sockets = new Set();
    failures = new FailedAuthLimiter();
    maxBodyBytes;
    constructor(options) {
        this.options = options;
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
    get port() {
        const address = this.server.address();
        return address?.port ?? this.options.port;
    }
    async listen() {
        await new Promise((resolve, reject) => {
            this.server.once('error', reject);
            this.server.listen(this.options.port, this.options.host ?? '127.0.0.1', () => {
                this.server.off('error', reject);
                resolve();
            });
        });
    }
    async close() {
        if (!this.server.listening)
            return;
        const closed = new Promise((resolve) => this.server.close(() => resolve()));
        this.server.closeIdleConnections();
        setTimeout(() => {
            for (const socket of this.sockets)
                socket.destroy();
        }, 2_000).unref();
        await closed;
    }
    async serveMetrics(request, response, metrics, client) {
        if (metrics.token) {
            if (this.failures.blocked(client))
                throw new HttpProblem(429, 'too-many-failures', 'Trop d’échecs d’authentification : réessayez dans une minute.');
            if (checkBearer(request.headers.authorization, metrics.token) !== 'ok') {
                this.failures.record(client);
                sendProblem(response, 401, 'unauthorized', 'Jeton de métriques manquant ou invalide (en-tête Authorization: Bearer <jeton>).', { 'www-authenticate': 'Bearer realm="passerelle-metrics"' });
                return;
            }
        }
        const { contentType, body } = await metrics.render();
        response.writeHead(200, { 'content-type': contentType, 'cache-control': 'no-store' }).end(body);
    }
    async handle(request, response) {
        const client = request.socket.remoteAddress ?? 'inconnu';
        try {
            const url = new URL(request.url ?? '/', 'http://admin.local');
            if (request.method === 'GET' && url.pathname === '/healthz') {
                response.writeHead(200, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' }).end('ok\n');
                return;
            }
            if (request.method === 'GET' && url.pathname === '/metrics' && this.options.metrics)
                return await this.serveMetrics(request, response, this.options.metrics, client);
            if (this.options.console && (await this.options.console.handle(request, response, url)))
                return;
            if (this.failures.blocked(client))
                throw new HttpProblem(429, 'too-many-failures', 'Trop d’échecs d’authentification : réessayez dans une minute.');
            const check = this.options.token ? checkBearer(request.headers.authorization, this.options.token) : 'invalid';
            if (check !== 'ok') {
                this.failures.record(client);
                this.options.logger.warn('admin API: refused request', { reason: check, method: request.method, path: url.pathname });
                await this.options.audit('announce-refused', client).catch((error) => this.options.logger.error('admin API audit failed', { error }));
                request.resume();
                sendProblem(response, 401, 'unauthorized', UNAUTHORIZED, { 'www-authenticate': 'Bearer realm="passerelle-admin"' });
                return;
            }
            const handled = await announcementRoutes(request, response, url, { service: this.options.service, maxChars: this.options.maxChars, maxBodyBytes: this.maxBodyBytes });
            if (!handled)
                throw new HttpProblem(404, 'not-found', 'Ressource inconnue. Voir POST /admin/announcements.');
        }
        catch (error) {
            if (response.headersSent) {
                this.options.logger.error('admin API: failure after the answer started', { error });
                response.destroy();
            }
            else if (error instanceof HttpProblem) {
                sendProblem(response, error.status, error.code, error.userMessage, error.headers);
            }
            else if (error instanceof PasserelleError && httpRefusalOf(error)) {
                const refusal = httpRefusalOf(error);
                sendProblem(response, refusal.status, refusal.code, error.userMessage);
            }
            else {
                this.options.logger.error('admin API: request failed', { error });
                sendProblem(response, 500, 'internal', 'Erreur interne : elle a été journalisée.');
            }
        }
    }
}
