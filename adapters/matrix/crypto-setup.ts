import { existsSync, readFileSync } from 'node:fs';
import { Method, type MatrixClient } from 'matrix-js-sdk';
import { decodeRecoveryKey, type CryptoApi, type CryptoCallbacks, type GeneratedSecretStorageKey } from 'matrix-js-sdk/lib/crypto-api/index.js';
import type { Logger } from '../../bots/logger.ts';
import * as say from './matrix-messages.ts';
import { writePrivateFile } from './secure-file.ts';

/**
 * Cross-signing, secret storage and server-side key backup for the bot's device. The recovery key (which
 * unlocks secret storage: cross-signing private keys and the backup key) is generated once and kept in
 * `${dataDir}/matrix/recovery-key.json` (0600); whoever holds it can restore the bot's keys on a new device.
 */

export const RECOVERY_KEY_FILE = 'recovery-key.json';

interface RecoveryFile {
  /** Human-readable recovery key ("EsT… …"), as shown by Element. */
  recoveryKey: string;
  /** Secret-storage key id, once known. */
  keyId?: string;
  createdAt: string;
}

/** The recovery key on disk and the crypto callbacks that read it. */
export class RecoveryKeyStore {
  constructor(readonly file: string) {}

  /** Callbacks for createClient: secret storage asks for the key, the SDK reports the new key's id. */
  callbacks(): CryptoCallbacks {
    return {
      getSecretStorageKey: async ({ keys }) => {
        const stored = this.read();
        if (!stored) return null;
        const keyId = stored.keyId && keys[stored.keyId] ? stored.keyId : Object.keys(keys)[0];
        return keyId ? [keyId, decodeRecoveryKey(stored.recoveryKey)] : null;
      },
      cacheSecretStorageKey: (keyId) => {
        const stored = this.read();
        if (stored && stored.keyId !== keyId) this.write({ ...stored, keyId });
      },
    };
  }

  /** Creates a new recovery key and saves it before the SDK uses it. */
  async create(crypto: CryptoApi): Promise<GeneratedSecretStorageKey> {
    const generated = await crypto.createRecoveryKeyFromPassphrase();
    if (!generated.encodedPrivateKey) throw new Error('recovery key without encoding');
    this.write({ recoveryKey: generated.encodedPrivateKey, createdAt: new Date().toISOString() });
    return generated;
  }

  /** Saves a recovery key given by the operator (checked by the caller against the account's secret storage). */
  save(recoveryKey: string, keyId: string): void {
    this.write({ recoveryKey, keyId, createdAt: new Date().toISOString() });
  }

  read(): RecoveryFile | undefined {
    if (!existsSync(this.file)) return undefined;
    const parsed = JSON.parse(readFileSync(this.file, 'utf8')) as Partial<RecoveryFile>;
    return typeof parsed.recoveryKey === 'string' ? (parsed as RecoveryFile) : undefined;
  }

  private write(content: RecoveryFile): void {
    writePrivateFile(this.file, `${JSON.stringify(content, null, 2)}\n`);
  }
}

/** Account credentials for the user-interactive auth of the cross-signing upload. */
export interface CrossSigningAuth {
  userId: string;
  password?: string;
}

/** The user-interactive auth of a cross-signing upload: none first, then the password when the server asks. */
export function uiaByPassword(auth: CrossSigningAuth): NonNullable<Parameters<CryptoApi['bootstrapCrossSigning']>[0]>['authUploadDeviceSigningKeys'] {
  return async (makeRequest) => {
    try {
      await makeRequest(null);
    } catch (error) {
      if (!auth.password) throw error;
      await makeRequest({ type: 'm.login.password', identifier: { type: 'm.id.user', user: auth.userId }, password: auth.password });
    }
  };
}

/**
 * Sets up the device's encryption, idempotently (nothing is created again after a restart):
 * - first device of the account (no secret storage on the server): bootstraps cross-signing (the device signs
 *   itself), secret storage with a new recovery key, and a key backup;
 * - the account has secret storage and this machine its recovery key (a new device: `matrix/` lost, new
 *   machine, MATRIX_RECOVERY_KEY_FILE): restores from it (`restoreFromSecretStorage`);
 * - the account has secret storage but the recovery key is missing: says so (French, error level) and
 *   creates nothing (creating would replace the account's cross-signing identity and backup).
 * Failures are reported, not fatal: messaging works without them.
 */
