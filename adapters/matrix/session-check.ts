import { createClient } from 'matrix-js-sdk';
import type { Logger } from '../../bots/logger.ts';
import { sessionMismatch, sessionRejected } from './matrix-messages.ts';
import { sdkLogger } from './sdk-logger.ts';
import type { MatrixSession, PasswordLogin } from './session.ts';

/** Password login through the SDK (`POST /login`), naming the new device after the bot. */
export function passwordLogin(logger: Logger): PasswordLogin {
  return async (homeserverUrl, userId, password, deviceName) => {
    const client = createClient({ baseUrl: homeserverUrl, logger: sdkLogger(logger) });
    const response = await client.loginRequest({ type: 'm.login.password', identifier: { type: 'm.id.user', user: userId }, password, initial_device_display_name: deviceName });
    return { userId: response.user_id, deviceId: response.device_id, accessToken: response.access_token };
  };
}

/**
 * Checks the session with `GET /account/whoami` before anything else: a revoked token or a token of another
 * device stops the start with an explanation (the bot never logs in again on its own, which would create a
 * new device). A network failure is not fatal: the sync keeps retrying.
 */
export async function verifySession(session: MatrixSession, sessionFile: string, fetchFn: typeof fetch = fetch): Promise<void> {
  let response: Response;
  try {
    response = await fetchFn(`${session.homeserverUrl}/_matrix/client/v3/account/whoami`, { headers: { authorization: `Bearer ${session.accessToken}` }, signal: AbortSignal.timeout(15_000) });
  } catch {
    return;
  }
  if (response.status === 401) throw new Error(sessionRejected(sessionFile));
  if (!response.ok) return;
  const body = (await response.json().catch(() => ({}))) as { user_id?: unknown; device_id?: unknown };
  if (typeof body.user_id === 'string' && body.user_id !== session.userId) throw new Error(sessionMismatch(sessionFile, body.user_id, session.userId));
  if (typeof body.device_id === 'string' && body.device_id !== session.deviceId) throw new Error(sessionMismatch(sessionFile, `${session.userId} (appareil ${body.device_id})`, `${session.userId} (appareil ${session.deviceId})`));
}
