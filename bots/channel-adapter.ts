import type { Attachment, ConversationAddress, IncomingMessage } from './message.ts';
import type { Reply } from './reply.ts';

/** Handler the core gives an adapter: called once per incoming message. */
export type MessageHandler = (message: IncomingMessage) => Promise<void>;

/**
 * A channel (Teams, Matrix, local terminal). The core never imports a channel SDK: adapters map channel
 * events to IncomingMessage and render Reply their own way. Every reply leaves through `send` or `update`.
 */
export interface ChannelAdapter {
  readonly name: IncomingMessage['channel'];
  start(handler: MessageHandler): Promise<void>;
  stop(): Promise<void>;
  /** Sends a reply to a stored address; returns the channel's id of the sent message. */
  send(address: ConversationAddress, reply: Reply): Promise<string>;
  /** Replaces a message sent earlier (progress, streaming). */
  update(address: ConversationAddress, messageId: string, reply: Reply): Promise<void>;
  /** Shows "typing…" where the channel supports it; best effort. */
  typing?(address: ConversationAddress): Promise<void>;
  /** Whether `update` may be used for streaming in this conversation (Teams: personal chats only). */
  canStream?(address: ConversationAddress): boolean;
  /** Downloads (and decrypts) an attachment, refusing more than `maxBytes`. For document summaries. */
  download?(attachment: Attachment, maxBytes: number): Promise<Buffer>;
  /** Recent messages of the conversation or thread, oldest first, within what history visibility allows. */
  history?(address: ConversationAddress, limit: number): Promise<Array<{ sender: string; text: string; at: string }>>;
}