export async function bootstrapEncryption(client: MatrixClient, recovery: RecoveryKeyStore, auth: CrossSigningAuth, logger: Logger): Promise<void> {
  const crypto = client.getCrypto();
  if (!crypto) return;
  try {
    if ((await crypto.isCrossSigningReady()) && (await crypto.isSecretStorageReady()) && (await crypto.getActiveSessionBackupVersion())) return;
    if (await client.secretStorage.getDefaultKeyId()) {
      if (recovery.read()) await restoreFromSecretStorage(client, auth, logger);
      else if (!(await crypto.isCrossSigningReady())) logger.error(say.recoveryKeyMissing(auth.userId, recovery.file));
      return;
    }
    await crypto.bootstrapCrossSigning({ authUploadDeviceSigningKeys: uiaByPassword(auth) });
    const backup = await crypto.getKeyBackupInfo();
    await crypto.bootstrapSecretStorage({ createSecretStorageKey: () => recovery.create(crypto), setupNewKeyBackup: !backup });
    await crypto.checkKeyBackupAndEnable();
    logger.info('matrix encryption bootstrapped', { crossSigning: await crypto.isCrossSigningReady(), backupVersion: await crypto.getActiveSessionBackupVersion() });
  } catch (error) {
    logger.warn('matrix cross-signing or key backup bootstrap failed (messaging continues)', { error });
  }
}

/** What a restore did. */
export interface RestoreReport {
  userId: string;
  deviceId: string;
  /** The device carries a signature of the account's self-signing key. */
  crossSigned: boolean;
  /** Backup version now in use, null without a backup. */
  backupVersion: string | null;
  /** Room keys found in the backup and imported. */
  total: number;
  imported: number;
}

/**
 * Cross-signs this device and restores the key backup from secret storage (the recovery key must be in
 * `recovery`, see `adoptRecoveryKey`). Creates a backup only when the account has none.
 */
export async function restoreFromSecretStorage(client: MatrixClient, auth: CrossSigningAuth, logger: Logger): Promise<RestoreReport> {
  const crypto = client.getCrypto();
  if (!crypto) throw new Error('Rust crypto unavailable');
  const userId = client.getUserId() ?? '';
  const deviceId = client.getDeviceId() ?? '';
  // The device's keys must be on the server before its cross-signing signature is uploaded.
  await waitForOwnDeviceKeys(client, 30_000);
  // Up-to-date public cross-signing keys (a forced /keys/query for the own user), else the import fails.
  await crypto.userHasCrossSigningKeys(userId, true);
  // Private keys not on this device but in secret storage: imported, then this device is signed with them.
  await crypto.bootstrapCrossSigning({ authUploadDeviceSigningKeys: uiaByPassword(auth) });
  const backup = await crypto.getKeyBackupInfo();
  await crypto.bootstrapSecretStorage({ setupNewKeyBackup: !backup });
  if (backup && !(await crypto.getSessionBackupPrivateKey())) await crypto.loadSessionBackupPrivateKeyFromSecretStorage();
  await crypto.checkKeyBackupAndEnable();
  const restored = backup ? await crypto.restoreKeyBackup() : { total: 0, imported: 0 };
  const status = await crypto.getDeviceVerificationStatus(userId, deviceId);
  const report: RestoreReport = { userId, deviceId, crossSigned: status?.signedByOwner ?? false, backupVersion: await crypto.getActiveSessionBackupVersion(), total: restored.total, imported: restored.imported };
  logger.info('matrix encryption restored from the recovery key', { ...report });
  return report;
}

/** Polls `/keys/query` until the server lists this device's keys (uploaded by the crypto after the first sync). */
async function waitForOwnDeviceKeys(client: MatrixClient, timeoutMs: number): Promise<void> {
  const userId = client.getUserId() ?? '';
  const deviceId = client.getDeviceId() ?? '';
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const answer = await client.http.authedRequest<{ device_keys?: Record<string, Record<string, unknown>> }>(Method.Post, '/keys/query', undefined, { device_keys: { [userId]: [deviceId] } });
    if (answer.device_keys?.[userId]?.[deviceId]) return;
    if (Date.now() > deadline) throw new Error(`device keys of ${deviceId} not uploaded after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
