import type { ChannelName, ConversationAddress, IncomingMessage, StoredReference } from './message.ts';

/**
 * Everything a channel reports to the core, as one union. Adapters build these events with pure mappers
 * and hand them to the core's `InboundSink`; they hold neither the bot nor the state store: the core
 * records references, ratings, welcomes and the AI notice once for every channel.
 */
export type InboundEvent =
  /**
   * A message for the pipeline; `conversation`, the address to keep for later replies (summaries,
   * announcements), is saved (refreshed) first. The terminal has none: nothing reaches it later.
   */
  | { kind: 'message'; message: IncomingMessage; conversation?: StoredReference }
  /** 👍/👎 (Tchap reaction, Teams feedback button) on one of the bot's messages. */
  | {
      kind: 'rating';
      channel: ChannelName;
      /** The rated bot message. */
      messageId: string;
      userId: string;
      rating: -1 | 1;
      comment?: string;
      /** The reason(s) picked in the channel's feedback form (Teams), comma-separated. */
      reason?: string;
      /** The rating's own id, when the channel may deliver it twice (Tchap reactions): counted once. */
      eventId?: string;
    }
  /** A rating taken back (Tchap: the 👍/👎 reaction removed): `eventId` is the rating's own id. */
  | { kind: 'rating-withdrawn'; channel: ChannelName; eventId: string; userId: string }
  /** The bot was added to a conversation (Teams installation): welcome and AI notice, once. */
  | { kind: 'installed'; conversation: StoredReference; personal: boolean; installerId?: string }
  /** The bot left, was removed or was uninstalled: the conversation and its threads become inactive. */
  | {
      kind: 'removed';
      channel: ChannelName;
      key: string;
      /** Keys of the conversation's threads start with this (Teams `…;messageid=`, Tchap `…:`). */
      threadKeyPrefix: string;
      reason: string;
    }
  /**
   * A message the bot could not decrypt (counted): the sender is told so at `address` unless `notify` is false
   * (already told for this burst). `recovered`: the keys of such a message arrived later (counted; the message
   * itself comes as a normal `message` event).
   */
  | { kind: 'undecryptable'; channel: ChannelName; address: ConversationAddress; notify?: boolean; recovered?: boolean };

/** What the core gives an adapter when it starts it. */
export interface InboundSink {
  /**
   * Handles one event: resolves once it has been handled (the message answered, the rating stored), never
   * rejects (failures are contained and logged). For a rating, `recorded` is false when the rated message
   * is not a known answer (or the rating was already counted).
   */
  receive(event: InboundEvent): Promise<{ recorded: boolean }>;
  /** Whether the core holds a conversation under this key (a thread the bot answered in, before a restart). */
  knowsConversation(key: string): Promise<boolean>;
  /** True the first time `key` is seen within `ttlMs` — a channel-side dedupe that survives restarts. */
  firstTime(key: string, ttlMs: number): Promise<boolean>;
  /**
   * Durable turns (bots/durable-turns.ts), when the process keeps them: a channel that acknowledges a message
   * before answering it (Teams) records it here first, so that another replica answers it if this one dies.
   */
  turns?: InboundTurns;
}

/** A recorded turn, as `InboundTurns.record` hands it back. */
export interface TurnTicket {
  readonly id: string;
}

export interface InboundTurns {
  /**
   * Persists a received turn before the channel acknowledges it; 'duplicate' when the channel delivered it
   * again (the first delivery is, or was, handled). Rejects when the journal cannot be written.
   */
  record(channel: ChannelName, id: string, payload: unknown): Promise<TurnTicket | 'duplicate'>;
  /** The turn was handled (`true`: marked done) or its handling failed (`false`: left for a later attempt). */
  settle(ticket: TurnTicket, handled: boolean): Promise<void>;
  /** How the channel handles a turn recovered from a replica that died (the payload it recorded). */
  onRecovered(channel: ChannelName, handle: (payload: unknown) => Promise<void>): void;
}
