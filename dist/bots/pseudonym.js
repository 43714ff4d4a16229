import { createHmac } from 'node:crypto';
/** Pseudonymises a user id for logs and audit (HMAC-SHA256 with a secret from config; not reversible without it). */
export function pseudonymise(userId, secret) {
    return createHmac('sha256', secret).update(userId).digest('hex').slice(0, 24);
}
