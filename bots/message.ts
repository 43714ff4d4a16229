import type { ChannelName } from '../state/state-store.ts';

/** An attachment as the channel announced it; the adapter downloads it on demand. */
export interface Attachment {
  name: string;
  contentType: string;
  /** Bytes, when known. */
  size?: number;
  /** Channel-specific locator (URL, mxc:// URI, encrypted-file info), opaque to the core. */
  locator: unknown;
}

/** One incoming message, whatever the channel. Built by adapters from channel events (pure mappers). */
export interface IncomingMessage {
  channel: ChannelName;
  /** Channel's unique id of the message, for deduplication. */
  id: string;
  /** Where to answer: a serialisable conversation address (see StoredReference). */
  conversation: ConversationAddress;
  sender: { id: string; displayName?: string };
  /** Text with channel markup removed (mentions of the bot, reply fallbacks). */
  text: string;
  /** Direct chats always; rooms and channels only when mentioned or replied to. */
  addressedToBot: boolean;
  isDirect: boolean;
  /** Thread the message belongs to, when any. */
  threadId?: string;
  /** Message this one replies to, when any. */
  replyToId?: string;
  attachments: Attachment[];
  /** Groups the sender belongs to, when the channel knows (for access control). */
  groups?: string[];
  receivedAt: string;
}

/** A conversation address: stable key plus the channel's opaque reference. */
export interface ConversationAddress {
  /** `${channel}:${conversation}` plus `:${thread}` for a thread. */
  key: string;
  /** The channel's own reference (Teams ConversationReference, Matrix {roomId, threadId}…). */
  reference: unknown;
}
