import { existsSync, readFileSync } from 'node:fs';
import { decodeRecoveryKey } from 'matrix-js-sdk/lib/crypto-api/index.js';
import { writePrivateFile } from "./secure-file.js";
/**
 * Cross-signing, secret storage and server-side key backup for the bot's device. The recovery key (which
 * unlocks secret storage: cross-signing private keys and the backup key) is generated once and kept in
 * `${dataDir}/matrix/recovery-key.json` (0600); whoever holds it can restore the bot's keys on a new device.
 */
export const RECOVERY_KEY_FILE = 'recovery-key.json';
/** The recovery key on disk and the crypto callbacks that read it. */
export class RecoveryKeyStore {
    file;
    constructor(file) {
        this.file = file;
    }
    /** Callbacks for createClient: secret storage asks for the key, the SDK reports the new key's id. */
    callbacks() {
        return {
            getSecretStorageKey: async ({ keys }) => {
                const stored = this.read();
                if (!stored)
                    return null;
                const keyId = stored.keyId && keys[stored.keyId] ? stored.keyId : Object.keys(keys)[0];
                return keyId ? [keyId, decodeRecoveryKey(stored.recoveryKey)] : null;
            },
            cacheSecretStorageKey: (keyId) => {
                const stored = this.read();
                if (stored && stored.keyId !== keyId)
                    this.write({ ...stored, keyId });
            },
        };
    }
    /** Creates a new recovery key and saves it before the SDK uses it. */
    async create(crypto) {
        const generated = await crypto.createRecoveryKeyFromPassphrase();
        if (!generated.encodedPrivateKey)
            throw new Error('recovery key without encoding');
        this.write({ recoveryKey: generated.encodedPrivateKey, createdAt: new Date().toISOString() });
        return generated;
    }
    read() {
        if (!existsSync(this.file))
            return undefined;
        const parsed = JSON.parse(readFileSync(this.file, 'utf8'));
        return typeof parsed.recoveryKey === 'string' ? parsed : undefined;
    }
    write(content) {
        writePrivateFile(this.file, `${JSON.stringify(content, null, 2)}\n`);
    }
}
/**
 * Bootstraps cross-signing (the device signs itself), secret storage (with the recovery key) and a key
 * backup when the server has none. Idempotent: nothing is created again after a restart. Failures are
 * reported, not fatal: messaging works without them.
 */
export async function bootstrapEncryption(client, recovery, auth, logger) {
    const crypto = client.getCrypto();
    if (!crypto)
        return;
    try {
        if ((await crypto.isCrossSigningReady()) && (await crypto.isSecretStorageReady()) && (await crypto.getActiveSessionBackupVersion()))
            return;
        await crypto.bootstrapCrossSigning({
            authUploadDeviceSigningKeys: async (makeRequest) => {
                try {
                    await makeRequest(null);
                }
                catch (error) {
                    if (!auth.password)
                        throw error;
                    await makeRequest({ type: 'm.login.password', identifier: { type: 'm.id.user', user: auth.userId }, password: auth.password });
                }
            },
        });
        const backup = await crypto.getKeyBackupInfo();
        await crypto.bootstrapSecretStorage({ createSecretStorageKey: () => recovery.create(crypto), setupNewKeyBackup: !backup });
        await crypto.checkKeyBackupAndEnable();
        logger.info('matrix encryption bootstrapped', { crossSigning: await crypto.isCrossSigningReady(), backupVersion: await crypto.getActiveSessionBackupVersion() });
    }
    catch (error) {
        logger.warn('matrix cross-signing or key backup bootstrap failed (messaging continues)', { error });
    }
}
