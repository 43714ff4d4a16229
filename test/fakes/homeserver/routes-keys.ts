/**
 * End-to-end encryption endpoints of the fake homeserver: device and one-time keys (upload, query, claim,
 * changes), to-device messages, cross-signing (with user-interactive auth by password) and server-side key
 * backup (room_keys). The server only stores and relays JSON; all cryptography happens in the clients.
 *
 * @module
 */
import { MatrixHttpError, type Json, type Router } from './http-router.ts';
import type { Authenticate } from './routes-account.ts';
import type { Account, HomeserverState, KeyBackup } from './state.ts';

/** Registers the end-to-end encryption routes (keys, to-device, cross-signing, backup). */
export function keyRoutes(router: Router, state: HomeserverState, auth: Authenticate): void {
  router
    .on('POST /keys/upload', (request) => {
      const device = auth(request);
      const body = request.body;
      const deviceKeys = body.device_keys as Json | undefined;
      if (deviceKeys) {
        const changed = JSON.stringify(deviceKeys) !== JSON.stringify(device.deviceKeys);
        device.deviceKeys = deviceKeys;
        if (changed) state.noteDeviceListChange(device.userId);
      }
      for (const [keyId, key] of Object.entries((body.one_time_keys ?? {}) as Json)) device.oneTimeKeys.set(keyId, key as Json);
      const fallback = (body.fallback_keys ?? body['org.matrix.msc2732.fallback_keys']) as Json | undefined;
      if (fallback && Object.keys(fallback).length > 0) {
        device.fallbackKeys.clear();
        for (const [keyId, key] of Object.entries(fallback)) device.fallbackKeys.set(keyId, key as Json);
      }
      return { one_time_key_counts: { signed_curve25519: device.oneTimeKeys.size } };
    })
    .on('POST /keys/query', (request) => {
      const requester = auth(request);
      const wanted = (request.body.device_keys ?? {}) as Record<string, string[]>;
      const deviceKeys: Json = {};
      const master: Json = {};
      const selfSigning: Json = {};
      const userSigning: Json = {};
      for (const [userId, deviceIds] of Object.entries(wanted)) {
        const account = state.accounts.get(userId);
        if (!account) continue;
        const devices: Json = {};
        for (const device of account.devices.values()) {
          if (!device.deviceKeys || (Array.isArray(deviceIds) && deviceIds.length > 0 && !deviceIds.includes(device.deviceId))) continue;
          devices[device.deviceId] = { ...device.deviceKeys, unsigned: { device_display_name: device.displayName } };
        }
        deviceKeys[userId] = devices;
        if (account.crossSigning.master) master[userId] = account.crossSigning.master;
        if (account.crossSigning.self_signing) selfSigning[userId] = account.crossSigning.self_signing;
        if (account.crossSigning.user_signing && userId === requester.userId) userSigning[userId] = account.crossSigning.user_signing;
      }
      return { device_keys: deviceKeys, master_keys: master, self_signing_keys: selfSigning, user_signing_keys: userSigning, failures: {} };
    })
    .on('POST /keys/claim', (request) => {
      auth(request);
      const wanted = (request.body.one_time_keys ?? {}) as Record<string, Record<string, string>>;
      const claimed: Json = {};
      for (const [userId, devices] of Object.entries(wanted)) {
        const account = state.accounts.get(userId);
        const perUser: Json = {};
        for (const [deviceId, algorithm] of Object.entries(devices)) {
          const device = account?.devices.get(deviceId);
          if (!device) continue;
          const take = (keys: Map<string, Json>, consume: boolean): [string, Json] | undefined => {
            const entry = [...keys.entries()].find(([keyId]) => keyId.startsWith(`${algorithm}:`));
            if (entry && consume) keys.delete(entry[0]);
            return entry;
          };
          const key = take(device.oneTimeKeys, true) ?? take(device.fallbackKeys, false);
          if (key) perUser[deviceId] = { [key[0]]: key[1] };
        }
        claimed[userId] = perUser;
      }
      return { one_time_keys: claimed, failures: {} };
    })
    .on('GET /keys/changes', (request) => {
      const device = auth(request);
      const from = Number(request.query.get('from') ?? 0);
      const to = Number(request.query.get('to') ?? state.pos);
      const changed = state.deviceListChanges.filter((change) => change.pos > from && change.pos <= to && state.shareRoom(device.userId, change.userId)).map((change) => change.userId);
      return { changed: [...new Set(changed)], left: [] };
    })
    .on('POST /keys/device_signing/upload', (request) => {
      const device = auth(request);
      const account = state.account(device.userId);
      requireAuth(account, request.body.auth as Json | undefined);
      for (const kind of ['master_key', 'self_signing_key', 'user_signing_key'] as const) {
        const key = request.body[kind] as Json | undefined;
        if (key) account.crossSigning[kind.replace('_key', '') as 'master' | 'self_signing' | 'user_signing'] = key;
      }
      state.noteDeviceListChange(account.userId);
      return {};
    })
    .on('POST /keys/signatures/upload', (request) => {
      auth(request);
      for (const [userId, signed] of Object.entries(request.body as Record<string, Json>)) {
        const account = state.accounts.get(userId);
        if (!account) continue;
        for (const [keyId, object] of Object.entries(signed as Record<string, Json>)) mergeSignatures(account, keyId, object);
        state.noteDeviceListChange(userId);
      }
      return { failures: {} };
    })
    .on('PUT /sendToDevice/{type}/{txnId}', (request) => {
      const sender = auth(request);
      const key = `todevice:${request.params.txnId}`;
      if (sender.txns.has(key)) return {};
      sender.txns.set(key, {});
      const messages = (request.body.messages ?? {}) as Record<string, Record<string, Json>>;
      for (const [userId, byDevice] of Object.entries(messages)) {
        const account = state.accounts.get(userId);
        if (!account) continue;
        for (const [deviceId, content] of Object.entries(byDevice)) {
          const targets = deviceId === '*' ? [...account.devices.values()] : [account.devices.get(deviceId)].filter((device) => device !== undefined);
          for (const target of targets) state.deliverToDevice(target, { type: request.params.type, sender: sender.userId, content });
        }
      }
      return {};
    });
  backupRoutes(router, state, auth);
}

