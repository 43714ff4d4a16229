import type { InboundSink } from './inbound-event.ts';
import type { Attachment, ChannelName, ConversationAddress } from './message.ts';
import type { Reply } from './reply.ts';

/** Options of one send. */
export interface SendOptions {
  /**
   * Stable key of this message: a channel with `idempotentSends` stores it once whatever the number of
   * sends (Tchap: the key becomes the transaction id); other channels ignore it.
   */
  idempotencyKey?: string;
  /**
   * The caller paces and retries this send itself (announcements, behind their share of the limiter): the
   * adapter makes one attempt, and a throttled or transient failure is reported at once (CHANNEL_UNAVAILABLE
   * with the service's Retry-After), so that the caller's limiter pauses instead of the adapter retrying
   * around it. Channels without their own retries may ignore it.
   */
  callerRetries?: boolean;
}

/**
 * A reply shown while it is produced (Teams streaming in personal chats, Tchap edits): the progress text
 * first, then growing text, then the final reply, all as one message.
 */
export interface ReplyStream {
  /** Channel id of the message (the stream id on Teams). */
  readonly id: string;
  /** Shows the text produced so far (a progress reply); best effort, paced by the channel. */
  update(reply: Reply): Promise<void>;
  /** Ends the stream with the final reply (an answer or an error); returns the id of the final message. */
  finish(reply: Reply): Promise<string>;
}

/** One entry of a conversation's history, oldest first. */
export interface HistoryEntry {
  sender: string;
  text: string;
  at: string;
  /** The channel's message id, in `IncomingMessage.id`'s form, when the channel gives it. */
  id?: string;
  /** Sent by the bot itself (channels that do not leave its messages out). */
  fromBot?: boolean;
}

/**
 * A channel (Teams, Matrix, local terminal). The core never imports a channel SDK: adapters turn channel
 * events into `InboundEvent`s for the sink the core gives `start`, and render `Reply` their own way. Every
 * reply leaves through the core's one outbound path (bots/outbound/outbound.ts), which calls `send`,
 * `update` or `stream` here. Optional abilities are declared members: a member that is absent is an ability
 * the channel does not have; the core never probes for undeclared ones.
 *
 * Failure contract of the sending members: RECIPIENT_UNREACHABLE (final: bot blocked, uninstalled,
 * conversation left; `details.reason` says why), CHANNEL_UNAVAILABLE (retryable, with the service's
 * Retry-After when it gave one), anything else INTERNAL, the channel's error as cause.
 */
export interface ChannelAdapter {
  readonly name: ChannelName;
  /** Whether `send` honours `idempotencyKey` (a message sent again with the same key is stored once). */
  readonly idempotentSends: boolean;
  start(sink: InboundSink): Promise<void>;
  stop(): Promise<void>;
  /** Sends a reply to a stored address; returns the channel's id of the sent message. */
  send(address: ConversationAddress, reply: Reply, options?: SendOptions): Promise<string>;
  /** Replaces a message sent earlier (job progress). */
  update(address: ConversationAddress, messageId: string, reply: Reply): Promise<void>;
  /**
   * Starts a streamed reply with `first` (a progress reply); undefined when this conversation cannot stream.
   * `options.idempotencyKey` applies to the first message (a re-run resumes the message it had started).
   */
  stream?(address: ConversationAddress, first: Reply, options?: SendOptions): Promise<ReplyStream | undefined>;
  /** Shows "typing…" for a while; best effort. */
  typing?(address: ConversationAddress): Promise<void>;
  /** Downloads (and decrypts) an attachment, refusing more than `maxBytes`. For document summaries. */
  download?(attachment: Attachment, maxBytes: number): Promise<Buffer>;
  /** Recent messages of the conversation or thread, oldest first, within what history visibility allows. */
  history?(address: ConversationAddress, limit: number): Promise<HistoryEntry[]>;
  /** The direct chat with a user, found or opened (Tchap; a Teams bot cannot open one). */
  directRoomFor?(userId: string): Promise<ConversationAddress>;
}

/** A stream for channels that show progress by editing one message (Tchap): `first` is sent, then edited. */
export async function streamByEditing(channel: Pick<ChannelAdapter, 'send' | 'update'>, address: ConversationAddress, first: Reply, options?: SendOptions): Promise<ReplyStream> {
  const id = await channel.send(address, first, options);
  return {
    id,
    update: (reply) => channel.update(address, id, reply),
    finish: async (reply) => {
      await channel.update(address, id, reply);
      return id;
    },
  };
}

/** What a room should be: name, topic and members (the bot apart). */
export interface AnnouncementRoomSpec {
  service: string;
  /** The service's key (audiences `annonces:<key>`): the room kept for it whatever the case or accents. */
  key: string;
  name: string;
  topic: string;
  members: readonly string[];
}

/** An announcement room as the channel knows it: its members (joined or invited, the bot apart). */
export interface AnnouncementRoom {
  roomId: string;
  service: string;
  members: string[];
}

/** What keeping one room did. */
export interface RoomSyncResult {
  roomId: string;
  service: string;
  created: boolean;
  invited: string[];
  /** Removed from the room (kicked if joined, invitation withdrawn if invited). */
  removed: string[];
  failed: Array<{ userId: string; reason: string }>;
}

/**
 * Tchap announcement rooms (bots/announcements/announcement-rooms.ts), the channel side (the Matrix adapter):
 * rooms it made, and making one match its spec.
 */
export interface AnnouncementRoomChannel {
  announcementRooms(): Promise<AnnouncementRoom[]>;
  syncAnnouncementRoom(spec: AnnouncementRoomSpec): Promise<RoomSyncResult>;
}
