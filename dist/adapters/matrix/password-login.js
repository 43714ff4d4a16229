import { createClient } from 'matrix-js-sdk';
import { sdkLogger } from "./sdk-logger.js";
/** Password login through the SDK (`POST /login`), naming the new device after the bot. */
export function passwordLogin(logger) {
    return async (homeserverUrl, userId, password, deviceName) => {
        const client = createClient({ baseUrl: homeserverUrl, logger: sdkLogger(logger) });
        const response = await client.loginRequest({ type: 'm.login.password', identifier: { type: 'm.id.user', user: userId }, password, initial_device_display_name: deviceName });
        return { userId: response.user_id, deviceId: response.device_id, accessToken: response.access_token };
    };
}
