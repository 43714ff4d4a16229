import type { INetworkModule, NetworkRequestOptions, NetworkResponse } from '@azure/msal-node';

/**
 * MSAL network client for a local (loopback) token service, used by tests and local development only.
 * MSAL refuses any authority that is not https (`authority_uri_insecure`), so the authority is given to it
 * as `https://127.0.0.1:port/…` and this client, installed through MSAL's supported `system.networkClient`
 * option, sends those requests to `http://127.0.0.1:port/…`. Only the one configured loopback origin is
 * rewritten; anything else goes out unchanged. Production authorities are https and use MSAL's own client.
 */
export class LoopbackNetworkClient implements INetworkModule {
  constructor(
    /** The https origin MSAL sees, e.g. https://127.0.0.1:41234. */
    private readonly secureOrigin: string,
    /** The real origin, e.g. http://127.0.0.1:41234. */
    private readonly plainOrigin: string,
    private readonly timeoutMs = 15_000,
  ) {}

  sendGetRequestAsync<T>(url: string, options?: NetworkRequestOptions, timeout?: number): Promise<NetworkResponse<T>> {
    return this.send<T>('GET', url, options, timeout);
  }

  sendPostRequestAsync<T>(url: string, options?: NetworkRequestOptions): Promise<NetworkResponse<T>> {
    return this.send<T>('POST', url, options);
  }

  private async send<T>(method: 'GET' | 'POST', url: string, options: NetworkRequestOptions = {}, timeout?: number): Promise<NetworkResponse<T>> {
    const target = url.startsWith(this.secureOrigin) ? `${this.plainOrigin}${url.slice(this.secureOrigin.length)}` : url;
    const response = await fetch(target, {
      method,
      headers: options.headers ?? {},
      ...(method === 'POST' && options.body !== undefined ? { body: options.body } : {}),
      // Token requests carry the client secret: a redirect is answered as is (MSAL reports it), never followed.
      redirect: 'manual',
      signal: AbortSignal.timeout(timeout ?? this.timeoutMs),
    });
    const headers: Record<string, string> = {};
    response.headers.forEach((value, name) => (headers[name.toLowerCase()] = value));
    const text = await response.text();
    let body: unknown = {};
    try {
      body = text ? JSON.parse(text) : {};
    } catch {
      body = { error: 'invalid_json', error_description: text.slice(0, 200) };
    }
    return { headers, body: body as T, status: response.status };
  }
}

/** True for http://127.0.0.1…, http://localhost…, http://[::1]…. */
export function isLoopbackHttp(url: URL): boolean {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  return url.protocol === 'http:' && (host === 'localhost' || host === '::1' || /^127(\.\d{1,3}){3}$/.test(host));
}
