import { PasserelleError } from "../../bots/errors.js";
import { readLimitedBody } from "../admin-http/http-io.js";
/** Reading forms and writing pages for the console: strict security headers on every answer. */
/** No inline script or style, no third party: everything comes from /console/assets. */
export const CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
export const SECURITY_HEADERS = {
    'content-security-policy': CONTENT_SECURITY_POLICY,
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
    'referrer-policy': 'same-origin',
    'cross-origin-opener-policy': 'same-origin',
    'cross-origin-resource-policy': 'same-origin',
    'permissions-policy': 'camera=(), microphone=(), geolocation=()',
};
export function sendHtml(response, status, page, headers = {}) {
    const body = `<!doctype html>\n${page.value}`;
    response.writeHead(status, { ...SECURITY_HEADERS, 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', 'content-length': String(Buffer.byteLength(body)), ...headers });
    response.end(body);
}
export function sendJsonData(response, status, data, headers = {}) {
    const body = JSON.stringify(data);
    response.writeHead(status, { ...SECURITY_HEADERS, 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', 'content-length': String(Buffer.byteLength(body)), ...headers });
    response.end(body);
}
export function redirect(response, location, headers = {}) {
    response.writeHead(303, { ...SECURITY_HEADERS, location, 'cache-control': 'no-store', 'content-length': '0', ...headers });
    response.end();
}
/** The body, refused (UPLOAD_TOO_LARGE) beyond `maxBytes`. */
export function readBody(request, maxBytes) {
    return readLimitedBody(request, maxBytes, () => new PasserelleError('UPLOAD_TOO_LARGE', { max: maxBytes.toLocaleString('fr-FR') }));
}
export async function readForm(request, maxBytes) {
    const type = String(request.headers['content-type'] ?? '');
    const body = await readBody(request, maxBytes);
    if (/^multipart\/form-data/i.test(type)) {
        let data;
        try {
            data = await new Request('http://console.local/', { method: 'POST', headers: { 'content-type': type }, body }).formData();
        }
        catch (error) {
            throw new PasserelleError('FORM_INVALID', { problem: 'envoi de fichiers illisible' }, { cause: error });
        }
        const files = new Map();
        const fields = new Map();
        for (const [name, value] of data) {
            if (typeof value === 'string')
                (fields.get(name) ?? fields.set(name, []).get(name)).push(value);
            else if (value.size > 0 || value.name)
                (files.get(name) ?? files.set(name, []).get(name)).push({ name: value.name, bytes: new Uint8Array(await value.arrayBuffer()) });
        }
        return { get: (name) => fields.get(name)?.[0], all: (name) => fields.get(name) ?? [], files: (name) => files.get(name) ?? [] };
    }
    if (type && !/^application\/x-www-form-urlencoded/i.test(type) && !/^application\/json/i.test(type))
        throw new PasserelleError('FORM_INVALID', { problem: `type de contenu « ${type.slice(0, 60)} » inattendu` });
    if (/^application\/json/i.test(type)) {
        let parsed;
        try {
            parsed = JSON.parse(body.toString('utf8') || '{}');
        }
        catch {
            throw new PasserelleError('FORM_INVALID', { problem: 'JSON invalide' });
        }
        const record = parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? parsed : {};
        const values = (name) => {
            const value = record[name];
            return Array.isArray(value) ? value.map(String) : value === undefined || value === null ? [] : [String(value)];
        };
        return { get: (name) => values(name)[0], all: values, files: () => [] };
    }
    const params = new URLSearchParams(body.toString('utf8'));
    return { get: (name) => params.get(name) ?? undefined, all: (name) => params.getAll(name), files: () => [] };
}
export function parseCookies(header) {
    const cookies = new Map();
    for (const part of (header ?? '').split(';')) {
        const separator = part.indexOf('=');
        if (separator <= 0)
            continue;
        const name = part.slice(0, separator).trim();
        if (!cookies.has(name))
            cookies.set(name, decodeURIComponent(part.slice(separator + 1).trim()));
    }
    return cookies;
}
export function cookie(name, value, options) {
    return [
        `${name}=${encodeURIComponent(value)}`,
        `Path=${options.path}`,
        'HttpOnly',
        `SameSite=${options.sameSite ?? 'Lax'}`,
        ...(options.secure ? ['Secure'] : []),
        ...(options.maxAgeSeconds !== undefined ? [`Max-Age=${options.maxAgeSeconds}`] : []),
    ].join('; ');
}
