/**
 * Raw, signed HTTP calls to the Bot Connector (`{serviceUrl}/v3/conversations/…`).
 *
 * Why not `TurnContext.sendActivity`: botbuilder 4.23.3 serialises outgoing activities through the
 * connector's model mappers, whose `Entity` model only knows `type`, `text` and `mentioned`. Every other
 * entity property is dropped on the wire (measured: a citation entity arrives as `{"type":
 * "https://schema.org/Message"}` and a streaminfo entity as `{"type": "streaminfo"}`), which kills the AI
 * label, the citations and streaming. So Passerelle posts the activity JSON itself, signed by the
 * ConnectorClient's own credentials (`credentials.signRequest`, i.e. the MSAL token for the bot's app id, or
 * nothing in anonymous local mode), and keeps the exact HTTP status, error code and Retry-After for its
 * delivery policy (the Azure pipeline behind `sendRequest` would retry on its own and hide them).
 */

import { pathSegment } from './path-segment.ts';

/** The part of botbuilder's ConnectorClient used here: its credentials sign outgoing requests. */
export interface SigningClient {
  credentials: { signRequest(resource: never): Promise<unknown> };
}

/** A non-2xx answer (status ≥ 300; a redirect is code RedirectRefused) or a transport failure (status 0). */
export class ConnectorError extends Error {
  constructor(
    readonly status: number,
    readonly code: string | undefined,
    message: string,
    /** Delay asked by the service (Retry-After), in milliseconds. */
    readonly retryAfterMs?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'ConnectorError';
  }

  /** 403 ContentStreamNotAllowed: the stream was stopped by the user, completed, or timed out. */
  get streamNotAllowed(): boolean {
    return this.status === 403 && this.code === 'ContentStreamNotAllowed';
  }
}

export interface ConnectorResponse {
  status: number;
  body: unknown;
}

/**
 * Path of a conversation's activities, or of one activity. Ids are URL-encoded (`19:…;messageid=…`), each in
 * its own segment; an id that would be a dot segment ("." or "..") is refused (ConnectorError 400 InvalidId).
 */
export function activitiesPath(conversationId: string, activityId?: string): string {
  try {
    const base = `v3/conversations/${pathSegment(conversationId)}/activities`;
    return activityId !== undefined ? `${base}/${pathSegment(activityId)}` : base;
  } catch (error) {
    throw new ConnectorError(400, 'InvalidId', 'conversation or activity id unusable in a URL path', undefined, { cause: error });
  }
}

export class ConnectorHttp {
  constructor(
    private readonly client: SigningClient,
    private readonly serviceUrl: string,
    private readonly timeoutMs: number,
  ) {}

  /** Sends one request; resolves on 2xx, throws ConnectorError otherwise. Never retries. */
  async request(method: 'POST' | 'PUT', path: string, body: unknown): Promise<ConnectorResponse> {
    const url = new URL(path, this.serviceUrl.endsWith('/') ? this.serviceUrl : `${this.serviceUrl}/`);
    const headers: Record<string, string> = { 'content-type': 'application/json; charset=utf-8', accept: 'application/json' };
    const authorization = await this.authorization();
    if (authorization) headers.authorization = authorization;
    // An activity that cannot be serialised (a cycle, nesting past the stack) is a bug of ours, not the network's:
    // final, never retried.
    let payload: string;
    try {
      payload = JSON.stringify(body);
    } catch (error) {
      throw new ConnectorError(400, 'UnserialisableActivity', `${method} ${url.pathname}: activity not serialisable`, undefined, { cause: error });
    }
    let response: Response;
    try {
      // The Bot Connector API never redirects: a 3xx is refused, never followed (it would carry the activity —
      // the agent's words and the answer — and the bot's token wherever the Location points).
      response = await fetch(url, { method, headers, body: payload, redirect: 'manual', signal: AbortSignal.timeout(this.timeoutMs) });
    } catch (error) {
      const timeout = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
      throw new ConnectorError(0, timeout ? 'Timeout' : 'NetworkError', `${method} ${url.pathname}: ${timeout ? 'timeout' : 'network failure'}`, undefined, { cause: error });
    }
    if (response.status >= 300 && response.status < 400) {
      await response.body?.cancel().catch(() => undefined);
      throw new ConnectorError(response.status, 'RedirectRefused', `${method} ${url.pathname}: ${response.status} redirect to ${describeLocation(response.headers.get('location'), url)} refused`);
    }
    const text = await response.text().catch(() => '');
    const parsed = parseJson(text);
    if (response.status >= 200 && response.status < 300) return { status: response.status, body: parsed };
    const error = (parsed as { error?: { code?: unknown; message?: unknown } } | undefined)?.error;
    const code = typeof error?.code === 'string' ? error.code : undefined;
    const message = typeof error?.message === 'string' ? error.message : text.slice(0, 200);
    throw new ConnectorError(response.status, code, `${method} ${url.pathname}: ${response.status}${code ? ` ${code}` : ''} ${message}`.trim(), parseRetryAfter(response.headers.get('retry-after')));
  }

  /** The Authorization header the connector's credentials would set (none in anonymous mode). */
  async authorization(): Promise<string | undefined> {
    let value: string | undefined;
    const resource = {
      headers: {
        set(name: string, headerValue: string) {
          if (name.toLowerCase() === 'authorization') value = headerValue;
        },
      },
    };
    await this.client.credentials.signRequest(resource as never);
    return value;
  }
}

/** Retry-After as milliseconds: delta-seconds or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null, now: number = Date.now()): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

function parseJson(text: string): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** The origin a redirect points to, for the log (never its path or query: they may carry tokens). */
function describeLocation(location: string | null, base: URL): string {
  if (!location) return '(no Location)';
  try {
    return new URL(location, base).origin;
  } catch {
    return '(unreadable Location)';
  }
}
