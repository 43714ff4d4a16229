/**
 * A fake Matrix homeserver on 127.0.0.1 speaking the part of the client-server API that matrix-js-sdk and
 * its Rust crypto use, so that real clients exchange end-to-end encrypted messages through it in tests.
 * Single process, in memory, no federation. Tests can inject faults (rate limits, dropped connections),
 * replay a device's sync from an old position, deliver an event twice, and inject raw events.
 *
 * @module
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { MatrixHttpError, Router, readJson, stripVersion, type Json } from './http-router.ts';
import { accountRoutes, type AccountStats, type SyncReplays } from './routes-account.ts';
import { keyRoutes } from './routes-keys.ts';
import { createMediaStore, handleMedia, type MediaStore } from './routes-media.ts';
import { roomRoutes, type RoomLog } from './routes-rooms.ts';
import { HomeserverState, type ClientEvent, type Device } from './state.ts';

export type { ClientEvent, Device } from './state.ts';
export { HomeserverState } from './state.ts';
export type { MediaStore, StoredMedia } from './routes-media.ts';

/** One request as received, for assertions. */
export interface RecordedRequest {
  method: string;
  /** Path without the API version prefix nor query string. */
  path: string;
  query: string;
  userId?: string;
  deviceId?: string;
  status: number;
  at: number;
  body: Json;
}

/** A fault applied to the next matching requests. */
export interface Fault {
  method?: string;
  path: RegExp;
  /** Respond with this status and body, or drop the connection. */
  respond: { status: number; body: Json } | 'drop';
  times: number;
  /** Only for requests of this user. */
  userId?: string;
}

/** A running fake homeserver and its test controls. */
export interface FakeHomeserver {
  url: string;
  serverName: string;
  state: HomeserverState;
  requests: RecordedRequest[];
  stats: AccountStats;
  log: RoomLog;
  /** Uploaded files and media switches (authenticated media on/off, Content-Length on/off). */
  media: MediaStore;
  /** Requests that matched no route (what the SDK used that the fake lacks). */
  unknown: string[];
  registerUser(userId: string, password: string, displayName?: string): void;
  addFault(fault: Fault): void;
  /** The next /sync of this device is answered as if `since` were `pos`. */
  replaySyncFrom(deviceId: string, pos: number): void;
  /** Adds an event to a room as if `sender` had sent it (no auth, no validation): raw injection. */
  injectEvent(roomId: string, event: { type: string; sender: string; content: unknown; state_key?: string }): ClientEvent;
  /** Devices of a user. */
  devices(userId: string): Device[];
  /** Cuts every open connection of a user (in-flight long-polls fail like a network outage). */
  disconnect(userId: string): void;
  close(): Promise<void>;
}

/** Starts a fake homeserver on 127.0.0.1 (random port); `close()` ends long-polls and connections. */
export async function startFakeHomeserver(options: { serverName?: string } = {}): Promise<FakeHomeserver> {
  const serverName = options.serverName ?? 'test.local';
  const state = new HomeserverState(serverName);
  const router = new Router();
  const stats: AccountStats = { logins: [] };
  const log: RoomLog = { typing: [], receipts: [] };
  const replays: SyncReplays = new Map();
  const requests: RecordedRequest[] = [];
  const unknown: string[] = [];
  const faults: Fault[] = [];
  const media = createMediaStore();
  const sockets = new Map<string, Set<Socket>>();
  const auth = (request: { accessToken: string | undefined }): Device => {
    const device = state.deviceByToken(request.accessToken);
    if (!device) throw new MatrixHttpError(401, 'M_UNKNOWN_TOKEN', 'Invalid access token passed.', { soft_logout: false });
    return device;
  };
  accountRoutes(router, state, auth, stats, replays);
  roomRoutes(router, state, auth, log);
  keyRoutes(router, state, auth);

  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const path = stripVersion(url.pathname);
    const method = request.method ?? 'GET';
    const header = request.headers.authorization;
    const accessToken = header?.startsWith('Bearer ') ? header.slice(7) : (url.searchParams.get('access_token') ?? undefined);
    const device = state.deviceByToken(accessToken);
    const record: RecordedRequest = { method, path, query: url.search, status: 200, at: Date.now(), body: {}, ...(device ? { userId: device.userId, deviceId: device.deviceId } : {}) };
    requests.push(record);
    if (device) {
      const owned = sockets.get(device.userId) ?? new Set<Socket>();
      if (!owned.has(request.socket)) request.socket.once('close', () => owned.delete(request.socket));
      owned.add(request.socket);
      sockets.set(device.userId, owned);
    }
    const closed = new Promise<void>((resolve) => response.on('close', () => resolve()));
    const reply = (status: number, body: unknown): void => {
      record.status = status;
      if (response.writableEnded || response.destroyed) return;
      response.writeHead(status, { 'content-type': 'application/json', 'access-control-allow-origin': '*' });
      response.end(JSON.stringify(body));
    };
    try {
      if (await handleMedia(request, response, url, device, state, media, record)) return;
      record.body = await readJson(request);
      const fault = faults.find((entry) => entry.times > 0 && (!entry.method || entry.method === method) && entry.path.test(path) && (!entry.userId || entry.userId === device?.userId));
      if (fault) {
        fault.times -= 1;
        if (fault.respond === 'drop') {
          record.status = 0;
          request.socket.destroy();
          return;
        }
        return reply(fault.respond.status, fault.respond.body);
      }
      if (method === 'OPTIONS') return reply(200, {});
      const matched = router.match(method, path);
      if (!matched) {
        unknown.push(`${method} ${path}`);
        throw new MatrixHttpError(404, 'M_UNRECOGNIZED', 'Unrecognized request');
      }
      const body = await matched.handler({ method, path, params: matched.params, query: url.searchParams, body: record.body, headers: request.headers, accessToken, closed });
      reply(200, body);
    } catch (error) {
      if (error instanceof MatrixHttpError) reply(error.status, error.toBody());
      else reply(500, { errcode: 'M_UNKNOWN', error: error instanceof Error ? error.message : String(error) });
    }
  };

  const server = createServer((request, response) => void handle(request, response));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    serverName,
    state,
    requests,
    stats,
    log,
    media,
    unknown,
    registerUser: (userId, password, displayName) => void state.addAccount(userId, password, displayName),
    addFault: (fault) => void faults.push(fault),
    replaySyncFrom: (deviceId, pos) => void replays.set(deviceId, pos),
    injectEvent(roomId, event) {
      const room = state.room(roomId);
      return state.appendEvent(room, { type: event.type, sender: event.sender, content: event.content as Json, ...(event.state_key !== undefined ? { state_key: event.state_key } : {}) });
    },
    devices: (userId) => [...state.account(userId).devices.values()],
    disconnect(userId) {
      for (const socket of sockets.get(userId) ?? []) socket.destroy();
      sockets.get(userId)?.clear();
    },
    async close() {
      state.wakeAll();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
