/**
 * Fake Microsoft Teams channel service on 127.0.0.1: the Bot Connector REST API the bot calls
 * (`/v3/conversations/{id}/activities[/{activityId}]`), the OpenID metadata and signing keys a bot uses to
 * validate the channel's JWTs, and the channel side that POSTs activities to the bot's `/api/messages`.
 *
 * Connector behaviour (real wire formats): POST activities → 201 `{id}`; POST …/{id} (reply) → 201 `{id}`;
 * PUT …/{id} → 200 `{id}`; errors as `{error: {code, message}}`. Teams streaming is emulated: a typing
 * activity with a `streaminfo` entity and no streamId starts a stream (201, id = stream id); later updates
 * answer 202 `{}`; the final message (streamType "final") 201 `{id: streamId}`. Protocol rules checked and
 * reported in `violations`: sequence starts at 1 and increases, no sequence on the final, streamed text
 * extends the previous text, at most one request per second per stream, no update after the final.
 *
 * Scripting: `failNext` queues HTTP failures (429 with Retry-After, 403, 5xx, 3xx with a Location…) for the next matching
 * requests; `stopStreamAfter(n)` makes Teams answer 403 ContentStreamNotAllowed to a stream's requests after
 * n streaming updates (the user pressed Stop); `requireToken` makes every connector call need that bearer.
 *
 * Files: `serveFile` publishes bytes at `{serviceUrl}files/{id}/{name}` (GET), like the pre-authenticated
 * `downloadUrl` of a Teams file.download.info attachment (or, with `token`, like an attachment `contentUrl`
 * that needs the bot's connector token). The body is written in 64 KiB chunks with back-pressure, so a client
 * that stops reading leaves most of a large file unsent; `downloads` records what was actually written.
 */
import { generateKeyPairSync, randomUUID, sign, type KeyObject } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface ConnectorCall {
  method: string;
  path: string;
  conversationId: string;
  /** Activity id in the path (replies and updates). */
  activityId?: string;
  headers: Record<string, string>;
  body: Record<string, unknown>;
  /** ms since epoch. */
  at: number;
  /** Status answered. */
  status: number;
  /** Body answered (`{id}` for a posted activity). */
  response: unknown;
}

export interface InjectedFailure {
  status: number;
  /** Seconds, sent as Retry-After. */
  retryAfter?: number;
  code?: string;
  message?: string;
  /** Only requests for which this returns true consume the failure (default: any). */
  match?: (call: Omit<ConnectorCall, 'status' | 'response'>) => boolean;
  /** Location header, for a redirect (3xx). */
  location?: string;
}

export interface StreamRecord {
  id: string;
  conversationId: string;
  sequences: number[];
  texts: string[];
  finalText?: string;
  stopped: boolean;
}

export interface ServedFile {
  body: Buffer;
  /** Send no Content-Length (chunked), so the client only learns the size by reading. */
  omitContentLength?: boolean;
  /** Bearer token required (else 401). */
  token?: string;
  /** Status to answer instead of the file. */
  status?: number;
}

export interface FileDownload {
  path: string;
  headers: Record<string, string>;
  status: number;
  /** Body bytes written to the socket before it ended or was closed by the client. */
  bytesSent: number;
  /** Whether the whole body was written. */
  completed: boolean;
}

