/**
 * Client-side attachment encryption as Matrix clients do it (matrix-encrypt-attachment, "v2"): a random
 * AES-256 key as a JWK, a 16-byte IV whose counter half is zero, AES-CTR, and the SHA-256 of the ciphertext
 * in unpadded base64. Returns the ciphertext and the `file` object of the `m.file` content (url to fill in).
 *
 * @module
 */
import { createCipheriv, createHash, randomBytes } from 'node:crypto';

export interface EncryptedAttachment {
  ciphertext: Buffer;
  info: { v: 'v2'; key: { kty: 'oct'; key_ops: string[]; alg: 'A256CTR'; k: string; ext: true }; iv: string; hashes: { sha256: string } };
}

const unpadded = (bytes: Buffer): string => bytes.toString('base64').replace(/=+$/, '');

export function encryptAttachment(plaintext: Buffer): EncryptedAttachment {
  const key = randomBytes(32);
  const iv = Buffer.concat([randomBytes(8), Buffer.alloc(8)]);
  const cipher = createCipheriv('aes-256-ctr', key, iv);
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return {
    ciphertext,
    info: {
      v: 'v2',
      key: { kty: 'oct', key_ops: ['encrypt', 'decrypt'], alg: 'A256CTR', k: key.toString('base64url'), ext: true },
      iv: unpadded(iv),
      hashes: { sha256: unpadded(createHash('sha256').update(ciphertext).digest()) },
    },
  };
}