function requireAuth(account: Account, authData: Json | undefined): void {
  if (!account.crossSigning.master && !authData) return;
  const identifier = (authData?.identifier ?? {}) as Json;
  const user = String(identifier.user ?? authData?.user ?? '');
  const matches = user === account.userId || `@${user}:${account.userId.split(':').slice(1).join(':')}` === account.userId;
  if (authData?.type === 'm.login.password' && matches && authData.password === account.password) return;
  throw new MatrixHttpError(401, 'M_FORBIDDEN', 'authentication required', { flows: [{ stages: ['m.login.password'] }], params: {}, session: 'uia-session', completed: [] });
}

function mergeSignatures(account: Account, keyId: string, object: Json): void {
  const signatures = (object.signatures ?? {}) as Record<string, Json>;
  const merge = (target: Json): void => {
    const existing = (target.signatures ?? {}) as Record<string, Json>;
    for (const [signer, values] of Object.entries(signatures)) existing[signer] = { ...(existing[signer] ?? {}), ...values };
    target.signatures = existing;
  };
  const device = account.devices.get(keyId);
  if (device?.deviceKeys) return merge(device.deviceKeys);
  for (const key of Object.values(account.crossSigning)) {
    if (key && Object.values((key.keys ?? {}) as Json).includes(keyId)) merge(key);
  }
}

function backupRoutes(router: Router, state: HomeserverState, auth: Authenticate): void {
  const current = (account: Account): KeyBackup | undefined => account.backups.at(-1);
  const info = (backup: KeyBackup): Json => ({
    algorithm: backup.algorithm,
    auth_data: backup.authData,
    version: backup.version,
    etag: String(backup.etag),
    count: [...backup.keys.values()].reduce((sum, sessions) => sum + sessions.size, 0),
  });
  const byVersion = (account: Account, version: string | null | undefined): KeyBackup => {
    const backup = current(account);
    if (!backup) throw new MatrixHttpError(404, 'M_NOT_FOUND', 'No current backup version');
    if (version && version !== backup.version) throw new MatrixHttpError(403, 'M_WRONG_ROOM_KEYS_VERSION', 'Wrong backup version', { current_version: backup.version });
    return backup;
  };
  router
    .on('GET /room_keys/version', (request) => info(byVersion(state.account(auth(request).userId), undefined)))
    .on('GET /room_keys/version/{version}', (request) => {
      const backup = state.account(auth(request).userId).backups.find((entry) => entry.version === request.params.version);
      if (!backup) throw new MatrixHttpError(404, 'M_NOT_FOUND', 'Unknown backup version');
      return info(backup);
    })
    .on('POST /room_keys/version', (request) => {
      const account = state.account(auth(request).userId);
      const version = String(account.backups.length + 1);
      account.backups.push({ version, algorithm: String(request.body.algorithm), authData: (request.body.auth_data ?? {}) as Json, keys: new Map(), etag: 0 });
      return { version };
    })
    .on('PUT /room_keys/version/{version}', (request) => {
      const backup = byVersion(state.account(auth(request).userId), request.params.version);
      backup.authData = (request.body.auth_data ?? backup.authData) as Json;
      return {};
    })
    .on('DELETE /room_keys/version/{version}', (request) => {
      const account = state.account(auth(request).userId);
      account.backups = account.backups.filter((entry) => entry.version !== request.params.version);
      return {};
    })
    .on('PUT /room_keys/keys', (request) => {
      const backup = byVersion(state.account(auth(request).userId), request.query.get('version'));
      for (const [roomId, room] of Object.entries((request.body.rooms ?? {}) as Record<string, Json>)) {
        const sessions = backup.keys.get(roomId) ?? new Map<string, Json>();
        for (const [sessionId, data] of Object.entries((room.sessions ?? {}) as Json)) sessions.set(sessionId, data as Json);
        backup.keys.set(roomId, sessions);
      }
      backup.etag += 1;
      return { etag: String(backup.etag), count: info(backup).count as number };
    })
    .on('GET /room_keys/keys', (request) => {
      const backup = byVersion(state.account(auth(request).userId), request.query.get('version'));
      const rooms: Json = {};
      for (const [roomId, sessions] of backup.keys) rooms[roomId] = { sessions: Object.fromEntries(sessions) };
      return { rooms };
    })
    .on('GET /room_keys/keys/{roomId}/{sessionId}', (request) => {
      const backup = byVersion(state.account(auth(request).userId), request.query.get('version'));
      const data = backup.keys.get(request.params.roomId as string)?.get(request.params.sessionId as string);
      if (!data) throw new MatrixHttpError(404, 'M_NOT_FOUND', 'No room_keys found');
      return data;
    });
}