export interface FakeBotConnector {
  /** http://127.0.0.1:{port}/ — use as the activities' serviceUrl. */
  readonly serviceUrl: string;
  readonly calls: ConnectorCall[];
  readonly streams: Map<string, StreamRecord>;
  readonly violations: string[];
  failNext(...failures: InjectedFailure[]): void;
  /** Publishes a file; returns its URL on this server. */
  serveFile(name: string, file: ServedFile): string;
  /** File GET requests received, in order (updated as bytes are written). */
  readonly downloads: FileDownload[];
  stopStreamAfter(updates: number | undefined): void;
  requireToken(token: string | undefined): void;
  /**
   * Makes the channel's signing keys unreachable until called again without argument: `refused` (the key
   * set's host refuses connections), `dns` (its name does not resolve), `metadata-503` (the OpenID document
   * answers 503), `keys-502` (the key set answers 502), `garbage` (the key set is not JSON).
   */
  keysOutage(kind?: KeysOutage): void;
  /** Message activities posted (final stream messages included), optionally for one conversation. */
  messages(conversationId?: string): ConnectorCall[];
  waitFor(predicate: (calls: ConnectorCall[]) => boolean, timeoutMs?: number): Promise<void>;
  /** OpenID metadata URL for ToBotFromChannelOpenIdMetadataUrl. */
  readonly openIdMetadataUrl: string;
  readonly tokenIssuer: string;
  /** A channel JWT signed with this service's key (audience = bot app id, serviceurl claim). */
  issueToken(claims: { appId: string; serviceUrl?: string; expiresInSeconds?: number; issuer?: string; signingKey?: KeyObject }): string;
  /** POSTs an activity to the bot like the Teams service does. */
  deliver(botUrl: string, activity: unknown, options?: { token?: string; rawBody?: string; headers?: Record<string, string> }): Promise<{ status: number; body: string }>;
  close(): Promise<void>;
}

const ISSUER = 'https://api.botframework.com';

export type KeysOutage = 'refused' | 'dns' | 'metadata-503' | 'keys-502' | 'garbage';

