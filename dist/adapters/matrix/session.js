import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PasserelleError } from "../../bots/errors.js";
import { loginFailed, sessionMismatch, sessionRejected } from "./matrix-messages.js";
import { writePrivateFile } from "./secure-file.js";
/** The stored session, in the Matrix data directory. */
export const SESSION_FILE = 'session.json';
/**
 * The session to use, in this order: the access token and device id given in the configuration (an
 * existing session, e.g. from Tchap's authentication service); the stored session; a password login,
 * stored at once. A stored session is always reused: logging in again would create a new device, which
 * loses every encryption key the old one held.
 */
export async function establishSession(dir, matrix, login, logger) {
    const file = join(dir, SESSION_FILE);
    const homeserverUrl = matrix.homeserverUrl.replace(/\/+$/, '');
    const userId = matrix.userId;
    if (matrix.accessToken && matrix.deviceId) {
        let stored;
        try {
            stored = readSession(file);
        }
        catch {
            stored = undefined;
        }
        const session = { homeserverUrl, userId, deviceId: matrix.deviceId, accessToken: matrix.accessToken, createdAt: stored?.deviceId === matrix.deviceId ? stored.createdAt : new Date().toISOString() };
        writeSession(file, session);
        return session;
    }
    const stored = readSession(file);
    if (stored) {
        if (stored.userId !== userId)
            throw configProblem(sessionMismatch(file, stored.userId, userId));
        logger.info('matrix session reused', { userId, deviceId: stored.deviceId });
        return { ...stored, homeserverUrl };
    }
    if (!matrix.password)
        throw configProblem(loginFailed(userId, 'ni session enregistrée, ni mot de passe, ni jeton d’accès avec identifiant d’appareil'));
    let result;
    try {
        result = await login(homeserverUrl, userId, matrix.password, matrix.displayName);
    }
    catch (error) {
        const message = loginFailed(userId, error instanceof Error ? error.message : String(error));
        // Refused credentials are a configuration problem; anything else (network, server) is reported as is.
        if (error.httpStatus === 403)
            throw configProblem(message);
        throw new Error(message, { cause: error });
    }
    if (result.userId !== userId)
        throw configProblem(sessionMismatch(file, result.userId, userId));
    const session = { homeserverUrl, userId, deviceId: result.deviceId, accessToken: result.accessToken, createdAt: new Date().toISOString() };
    writeSession(file, session);
    logger.info('matrix login: new device', { userId, deviceId: session.deviceId });
    return session;
}
/** Reads the stored session; undefined when absent or unreadable. */
export function readSession(file) {
    if (!existsSync(file))
        return undefined;
    try {
        const parsed = JSON.parse(readFileSync(file, 'utf8'));
        if (typeof parsed.userId === 'string' && typeof parsed.deviceId === 'string' && typeof parsed.accessToken === 'string') {
            return { homeserverUrl: String(parsed.homeserverUrl ?? ''), userId: parsed.userId, deviceId: parsed.deviceId, accessToken: parsed.accessToken, createdAt: String(parsed.createdAt ?? '') };
        }
    }
    catch {
        // fall through: a corrupt file is reported by the caller's login
    }
    throw new PasserelleError('FILE_UNREADABLE', { file, reason: 'session Matrix illisible ; supprimez ce fichier pour vous reconnecter (un nouvel appareil sera créé)' });
}
/** Stores a session (atomic write, 0600). */
function writeSession(file, session) {
    writePrivateFile(file, `${JSON.stringify(session, null, 2)}\n`);
}
/**
 * Checks the session with `GET /account/whoami` before anything else: a revoked token or a token of another
 * device stops the start with an explanation (the bot never logs in again on its own, which would create a
 * new device). A network failure is not fatal: the sync keeps retrying.
 */
export async function verifySession(session, sessionFile, fetchFn = fetch) {
    let response;
    try {
        response = await fetchFn(`${session.homeserverUrl}/_matrix/client/v3/account/whoami`, { headers: { authorization: `Bearer ${session.accessToken}` }, signal: AbortSignal.timeout(15_000) });
    }
    catch {
        return;
    }
    if (response.status === 401)
        throw new Error(sessionRejected(sessionFile));
    if (!response.ok)
        return;
    const body = (await response.json().catch(() => ({})));
    if (typeof body.user_id === 'string' && body.user_id !== session.userId)
        throw configProblem(sessionMismatch(sessionFile, body.user_id, session.userId));
    if (typeof body.device_id === 'string' && body.device_id !== session.deviceId)
        throw configProblem(sessionMismatch(sessionFile, `${session.userId} (appareil ${body.device_id})`, `${session.userId} (appareil ${session.deviceId})`));
}
/** A configuration problem, reported by the CLI like every CONFIG_INVALID. */
function configProblem(problem) {
    return new PasserelleError('CONFIG_INVALID', { problems: problem });
}
