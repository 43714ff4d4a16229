import { createWriteStream } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
/**
 * Client of the admin API, for `passerelle announce`: the CLI never touches the queues or the channels
 * itself — the bot process (`passerelle serve`) resolves the audience and sends.
 */
export class AdminApiError extends Error {
    status;
    code;
    userMessage;
    constructor(status, code, 
    /** French, for the admin. */
    userMessage, options = {}) {
        super(`${status} ${code}: ${userMessage}`, options);
        this.status = status;
        this.code = code;
        this.userMessage = userMessage;
        this.name = 'AdminApiError';
    }
}
export class AdminClient {
    token;
    timeoutMs;
    base;
    constructor(baseUrl, token, timeoutMs = 60_000) {
        this.token = token;
        this.timeoutMs = timeoutMs;
        this.base = baseUrl.replace(/\/+$/, '');
    }
    create(input) {
        return this.json('POST', '/admin/announcements', input);
    }
    status(id, query = '') {
        return this.json('GET', `/admin/announcements/${encodeURIComponent(id)}${query}`);
    }
    cancel(id) {
        return this.json('DELETE', `/admin/announcements/${encodeURIComponent(id)}`);
    }
    /** Streams the CSV report into `file`. */
    async csv(id, file) {
        const response = await this.request('GET', `/admin/announcements/${encodeURIComponent(id)}/report.csv`);
        if (!response.body)
            throw new AdminApiError(response.status, 'empty', 'Réponse vide du service.');
        await pipeline(Readable.fromWeb(response.body), createWriteStream(file));
    }
    async json(method, path, body) {
        const response = await this.request(method, path, body);
        return (await response.json());
    }
    async request(method, path, body) {
        let response;
        try {
            response = await fetch(`${this.base}${path}`, {
                method,
                headers: {
                    authorization: `Bearer ${this.token}`,
                    'x-passerelle-client': 'cli',
                    ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
                },
                ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
                signal: AbortSignal.timeout(this.timeoutMs),
            });
        }
        catch (error) {
            throw new AdminApiError(0, 'unreachable', `Le service Passerelle ne répond pas sur ${this.base} : « passerelle serve » est-il démarré, avec PASSERELLE_ADMIN_TOKEN ?`, { cause: error });
        }
        if (response.ok)
            return response;
        const text = await response.text().catch(() => '');
        let problem = {};
        try {
            problem = JSON.parse(text);
        }
        catch {
            // not JSON: the status says enough
        }
        throw new AdminApiError(response.status, typeof problem.error === 'string' ? problem.error : 'http-error', typeof problem.message === 'string' ? problem.message : `Erreur HTTP ${response.status}.`);
    }
}
