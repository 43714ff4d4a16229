import { randomBytes } from 'node:crypto';
import type { MatrixClient, MatrixEvent } from 'matrix-js-sdk';

/**
 * Asks the sender's device for the Megolm key of an event the bot could not decrypt: an `m.room_key_request`
 * to-device message (client-server spec, "Key requests"; action `request`). matrix-js-sdk's Rust crypto
 * sends key requests only to the account's own devices (and has them disabled), so a bot — which has no
 * other device — would never ask the one device that holds the key. The answer, if any, is an Olm-encrypted
 * `m.forwarded_room_key` the Rust crypto imports by itself; the SDK then re-decrypts the waiting event.
 * Sent to the device named in the event (`device_id`), or to all the sender's devices when it is absent.
 */
export async function requestRoomKey(client: MatrixClient, event: MatrixEvent, roomId: string): Promise<void> {
  const sender = event.getSender();
  const wire = event.getWireContent() as Record<string, unknown>;
  if (!sender || typeof wire.session_id !== 'string' || typeof wire.algorithm !== 'string') return;
  const content = {
    action: 'request',
    request_id: `passerelle-${randomBytes(9).toString('base64url')}`,
    requesting_device_id: client.getDeviceId(),
    body: { algorithm: wire.algorithm, room_id: roomId, session_id: wire.session_id, ...(typeof wire.sender_key === 'string' ? { sender_key: wire.sender_key } : {}) },
  };
  const deviceId = typeof wire.device_id === 'string' ? wire.device_id : '*';
  await client.sendToDevice('m.room_key_request', new Map([[sender, new Map([[deviceId, content]])]]));
}
