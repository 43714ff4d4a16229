/**
 * Account-level endpoints of the fake homeserver: versions, login, whoami, capabilities, push rules,
 * filters, profile, account data, devices, presence and the sync endpoint itself.
 *
 * @module
 */
import { MatrixHttpError, type Json, type RouteRequest, type Router } from './http-router.ts';
import type { Device, HomeserverState } from './state.ts';
import { longPollSync } from './sync.ts';

/** Resolves the device of an authenticated request. */
export type Authenticate = (request: RouteRequest) => Device;

/** Counters tests read (a restart must not log in again). */
export interface AccountStats {
  logins: Array<{ userId: string; deviceId: string }>;
}

/** Sync positions forced by a test for a device's next /sync (a homeserver replaying old events). */
export type SyncReplays = Map<string, number>;

/** Registers the account-level routes. */
export function accountRoutes(router: Router, state: HomeserverState, auth: Authenticate, stats: AccountStats, replays: SyncReplays): void {
  router
    .on('GET /_matrix/client/versions', () => ({
      versions: ['r0.6.1', 'v1.1', 'v1.2', 'v1.3', 'v1.4', 'v1.5', 'v1.6', 'v1.7', 'v1.8', 'v1.9', 'v1.10', 'v1.11', 'v1.12'],
      unstable_features: {},
    }))
    .on('GET /login', () => ({ flows: [{ type: 'm.login.password' }] }))
    .on('POST /login', ({ body }) => {
      if (body.type !== 'm.login.password') throw new MatrixHttpError(400, 'M_UNKNOWN', 'unsupported login type');
      const identifier = (body.identifier ?? {}) as Json;
      const name = String(identifier.user ?? body.user ?? '');
      const userId = name.startsWith('@') ? name : `@${name}:${state.serverName}`;
      const account = state.accounts.get(userId);
      if (!account || account.password !== body.password) throw new MatrixHttpError(403, 'M_FORBIDDEN', 'Invalid username or password');
      const device = state.addDevice(account, typeof body.device_id === 'string' ? body.device_id : undefined);
      if (typeof body.initial_device_display_name === 'string') device.displayName = body.initial_device_display_name;
      stats.logins.push({ userId, deviceId: device.deviceId });
      return { user_id: userId, access_token: device.accessToken, device_id: device.deviceId, home_server: state.serverName };
    })
    .on('POST /logout', (request) => {
      const device = auth(request);
      device.accessToken = state.newId('revoked_', 12);
      return {};
    })
    .on('GET /account/whoami', (request) => {
      const device = auth(request);
      return { user_id: device.userId, device_id: device.deviceId, is_guest: false };
    })
    .on('GET /capabilities', (request) => {
      auth(request);
      return { capabilities: { 'm.change_password': { enabled: false }, 'm.room_versions': { default: '10', available: { '10': 'stable', '11': 'stable' } } } };
    })
    .on('GET /pushrules/', (request) => {
      auth(request);
      return { global: { override: [], content: [], room: [], sender: [], underride: [] } };
    })
    .on('GET /media/config', () => ({ 'm.upload.size': 10_000_000 }))
    .on('POST /user/{userId}/filter', (request) => {
      const account = state.account(auth(request).userId);
      account.filters.push(request.body);
      return { filter_id: String(account.filters.length - 1) };
    })
    .on('GET /user/{userId}/filter/{filterId}', (request) => {
      const filter = state.account(auth(request).userId).filters[Number(request.params.filterId)];
      if (!filter) throw new MatrixHttpError(404, 'M_NOT_FOUND', 'no such filter');
      return filter;
    })
    .on('PUT /user/{userId}/account_data/{type}', (request) => {
      const device = auth(request);
      if (device.userId !== request.params.userId) throw new MatrixHttpError(403, 'M_FORBIDDEN', 'not your account data');
      state.setAccountData(state.account(device.userId), request.params.type as string, request.body);
      return {};
    })
    .on('GET /user/{userId}/account_data/{type}', (request) => {
      const entry = state.account(auth(request).userId).accountData.get(request.params.type as string);
      if (!entry) throw new MatrixHttpError(404, 'M_NOT_FOUND', 'account data not found');
      return entry.content;
    })
    .on('PUT /user/{userId}/rooms/{roomId}/account_data/{type}', (request) => {
      auth(request);
      return {};
    })
    .on('GET /profile/{userId}', ({ params }) => ({ displayname: state.account(params.userId as string).displayName }))
    .on('GET /profile/{userId}/displayname', ({ params }) => ({ displayname: state.account(params.userId as string).displayName }))
    .on('PUT /profile/{userId}/displayname', (request) => {
      const device = auth(request);
      state.account(device.userId).displayName = String(request.body.displayname ?? '');
      return {};
    })
    .on('PUT /presence/{userId}/status', (request) => {
      auth(request);
      return {};
    })
    .on('GET /devices', (request) => {
      const account = state.account(auth(request).userId);
      return { devices: [...account.devices.values()].map((device) => ({ device_id: device.deviceId, display_name: device.displayName })) };
    })
    .on('PUT /devices/{deviceId}', (request) => {
      const device = state.account(auth(request).userId).devices.get(request.params.deviceId as string);
      if (!device) throw new MatrixHttpError(404, 'M_NOT_FOUND', 'no such device');
      if (typeof request.body.display_name === 'string') device.displayName = request.body.display_name;
      return {};
    })
    .on('GET /sync', async (request) => {
      const device = auth(request);
      const forced = replays.get(device.deviceId);
      replays.delete(device.deviceId);
      const sinceParam = request.query.get('since');
      const since = forced ?? (sinceParam && request.query.get('full_state') !== 'true' ? Number(sinceParam) : undefined);
      const timeout = Math.min(Number(request.query.get('timeout') ?? 0) || 0, 30_000);
      return longPollSync(state, device, { since: Number.isFinite(since) ? since : undefined, timeoutMs: timeout, timelineLimit: timelineLimit(state, device, request.query.get('filter')), closed: request.closed });
    });
}

function timelineLimit(state: HomeserverState, device: Device, filter: string | null): number {
  let parsed: Json | undefined;
  if (filter && /^\d+$/.test(filter)) parsed = state.account(device.userId).filters[Number(filter)];
  else if (filter) {
    try {
      parsed = JSON.parse(filter) as Json;
    } catch {
      parsed = undefined;
    }
  }
  const limit = ((parsed?.room as Json | undefined)?.timeline as Json | undefined)?.limit;
  return typeof limit === 'number' && limit > 0 ? limit : 20;
}