export async function startFakeBotConnector(): Promise<FakeBotConnector> {
  const calls: ConnectorCall[] = [];
  const streams = new Map<string, StreamRecord>();
  const lastStreamRequestAt = new Map<string, number>();
  const violations: string[] = [];
  const failures: InjectedFailure[] = [];
  const sockets = new Set<Socket>();
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const kid = `kid-${randomUUID()}`;
  const files = new Map<string, ServedFile>();
  const downloads: FileDownload[] = [];
  let stopAfter: number | undefined;
  let token: string | undefined;
  let outage: KeysOutage | undefined;
  let counter = 0;
  let port = 0;

  const respond = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
    res.end(JSON.stringify(body));
  };
  const connectorError = (code: string, message: string) => ({ error: { code, message } });

  const streamInfo = (body: Record<string, unknown>) =>
    ((body.entities as Array<Record<string, unknown>> | undefined) ?? []).find((entity) => entity.type === 'streaminfo');

  /** Teams streaming rules; returns the answer, or undefined when the activity is not part of a stream. */
  const stream = (call: Omit<ConnectorCall, 'status' | 'response'>): { status: number; body: unknown } | undefined => {
    const info = streamInfo(call.body);
    if (!info) return undefined;
    const streamId = typeof info.streamId === 'string' ? info.streamId : undefined;
    const type = String(info.streamType ?? 'streaming');
    const text = typeof call.body.text === 'string' ? call.body.text : '';
    if (!streamId) {
      if (call.body.type !== 'typing') violations.push('a stream must start with a typing activity');
      if (info.streamSequence !== 1) violations.push(`first stream request with sequence ${String(info.streamSequence)}`);
      if (!text) violations.push('start streaming activities should include text');
      const id = `stream-${++counter}`;
      streams.set(id, { id, conversationId: call.conversationId, sequences: [1], texts: [], stopped: false });
      lastStreamRequestAt.set(id, call.at);
      return { status: 201, body: { id } };
    }
    const record = streams.get(streamId);
    if (!record) return { status: 400, body: connectorError('BadArgument', `Unknown stream ${streamId}`) };
    const previousAt = lastStreamRequestAt.get(streamId) ?? 0;
    if (call.at - previousAt < 950) violations.push(`stream ${streamId}: two requests ${call.at - previousAt} ms apart`);
    lastStreamRequestAt.set(streamId, call.at);
    if (record.finalText !== undefined) violations.push(`stream ${streamId}: request after the final message`);
    if (record.stopped) return { status: 403, body: connectorError('ContentStreamNotAllowed', 'Content stream is not allowed on an already completed streamed message') };
    if (type === 'final') {
      if (call.body.type !== 'message') violations.push('final stream activity must be a message');
      if (info.streamSequence !== undefined) violations.push('final stream activity must not carry streamSequence');
      record.finalText = text;
      return { status: 201, body: { id: streamId } };
    }
    const sequence = Number(info.streamSequence);
    if (!(sequence > (record.sequences.at(-1) ?? 0))) violations.push(`stream ${streamId}: sequence ${sequence} after ${String(record.sequences.at(-1))}`);
    record.sequences.push(sequence);
    if (type === 'streaming') {
      const previous = record.texts.at(-1) ?? '';
      if (!text.startsWith(previous)) violations.push(`stream ${streamId}: streamed text does not extend the previous one`);
      record.texts.push(text);
      if (stopAfter !== undefined && record.texts.length >= stopAfter) record.stopped = true;
    }
    return { status: 202, body: {} };
  };

  const handle = (req: IncomingMessage, res: ServerResponse, raw: string) => {
    const url = new URL(req.url ?? '/', `http://127.0.0.1:${port}`);
    if (url.pathname === '/v1/.well-known/openidconfiguration') {
      if (outage === 'metadata-503') return respond(res, 503, connectorError('ServiceUnavailable', 'Injected outage'));
      const keysAt = outage === 'refused' ? `http://127.0.0.1:${closedPort}/keys` : outage === 'dns' ? 'http://passerelle-keys.invalid/keys' : `http://127.0.0.1:${port}/v1/.well-known/keys`;
      return respond(res, 200, { issuer: ISSUER, jwks_uri: keysAt, id_token_signing_alg_values_supported: ['RS256'] });
    }
    if (url.pathname === '/v1/.well-known/keys') {
      if (outage === 'keys-502') return respond(res, 502, connectorError('BadGateway', 'Injected outage'));
      if (outage === 'garbage') {
        res.writeHead(200, { 'content-type': 'text/html' });
        return void res.end('<html>proxy error</html>');
      }
      const jwk = publicKey.export({ format: 'jwk' });
      return respond(res, 200, { keys: [{ kty: 'RSA', use: 'sig', kid, n: jwk.n, e: jwk.e, endorsements: ['msteams', 'emulator'] }] });
    }
    if (req.method === 'GET' && files.has(url.pathname)) return serve(req, res, url.pathname, files.get(url.pathname)!);
    const match = /^\/v3\/conversations\/([^/]+)\/activities(?:\/([^/]+))?$/.exec(url.pathname);
    if (!match) return respond(res, 404, connectorError('NotFound', 'Unknown route'));
    let body: Record<string, unknown> = {};
    try {
      body = raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
    } catch {
      return respond(res, 400, connectorError('BadSyntax', 'Invalid JSON'));
    }
    const call: Omit<ConnectorCall, 'status' | 'response'> = {
      method: req.method ?? '',
      path: url.pathname,
      conversationId: decodeURIComponent(match[1] ?? ''),
      ...(match[2] ? { activityId: decodeURIComponent(match[2]) } : {}),
      headers: Object.fromEntries(Object.entries(req.headers).map(([name, value]) => [name, String(value)])),
      body,
      at: Date.now(),
    };
    const finish = (status: number, answer: unknown, headers: Record<string, string> = {}) => {
      calls.push({ ...call, status, response: answer });
      respond(res, status, answer, headers);
    };
    if (token !== undefined && call.headers.authorization !== `Bearer ${token}`) return finish(401, connectorError('Unauthorized', 'Authorization has been denied for this request.'));
    const failureIndex = failures.findIndex((failure) => !failure.match || failure.match(call));
    if (failureIndex >= 0) {
      const [failure] = failures.splice(failureIndex, 1) as [InjectedFailure];
      return finish(failure.status, connectorError(failure.code ?? defaultCode(failure.status), failure.message ?? 'Injected failure'), {
        ...(failure.retryAfter !== undefined ? { 'retry-after': String(failure.retryAfter) } : {}),
        ...(failure.location !== undefined ? { location: failure.location } : {}),
      });
    }
    if (call.method === 'POST') {
      const streamed = stream(call);
      if (streamed) return finish(streamed.status, streamed.body);
      return finish(201, { id: `activity-${++counter}` });
    }
    if (call.method === 'PUT' && call.activityId) return finish(200, { id: call.activityId });
    return finish(405, connectorError('MethodNotAllowed', 'Unsupported method'));
  };

  const serve = (req: IncomingMessage, res: ServerResponse, path: string, file: ServedFile) => {
    const record: FileDownload = { path, headers: Object.fromEntries(Object.entries(req.headers).map(([name, value]) => [name, String(value)])), status: 200, bytesSent: 0, completed: false };
    downloads.push(record);
    if (file.token !== undefined && record.headers.authorization !== `Bearer ${file.token}`) {
      record.status = 401;
      return respond(res, 401, connectorError('Unauthorized', 'Authorization has been denied for this request.'));
    }
    if (file.status !== undefined && file.status !== 200) {
      record.status = file.status;
      return respond(res, file.status, connectorError(defaultCode(file.status), 'Injected failure'));
    }
    res.writeHead(200, { 'content-type': 'application/octet-stream', ...(file.omitContentLength ? {} : { 'content-length': String(file.body.length) }) });
    let offset = 0;
    let closed = false;
    res.on('close', () => (closed = true));
    const pump = () => {
      while (!closed && offset < file.body.length) {
        const chunk = file.body.subarray(offset, offset + 64 * 1024);
        offset += chunk.length;
        record.bytesSent = offset;
        if (!res.write(chunk)) return void res.once('drain', pump);
      }
      if (!closed) {
        record.completed = true;
        res.end();
      }
    };
    pump();
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => handle(req, res, Buffer.concat(chunks).toString('utf8')));
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
  // A port nothing listens on (taken, then released), for the `refused` outage.
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const closedPort = (probe.address() as AddressInfo).port;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  const serviceUrl = `http://127.0.0.1:${port}/`;

  const connector: FakeBotConnector = {
    serviceUrl,
    calls,
    streams,
    violations,
    openIdMetadataUrl: `http://127.0.0.1:${port}/v1/.well-known/openidconfiguration`,
    tokenIssuer: ISSUER,
    failNext: (...next) => void failures.push(...next),
    downloads,
    serveFile(name, file) {
      const path = `/files/${randomUUID()}/${encodeURIComponent(name)}`;
      files.set(path, file);
      return `http://127.0.0.1:${port}${path}`;
    },
    stopStreamAfter: (updates) => void (stopAfter = updates),
    requireToken: (value) => void (token = value),
    keysOutage: (kind) => void (outage = kind),
    messages: (conversationId) => calls.filter((call) => call.body.type === 'message' && call.status < 300 && (!conversationId || call.conversationId === conversationId)),
    async waitFor(predicate, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      while (!predicate(calls)) {
        if (Date.now() > deadline) throw new Error(`timed out waiting for connector calls; got ${calls.length}: ${calls.map((call) => `${call.method} ${String(call.body.type)} ${call.status}`).join(', ')}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
    issueToken({ appId, serviceUrl: claimUrl = serviceUrl, expiresInSeconds = 3600, issuer = ISSUER, signingKey = privateKey }) {
      const now = Math.floor(Date.now() / 1000);
      const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
      const unsigned = `${encode({ alg: 'RS256', typ: 'JWT', kid })}.${encode({ iss: issuer, aud: appId, serviceurl: claimUrl, nbf: now - 60, iat: now - 60, exp: now + expiresInSeconds })}`;
      return `${unsigned}.${sign('sha256', Buffer.from(unsigned), signingKey).toString('base64url')}`;
    },
    async deliver(botUrl, activity, options = {}) {
      const response = await fetch(new URL('/api/messages', botUrl), {
        method: 'POST',
        headers: { 'content-type': 'application/json; charset=utf-8', ...(options.token ? { authorization: `Bearer ${options.token}` } : {}), ...options.headers },
        body: options.rawBody ?? JSON.stringify(activity),
      });
      return { status: response.status, body: await response.text() };
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return connector;
}

/** A private key unknown to the fake's key set (to forge tokens the bot must refuse). */
export function foreignSigningKey(): KeyObject {
  return generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
}

function defaultCode(status: number): string {
  if (status === 429) return 'TooManyRequests';
  if (status === 403) return 'BotDisabledByAdmin';
  if (status === 412) return 'PreconditionFailed';
  return status >= 500 ? 'ServiceError' : 'BadArgument';
}
