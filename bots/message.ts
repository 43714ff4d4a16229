/** The channels Passerelle speaks on. */
export type ChannelName = 'teams' | 'matrix' | 'local';

/** A serialisable address of a conversation, for replies sent later (summaries, announcements). */
export interface StoredReference {
  /** Stable key: `${channel}:${conversation id}` (plus `:${thread}` when the address is a thread). */
  key: string;
  channel: ChannelName;
  /** The channel's own reference, opaque to the core (Teams ConversationReference, Matrix room id…). */
  reference: unknown;
  /** User the conversation is a direct chat with, when it is one. */
  userId?: string;
  /** Tenant (Teams) or homeserver (Matrix). */
  tenant?: string;
  isDirect: boolean;
  active: boolean;
  /** Why it was marked inactive (403 blocked, uninstalled, left). */
  inactiveReason?: string;
  updatedAt: string;
}

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
  /** The room or channel the conversation is in, without thread (its settings' key); absent: `conversation.key`. */
  roomKey?: string;
  /**
   * The sender may change the room's settings (`paramètres`): Tchap power level ≥ 50, Teams team or chat
   * owner. Direct chats: always (the core treats the user as the moderator of their own chat).
   */
  senderIsModerator?: boolean;
  /** Groups the sender belongs to, when the channel knows (for access control). */
  groups?: string[];
  receivedAt: string;
  /** When the sender's server stamped the message (Matrix origin_server_ts), when the channel says: the sync lag is `receivedAt − sentAt`. */
  sentAt?: string;
}

/** A conversation address: stable key plus the channel's opaque reference. */
export interface ConversationAddress {
  /** `${channel}:${conversation}` plus `:${thread}` for a thread. */
  key: string;
  /** The channel's own reference (Teams ConversationReference, Matrix {roomId, threadId}…). */
  reference: unknown;
}
