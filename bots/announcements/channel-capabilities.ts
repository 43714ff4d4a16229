import type { ChannelAdapter } from '../channel-adapter.ts';
import type { ConversationAddress } from '../message.ts';
import type { Reply } from '../reply.ts';

/**
 * Optional channel capabilities the fan-out uses when an adapter offers them (checked at run time, the
 * core's ChannelAdapter interface stays as it is):
 *
 * - `idempotentSends: true` with `send(address, reply, { idempotencyKey })`: the channel stores a message
 *   once per key even when it is sent again (Matrix: the key becomes the transaction id of
 *   `PUT /rooms/{id}/send/m.room.message/{txnId}`, deduplicated by the homeserver for that device). With it
 *   a send interrupted by a crash is simply sent again; without it, it is reported as uncertain.
 * - `directRoomFor(userId)` (MatrixChannelAdapter): the direct chat with a user, opened if needed.
 */

export interface SendOptions {
  idempotencyKey: string;
}

export interface IdempotentChannel {
  readonly idempotentSends: true;
  send(address: ConversationAddress, reply: Reply, options: SendOptions): Promise<string>;
}

export interface DirectChatOpener {
  directRoomFor(userId: string): Promise<ConversationAddress>;
}

export function sendsIdempotently(adapter: ChannelAdapter): adapter is ChannelAdapter & IdempotentChannel {
  return (adapter as Partial<IdempotentChannel>).idempotentSends === true;
}

export function opensDirectChats(adapter: ChannelAdapter): adapter is ChannelAdapter & DirectChatOpener {
  return typeof (adapter as Partial<DirectChatOpener>).directRoomFor === 'function';
}

/** Sends through the adapter's one outgoing path, with the idempotency key when the channel honours one. */
export function sendOnce(adapter: ChannelAdapter, address: ConversationAddress, reply: Reply, idempotencyKey: string): Promise<string> {
  return sendsIdempotently(adapter) ? adapter.send(address, reply, { idempotencyKey }) : adapter.send(address, reply);
}
