import { createServer } from 'node:http';
import { tenantOf } from "./activity-mapper.js";
import { validateActivity } from "./activity-validation.js";
import { isLoopbackUrl, isTenantAllowed } from "./authentication.js";
import { HTTP_ERRORS } from "./teams-messages.js";
const DEFAULT_MAX_BODY_BYTES = 256 * 1024;
/** Past this, an oversized body is not even drained: the connection is cut. */
const DRAIN_LIMIT_BYTES = 16 * 1024 * 1024;
export class TeamsEndpoint {
    options;
    server;
    sockets = new Set();
    constructor(options) {
        this.options = options;
    }
    get port() {
        const address = this.server?.address();
        return address && typeof address === 'object' ? address.port : this.options.port;
    }
    async listen(sink) {
        this.options.inbound.attach(sink);
        if (this.server)
            return;
        const server = createServer((request, response) => {
            this.route(request, response).catch((error) => {
                this.options.logger.error('teams endpoint failure', { error });
                if (!response.headersSent)
                    send(response, 500, { error: 'internal' });
                else
                    response.destroy();
            });
        });
        server.on('connection', (socket) => {
            this.sockets.add(socket);
            socket.on('close', () => this.sockets.delete(socket));
        });
        server.on('clientError', (_error, socket) => {
            if (socket.writable)
                socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
            else
                socket.destroy();
        });
        await new Promise((resolve, reject) => {
            server.once('error', reject);
            server.listen(this.options.port, () => {
                server.off('error', reject);
                resolve();
            });
        });
        this.server = server;
        this.options.logger.info('teams endpoint listening', { port: this.port, mode: this.options.anonymous ? 'anonymous' : 'authenticated' });
    }
    /** Stops accepting requests, lets running handlers finish (at most `graceMs`), then closes connections. */
    async close(graceMs = 10_000) {
        const server = this.server;
        if (!server)
            return;
        this.server = undefined;
        const closed = new Promise((resolve) => server.close(() => resolve()));
        server.closeIdleConnections();
        let timer;
        await Promise.race([this.options.inbound.idle(), new Promise((resolve) => (timer = setTimeout(resolve, graceMs).unref()))]);
        clearTimeout(timer);
        for (const socket of this.sockets)
            socket.destroy();
        await closed;
    }
    idle() {
        return this.options.inbound.idle();
    }
    async route(request, response) {
        const path = (request.url ?? '/').split('?')[0];
        if (path === '/healthz') {
            if (request.method !== 'GET' && request.method !== 'HEAD')
                return send(response, 405, { error: HTTP_ERRORS.methodNotAllowed }, { allow: 'GET' });
            return send(response, 200, { status: 'ok', channel: 'teams', mode: this.options.anonymous ? 'anonymous' : 'authenticated', ready: this.options.inbound.ready });
        }
        if (path !== '/api/messages')
            return send(response, 404, { error: HTTP_ERRORS.notFound });
        if (request.method !== 'POST')
            return send(response, 405, { error: HTTP_ERRORS.methodNotAllowed }, { allow: 'POST' });
        const contentType = request.headers['content-type'];
        if (contentType && !/json/i.test(contentType))
            return send(response, 415, { error: HTTP_ERRORS.unsupportedMediaType });
        const body = await readBody(request, this.options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES);
        if (body === 'too-large')
            return send(response, 413, { error: HTTP_ERRORS.tooLarge }, { connection: 'close' });
        let parsed;
        try {
            parsed = JSON.parse(body.toString('utf8'));
        }
        catch {
            return send(response, 400, { error: HTTP_ERRORS.malformedJson });
        }
        const validation = validateActivity(parsed);
        if (!validation.ok)
            return send(response, 400, { error: validation.error });
        const result = await this.accept(validation.activity, request.headers.authorization ?? '');
        return send(response, result.status, result.body);
    }
    /** Authentication, tenant check, then the CloudAdapter turn. */
    async accept(activity, authorization) {
        const { cloudAdapter, inbound, logger } = this.options;
        let authenticated;
        try {
            authenticated = await cloudAdapter.authenticate(activity, authorization);
        }
        catch (error) {
            const status = error.statusCode;
            logger.warn('teams request refused: authentication', { reason: error instanceof Error ? error.message : String(error) });
            // A failure to load the signing keys (botbuilder reports 500) is ours: let the channel retry.
            return status === 500 ? { status: 503, body: { error: HTTP_ERRORS.notStarted } } : { status: 401, body: { error: HTTP_ERRORS.unauthenticated } };
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
        if (!inbound.ready)
            return { status: 503, body: { error: HTTP_ERRORS.notStarted } };
        let result = { status: 200 };
        await cloudAdapter.runTurn(authenticated, activity, async (context) => {
            result = await inbound.handle(context.activity);
        });
        if (result.status === 501)
            return { status: 501, body: { error: HTTP_ERRORS.unsupportedInvoke } };
        return result;
    }
}
function send(response, status, body, headers = {}) {
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
function readBody(request, limit) {
    return new Promise((resolve, reject) => {
        const declared = Number(request.headers['content-length'] ?? NaN);
        const chunks = [];
        let size = 0;
        let tooLarge = declared > limit;
        request.on('data', (chunk) => {
            size += chunk.length;
            if (size > limit)
                tooLarge = true;
            if (tooLarge) {
                chunks.length = 0;
                if (size > DRAIN_LIMIT_BYTES)
                    request.destroy();
            }
            else {
                chunks.push(chunk);
            }
        });
        request.on('end', () => resolve(tooLarge ? 'too-large' : Buffer.concat(chunks)));
        request.on('error', reject);
        request.on('close', () => resolve(tooLarge ? 'too-large' : Buffer.concat(chunks)));
    });
}
