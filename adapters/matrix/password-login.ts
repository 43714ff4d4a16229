import { createClient } from 'matrix-js-sdk';
import type { Logger } from '../../bots/logger.ts';
import { sdkLogger } from './sdk-logger.ts';
import type { PasswordLogin } from './session.ts';

/** Password login through the SDK (`POST /login`), naming the new device after the bot. */
export function passwordLogin(logger: Logger): PasswordLogin {
  return async (homeserverUrl, userId, password, deviceName) => {
    const client = createClient({ baseUrl: homeserverUrl, logger: sdkLogger(logger) });
    const response = await client.loginRequest({ type: 'm.login.password', identifier: { type: 'm.id.user', user: userId }, password, initial_device_display_name: deviceName });
    return { userId: response.user_id, deviceId: response.device_id, accessToken: response.access_token };
  };
}
