/**
 * `passerelle doctor`'s view of the homeserver: it answers, and the bot's credentials open a session for the
 * configured user. A password is checked by logging in and out again (the device created is deleted by the
 * logout, so no device piles up); an access token by `whoami`. Plain HTTP: no SDK, no crypto store touched.
 */

export interface HomeserverFacts {
  /** Newest client-server API version the server announces. */
  version: string;
  /** The user the credentials open a session for. */
  userId: string;
  /** Device of the session (the configured one for a token; the temporary one for a password). */
  deviceId: string | undefined;
}

/** A refusal by the homeserver: HTTP status and Matrix errcode. */
export class HomeserverRefusal extends Error {
  constructor(
    readonly status: number,
    readonly errcode: string,
    message: string,
  ) {
    super(`${status} ${errcode}: ${message}`);
    this.name = 'HomeserverRefusal';
  }
}

export interface HomeserverCredentials {
  homeserverUrl: string;
  userId: string;
  password?: string;
  accessToken?: string;
}

export async function probeHomeserver(credentials: HomeserverCredentials, timeoutMs: number): Promise<HomeserverFacts> {
  const base = credentials.homeserverUrl.replace(/\/+$/, '');
  const call = async (method: string, path: string, options: { token?: string; body?: unknown } = {}): Promise<Record<string, unknown>> => {
    const response = await fetch(`${base}${path}`, {
      method,
      headers: { ...(options.token ? { authorization: `Bearer ${options.token}` } : {}), ...(options.body ? { 'content-type': 'application/json' } : {}) },
      ...(options.body ? { body: JSON.stringify(options.body) } : {}),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await response.text();
    let body: Record<string, unknown> = {};
    try {
      body = JSON.parse(text) as Record<string, unknown>;
    } catch {
      if (response.ok) throw new HomeserverRefusal(response.status, 'M_NOT_JSON', 'réponse qui n’est pas du JSON');
    }
    if (!response.ok) throw new HomeserverRefusal(response.status, String(body.errcode ?? 'M_UNKNOWN'), String(body.error ?? text.slice(0, 200)));
    return body;
  };
  const versions = await call('GET', '/_matrix/client/versions');
  const list = Array.isArray(versions.versions) ? (versions.versions as unknown[]).map(String) : [];
  const version = list.at(-1) ?? 'inconnue';
  if (credentials.accessToken) {
    const who = await call('GET', '/_matrix/client/v3/account/whoami', { token: credentials.accessToken });
    return { version, userId: String(who.user_id ?? ''), deviceId: typeof who.device_id === 'string' ? who.device_id : undefined };
  }
  const login = await call('POST', '/_matrix/client/v3/login', {
    body: { type: 'm.login.password', identifier: { type: 'm.id.user', user: credentials.userId }, password: credentials.password ?? '', initial_device_display_name: 'passerelle doctor' },
  });
  const token = String(login.access_token ?? '');
  await call('POST', '/_matrix/client/v3/logout', { token, body: {} }).catch(() => undefined);
  return { version, userId: String(login.user_id ?? ''), deviceId: typeof login.device_id === 'string' ? login.device_id : undefined };
}
