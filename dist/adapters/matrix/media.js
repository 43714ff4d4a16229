import { createDecipheriv, createHash, timingSafeEqual } from 'node:crypto';
import { PasserelleError } from "../../bots/errors.js";
import { isRecord } from "./event-content.js";
const MXC = /^mxc:\/\/([^/?#]+)\/([A-Za-z0-9_-]+)$/;
const unreadable = (file, reason) => new PasserelleError('ATTACHMENT_UNREADABLE', { file, reason });
/** Parses an `mxc://server/mediaId` URI, or undefined. */
export function parseMxc(uri) {
    if (typeof uri !== 'string')
        return undefined;
    const found = MXC.exec(uri);
    return found ? { server: found[1], mediaId: found[2] } : undefined;
}
/** Downloads (and decrypts) an attachment, refusing more than `maxBytes`. Errors are PasserelleErrors. */
export async function downloadAttachment(client, attachment, maxBytes, options = {}) {
    const { name, locator } = attachment;
    const encrypted = isRecord(locator) && isRecord(locator.file) ? locator.file : undefined;
    const uri = encrypted ? encrypted.url : isRecord(locator) ? locator.url : undefined;
    const mxc = parseMxc(uri);
    if (!mxc)
        throw unreadable(name, 'adresse du fichier invalide');
    // Checked before downloading: a malformed key need not cost a download.
    if (encrypted)
        parseEncryptedFile(encrypted, name);
    const bytes = await fetchMedia(client, mxc, name, maxBytes, options);
    return encrypted ? decryptAttachment(bytes, encrypted, name) : bytes;
}
async function fetchMedia(client, mxc, name, maxBytes, options) {
    const doFetch = options.fetch ?? ((url, init) => fetch(url, init));
    const base = client.getHomeserverUrl().replace(/\/+$/, '');
    const token = client.getAccessToken();
    const path = `${encodeURIComponent(mxc.server)}/${encodeURIComponent(mxc.mediaId)}`;
    const signal = AbortSignal.timeout(options.timeoutMs ?? 120_000);
    const attempt = async (url, authenticated) => {
        try {
            return await doFetch(url, { headers: authenticated && token ? { authorization: `Bearer ${token}` } : {}, signal });
        }
        catch (error) {
            throw new PasserelleError('ATTACHMENT_UNREADABLE', { file: name, reason: 'le serveur Tchap ne répond pas' }, { cause: error });
        }
    };
    let response = await attempt(`${base}/_matrix/client/v1/media/download/${path}?allow_redirect=true`, true);
    // Servers without authenticated media answer 404 M_UNRECOGNIZED (or 400/405): legacy endpoint then.
    if (response.status === 404 || response.status === 405 || response.status === 400) {
        await response.body?.cancel().catch(() => undefined);
        response = await attempt(`${base}/_matrix/media/v3/download/${path}?allow_redirect=true`, true);
    }
    if (!response.ok) {
        await response.body?.cancel().catch(() => undefined);
        throw unreadable(name, response.status === 404 ? 'le fichier n’existe plus sur le serveur' : `le serveur a répondu ${response.status}`);
    }
    const announced = Number(response.headers.get('content-length'));
    if (Number.isFinite(announced) && announced > maxBytes) {
        await response.body?.cancel().catch(() => undefined);
        throw new PasserelleError('FILE_TOO_LARGE', { file: name, size: announced, max: maxBytes });
    }
    if (!response.body)
        return Buffer.alloc(0);
    const chunks = [];
    let total = 0;
    const reader = response.body.getReader();
    try {
        for (;;) {
            const { done, value } = await reader.read();
            if (done)
                break;
            total += value.byteLength;
            if (total > maxBytes) {
                await reader.cancel().catch(() => undefined);
                throw new PasserelleError('FILE_TOO_LARGE', { file: name, size: total, max: maxBytes });
            }
            chunks.push(Buffer.from(value));
        }
    }
    catch (error) {
        if (error instanceof PasserelleError)
            throw error;
        throw new PasserelleError('ATTACHMENT_UNREADABLE', { file: name, reason: 'le téléchargement a été interrompu' }, { cause: error });
    }
    return Buffer.concat(chunks, total);
}
/** Key, iv and expected hash of an encrypted attachment, checked. */
function parseEncryptedFile(info, name) {
    if (info.v !== 'v2')
        throw unreadable(name, 'version de chiffrement non prise en charge');
    const jwk = isRecord(info.key) ? info.key : undefined;
    if (!jwk || jwk.kty !== 'oct' || (jwk.alg !== undefined && jwk.alg !== 'A256CTR') || typeof jwk.k !== 'string')
        throw unreadable(name, 'clé de chiffrement invalide');
    const key = Buffer.from(jwk.k, 'base64url');
    if (key.length !== 32)
        throw unreadable(name, 'clé de chiffrement invalide');
    const iv = typeof info.iv === 'string' ? Buffer.from(info.iv, 'base64') : Buffer.alloc(0);
    if (iv.length !== 16)
        throw unreadable(name, 'vecteur d’initialisation invalide');
    const hash = isRecord(info.hashes) ? info.hashes.sha256 : undefined;
    const sha256 = typeof hash === 'string' ? Buffer.from(hash, 'base64') : Buffer.alloc(0);
    if (sha256.length !== 32)
        throw unreadable(name, 'empreinte SHA-256 absente ou invalide');
    return { key, iv, sha256 };
}
/** Checks the SHA-256 of the ciphertext, then decrypts (AES-256-CTR). Throws ATTACHMENT_UNREADABLE. */
export function decryptAttachment(ciphertext, info, name) {
    const { key, iv, sha256 } = parseEncryptedFile(info, name);
    const actual = createHash('sha256').update(ciphertext).digest();
    if (!timingSafeEqual(actual, sha256))
        throw unreadable(name, 'son empreinte ne correspond pas (fichier altéré ou incomplet)');
    try {
        const decipher = createDecipheriv('aes-256-ctr', key, iv);
        return Buffer.concat([decipher.update(ciphertext), decipher.final()]);
    }
    catch (error) {
        throw new PasserelleError('ATTACHMENT_UNREADABLE', { file: name, reason: 'le déchiffrement a échoué' }, { cause: error });
    }
}
