import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ClientEvent, SyncState, type MatrixClient } from 'matrix-js-sdk';
import { decodeRecoveryKey } from 'matrix-js-sdk/lib/crypto-api/index.js';
import { PasserelleError } from '../../bots/errors.ts';
import type { Logger } from '../../bots/logger.ts';
import type { Config } from '../../config/schema.ts';
import { createMatrixRuntime, type MatrixRuntime } from './client-factory.ts';
import { RECOVERY_KEY_FILE, RecoveryKeyStore, restoreFromSecretStorage, type RestoreReport } from './crypto-setup.ts';
import { passwordLogin } from './password-login.ts';
import { ProcessLock } from './process-lock.ts';
import { ensurePrivateDir } from './secure-file.ts';
import { establishSession, SESSION_FILE, verifySession } from './session.ts';

/**
 * Restoring the bot's encryption on a new device from the recovery key (the data directory was lost, or
 * the bot moves to a new machine). The recovery key unlocks secret storage (account data
 * `m.secret_storage.*`): the cross-signing private keys (`m.cross_signing.*`) sign the new device, the backup
 * key (`m.megolm_backup.v1`) decrypts the server-side key backup (`/room_keys`), whose room keys are imported
 * so that the encrypted history can be read again. The key is checked against the account's secret-storage
 * key description before anything is written: a wrong key changes nothing.
 */

/** Reads a recovery key given by an operator: the recovery-key.json written at bootstrap, or the key itself. */
export function parseRecoveryKey(text: string, source: string): string {
  let key = text.trim();
  if (key.startsWith('{')) {
    try {
      const parsed = JSON.parse(key) as { recoveryKey?: unknown };
      key = typeof parsed.recoveryKey === 'string' ? parsed.recoveryKey.trim() : '';
    } catch {
      throw new PasserelleError('MATRIX_RECOVERY_KEY_INVALID', { source, reason: 'JSON illisible' });
    }
  }
  if (!key) throw new PasserelleError('MATRIX_RECOVERY_KEY_INVALID', { source, reason: 'clé absente' });
  try {
    decodeRecoveryKey(key);
  } catch {
    throw new PasserelleError('MATRIX_RECOVERY_KEY_INVALID', { source, reason: 'longueur, caractères ou somme de contrôle incorrects' });
  }
  return key;
}

/** The recovery key in a file (MATRIX_RECOVERY_KEY_FILE), parsed. */
export function readRecoveryKeyFile(file: string): string {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new PasserelleError('FILE_UNREADABLE', { file, reason: 'clé de récupération Tchap introuvable ou illisible' }, { cause: error });
  }
  return parseRecoveryKey(text, file);
}

/**
 * Checks `recoveryKey` against the account's default secret-storage key (read from the server), then saves it
 * as this data directory's recovery key. Throws MATRIX_RECOVERY_UNAVAILABLE without secret storage and
 * MATRIX_RECOVERY_KEY_WRONG when the key does not unlock it (nothing written then).
 */
export async function adoptRecoveryKey(client: MatrixClient, recovery: RecoveryKeyStore, recoveryKey: string, source: string): Promise<void> {
  const userId = client.getUserId() ?? '';
  const keyId = await client.secretStorage.getDefaultKeyId();
  const described = keyId ? await client.secretStorage.getKey(keyId) : null;
  if (!keyId || !described) throw new PasserelleError('MATRIX_RECOVERY_UNAVAILABLE', { userId });
  if (!(await client.secretStorage.checkKey(decodeRecoveryKey(recoveryKey), described[1]))) throw new PasserelleError('MATRIX_RECOVERY_KEY_WRONG', { source, userId });
  recovery.save(recoveryKey, keyId);
}

/**
 * `passerelle matrix restore`: with the bot stopped (the lock file is taken), logs in a new device when the
 * data directory has no session (else keeps its device), checks and saves the recovery key, syncs once (device
 * keys uploaded), then cross-signs the device and restores the key backup. The bot started afterwards on
 * this data directory uses this device.
 */
export async function restoreMatrixDevice(config: Readonly<Config>, logger: Logger, recoveryKey: string, source: string): Promise<RestoreReport> {
  const dir = join(config.dataDir, 'matrix');
  ensurePrivateDir(dir);
  const lock = ProcessLock.acquire(join(dir, 'lock'), { takeOverFromOtherHosts: false });
  let runtime: MatrixRuntime | undefined;
  try {
    const session = await establishSession(dir, config.matrix, passwordLogin(logger), logger);
    await verifySession(session, join(dir, SESSION_FILE));
    const recovery = new RecoveryKeyStore(join(dir, RECOVERY_KEY_FILE));
    runtime = await createMatrixRuntime({ session, dir, logger, cryptoCallbacks: recovery.callbacks() });
    const { client } = runtime;
    await adoptRecoveryKey(client, recovery, recoveryKey, source);
    const synced = firstSync(client);
    await client.startClient({ initialSyncLimit: 1, lazyLoadMembers: true, threadSupport: false });
    await synced;
    return await restoreFromSecretStorage(client, { userId: session.userId, ...(config.matrix.password ? { password: config.matrix.password } : {}) }, logger);
  } finally {
    if (runtime) {
      runtime.client.stopClient();
      runtime.client.removeAllListeners();
      await runtime.persistence.close().catch((error: unknown) => logger.error('matrix crypto store final flush failed', { error }));
    }
    lock.release();
  }
}

/** Resolves after the first sync answered by the server (not the cache). */
function firstSync(client: MatrixClient): Promise<void> {
  return new Promise((resolve) => {
    const onSync = (state: SyncState, _previous: SyncState | null, data?: { fromCache?: boolean }): void => {
      if (!(state === SyncState.Syncing || (state === SyncState.Prepared && !data?.fromCache))) return;
      client.off(ClientEvent.Sync, onSync);
      resolve();
    };
    client.on(ClientEvent.Sync, onSync);
  });
}
