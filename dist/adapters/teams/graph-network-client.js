/**
 * MSAL network client for a local (loopback) token service, used by tests and local development only.
 * MSAL refuses any authority that is not https (`authority_uri_insecure`), so the authority is given to it
 * as `https://127.0.0.1:port/…` and this client, installed through MSAL's supported `system.networkClient`
 * option, sends those requests to `http://127.0.0.1:port/…`. Only the one configured loopback origin is
 * rewritten; anything else goes out unchanged. Production authorities are https and use MSAL's own client.
 */
export class LoopbackNetworkClient {
    secureOrigin;
    plainOrigin;
    timeoutMs;
    constructor(
    /** The https origin MSAL sees, e.g. https://127.0.0.1:41234. */
    secureOrigin, 
    /** The real origin, e.g. http://127.0.0.1:41234. */
    plainOrigin, timeoutMs = 15_000) {
        this.secureOrigin = secureOrigin;
        this.plainOrigin = plainOrigin;
        this.timeoutMs = timeoutMs;
    }
    sendGetRequestAsync(url, options, timeout) {
        return this.send('GET', url, options, timeout);
    }
    sendPostRequestAsync(url, options) {
        return this.send('POST', url, options);
    }
    async send(method, url, options = {}, timeout) {
        const target = url.startsWith(this.secureOrigin) ? `${this.plainOrigin}${url.slice(this.secureOrigin.length)}` : url;
        const response = await fetch(target, {
            method,
            headers: options.headers ?? {},
            ...(method === 'POST' && options.body !== undefined ? { body: options.body } : {}),
            signal: AbortSignal.timeout(timeout ?? this.timeoutMs),
        });
        const headers = {};
        response.headers.forEach((value, name) => (headers[name.toLowerCase()] = value));
        const text = await response.text();
        let body = {};
        try {
            body = text ? JSON.parse(text) : {};
        }
        catch {
            body = { error: 'invalid_json', error_description: text.slice(0, 200) };
        }
        return { headers, body: body, status: response.status };
    }
}
/** True for http://127.0.0.1…, http://localhost…, http://[::1]…. */
export function isLoopbackHttp(url) {
    const host = url.hostname.replace(/^\[|\]$/g, '');
    return url.protocol === 'http:' && (host === 'localhost' || host === '::1' || /^127(\.\d{1,3}){3}$/.test(host));
}
