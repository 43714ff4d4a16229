/**
 * A tiny HTTP router for the fake homeserver: routes are `METHOD /path/{param}` patterns matched against the
 * client-server API path with its version prefix (`/_matrix/client/v3`, `r0`, `v1`, `unstable`) removed.
 *
 * @module
 */
import type { IncomingMessage } from 'node:http';

/** A JSON object as exchanged on the wire. */
export type Json = Record<string, unknown>;

/** An error the fake answers with: HTTP status plus a Matrix `errcode`. */
export class MatrixHttpError extends Error {
  constructor(
    readonly status: number,
    readonly errcode: string,
    message: string,
    readonly extra: Json = {},
  ) {
    super(message);
  }

  /** The JSON body sent to the client. */
  toBody(): Json {
    return { errcode: this.errcode, error: this.message, ...this.extra };
  }
}

/** What a handler receives. */
export interface RouteRequest {
  method: string;
  /** Path without the version prefix, e.g. `/rooms/!a:test.local/send/m.room.message/t1`. */
  path: string;
  params: Record<string, string>;
  query: URLSearchParams;
  body: Json;
  headers: IncomingMessage['headers'];
  /** Access token from the Authorization header or the `access_token` query parameter. */
  accessToken: string | undefined;
  /** Resolves when the client closes the connection (long-polls stop waiting). */
  closed: Promise<void>;
}

/** A handler returns the JSON body (status 200) or throws a MatrixHttpError. */
export type RouteHandler = (request: RouteRequest) => Json | Promise<Json>;

interface Route {
  method: string;
  pattern: RegExp;
  names: string[];
  handler: RouteHandler;
}

const PREFIX = /^\/_matrix\/client\/(?:v3|r0|v1|unstable)(?=\/)/;

/** Removes the client-server API version prefix; other paths are returned unchanged. */
export function stripVersion(path: string): string {
  return path.replace(PREFIX, '');
}

/** Ordered list of routes; the first match wins. */
export class Router {
  private readonly routes: Route[] = [];

  /** Adds a route such as `PUT /rooms/{roomId}/send/{type}/{txnId}`; `{rest*}` matches several segments. */
  on(spec: string, handler: RouteHandler): this {
    const [method, path] = spec.split(' ') as [string, string];
    const names: string[] = [];
    const source = path.replace(/\{(\w+)(\*?)\}/g, (_match, name: string, star: string) => {
      names.push(name);
      return star ? '(.+)' : '([^/]+)';
    });
    this.routes.push({ method, pattern: new RegExp(`^${source}/?$`), names, handler });
    return this;
  }

  /** The handler and decoded parameters for a request, or undefined. */
  match(method: string, path: string): { handler: RouteHandler; params: Record<string, string> } | undefined {
    for (const route of this.routes) {
      if (route.method !== method) continue;
      const found = route.pattern.exec(path);
      if (!found) continue;
      const params: Record<string, string> = {};
      route.names.forEach((name, index) => {
        params[name] = decodeURIComponent(found[index + 1] ?? '');
      });
      return { handler: route.handler, params };
    }
    return undefined;
  }
}

/** Reads a request body as JSON (an empty or non-JSON body gives `{}`). */
export async function readJson(request: IncomingMessage, limitBytes = 8 * 1024 * 1024): Promise<Json> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > limitBytes) throw new MatrixHttpError(413, 'M_TOO_LARGE', 'request too large');
    chunks.push(chunk as Buffer);
  }
  if (size === 0) return {};
  try {
    const parsed: unknown = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Json) : {};
  } catch {
    throw new MatrixHttpError(400, 'M_NOT_JSON', 'body is not JSON');
  }
}
