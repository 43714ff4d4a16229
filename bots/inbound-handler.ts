import type { InboundEvent, InboundSink, InboundTurns } from './inbound-event.ts';
import type { Logger } from './logger.ts';
import { metrics } from './metrics.ts';
import { startRequest } from './tracing.ts';
import type { ChannelName, IncomingMessage, StoredReference } from './message.ts';
import type { Outbound } from './outbound/outbound.ts';
import { pseudonymise } from './pseudonym.ts';
import { notice } from './reply.ts';
import type { AnswerLog, Cache, ConversationReferences, CuratorLog, NoticeLog, SeenKeys } from '../state/state-store.ts';
import * as say from './user-messages.ts';
import { redactPersonalData } from '../knowledge/policies/redaction.ts';

/** A rating (reaction) is counted once per event id for this long. */
const RATING_DEDUPE_MS = 30 * 24 * 3_600_000;

export interface InboundHandlerDeps {
  state: ConversationReferences & SeenKeys & NoticeLog & Pick<AnswerLog, 'getAnswer'> & Pick<CuratorLog, 'recordFeedback' | 'withdrawRating'> & Pick<Cache, 'cacheGet' | 'cacheSet'>;
  outbound: Outbound;
  /** Runs a message through the pipeline (Bot#handle); never throws. */
  handle(message: IncomingMessage): Promise<void>;
  logger: Logger;
  pseudonymSecret: string;
  /** Durable turns (replicas: no question lost when one dies), when the process keeps them. */
  turns?: InboundTurns;
}

/** Cache key of a rating's answer and author, by the rating's own id (for its withdrawal). */
function ratingKey(channel: ChannelName, eventId: string): string {
  return `rating:${channel}:${eventId}`;
}

/** The key of "this user was shown the AI notice" (EU AI Act art. 50), shared by the AI-notice stage and the welcome. */
export function aiNoticeKey(channel: ChannelName, userId: string): string {
  return `${channel}:${userId}`;
}

/**
 * The core's side of every channel (the `InboundSink` adapters are started with): what an inbound event
 * means for Passerelle's state, the same for every channel. A message refreshes its conversation reference
 * (for later replies: summaries, announcements) and goes through the pipeline; a rating is stored with the
 * question and cited ids of the rated answer; an installation stores the reference and sends the welcome
 * with the AI notice, once; a removal makes the conversation and its threads inactive; an undecryptable
 * message gets a French notice.
 */
export class InboundHandler implements InboundSink {
  constructor(private readonly deps: InboundHandlerDeps) {}

  get turns(): InboundTurns | undefined {
    return this.deps.turns;
  }

  /** Each event is one request: a request id in every log line, a root span when traces are on. */
  receive(event: InboundEvent): Promise<{ recorded: boolean }> {
    const channel = channelOf(event);
    metrics.inboundEvents.inc({ channel, kind: event.kind });
    return startRequest(`passerelle.inbound.${event.kind}`, { 'passerelle.channel': channel }, async () => {
      this.deps.logger.info('inbound event', { channel, kind: event.kind });
      try {
        return await this.dispatch(event);
      } catch (error) {
        this.deps.logger.error('inbound event handling failed', { kind: event.kind, error });
        return { recorded: false };
      }
    });
  }

  async knowsConversation(key: string): Promise<boolean> {
    return (await this.deps.state.getReference(key)) !== undefined;
  }

  firstTime(key: string, ttlMs: number): Promise<boolean> {
    return this.deps.state.markSeen(key, ttlMs);
  }

  /**
   * Stores a rating (👍/👎, Teams feedback) given on one of the bot's answers, with the question and the
   * ids it cited. Returns false when the message is not a known answer.
   */
  async recordRating(input: { channel: ChannelName; messageId: string; userId: string; rating: -1 | 0 | 1; comment?: string; reason?: string }): Promise<boolean> {
    const { state, pseudonymSecret } = this.deps;
    const answer = await state.getAnswer(input.channel, input.messageId);
    if (!answer) return false;
    await state.recordFeedback({
      channel: input.channel,
      messageId: input.messageId,
      userHash: pseudonymise(`${input.channel}:${input.userId}`, pseudonymSecret),
      rating: input.rating,
      // Stored pseudonymised, like unanswered questions: curators need the words, not anyone's personal data.
      ...(input.comment ? { comment: redactPersonalData(input.comment.slice(0, 4_000)).text } : {}),
      ...(input.reason ? { reason: input.reason.slice(0, 500) } : {}),
      question: redactPersonalData(answer.question).text,
      answer: redactPersonalData(answer.answer).text,
      citedIds: answer.citedIds,
      ...(answer.kb ? { kb: answer.kb } : {}),
      at: new Date().toISOString(),
    });
    return true;
  }

  private async dispatch(event: InboundEvent): Promise<{ recorded: boolean }> {
    const { state, outbound, logger } = this.deps;
    switch (event.kind) {
      case 'message':
        observeSyncLag(event.message);
        if (event.conversation) {
          const { key } = event.conversation;
          await state.saveReference(event.conversation).catch((error: unknown) => logger.warn('could not save a conversation reference', { key, error }));
        }
        await this.deps.handle(event.message);
        return { recorded: true };
      case 'rating': {
        if (event.eventId && !(await state.markSeen(`${event.channel}:reaction:${event.eventId}`, RATING_DEDUPE_MS))) return { recorded: false };
        const recorded = await this.recordRating({ channel: event.channel, messageId: event.messageId, userId: event.userId, rating: event.rating, ...(event.comment ? { comment: event.comment } : {}), ...(event.reason ? { reason: event.reason } : {}) });
        if (!recorded) logger.info('rating of an unknown message', { channel: event.channel, messageId: event.messageId });
        // Which answer, and whose: a withdrawal names only the rating's own id.
        else if (event.eventId) await state.cacheSet(ratingKey(event.channel, event.eventId), JSON.stringify({ messageId: event.messageId, userId: event.userId }), RATING_DEDUPE_MS);
        return { recorded };
      }
      case 'rating-withdrawn': {
        const stored = await state.cacheGet(ratingKey(event.channel, event.eventId));
        const rating = stored ? (JSON.parse(stored) as { messageId: string; userId: string }) : undefined;
        // Only the user who rated takes the rating back (a moderator removing someone's reaction does too:
        // the reaction is gone either way, and the rating follows what the room shows).
        if (!rating) return { recorded: false };
        const removed = await state.withdrawRating(event.channel, rating.messageId, pseudonymise(`${event.channel}:${rating.userId}`, this.deps.pseudonymSecret));
        return { recorded: removed > 0 };
      }
      case 'installed':
        await this.welcome(event.conversation, event.personal, event.installerId);
        return { recorded: true };
      case 'removed': {
        const references = await state.listReferences({ channel: event.channel, activeOnly: true });
        const keys = new Set([event.key, ...references.map((reference) => reference.key).filter((key) => key.startsWith(event.threadKeyPrefix))]);
        for (const key of keys) await state.deactivateReference(key, event.reason);
        return { recorded: true };
      }
      case 'undecryptable':
        metrics.undecryptable.inc({ channel: event.channel, state: event.recovered ? 'recovered' : 'failed' });
        if (!event.recovered && event.notify !== false) await outbound.send(event.channel, event.address, notice(say.UNDECRYPTABLE_MESSAGE));
        return { recorded: true };
    }
  }

  /** The welcome, with the AI notice, once per user (personal chat) or conversation (team, group chat). */
  private async welcome(conversation: StoredReference, personal: boolean, installerId: string | undefined): Promise<void> {
    const { state, outbound } = this.deps;
    await state.saveReference(conversation);
    const notifiedKey = personal && installerId ? aiNoticeKey(conversation.channel, installerId) : `welcome:${conversation.key}`;
    if (!outbound.channel(conversation.channel) || !(await state.markNotified(notifiedKey))) return;
    const text = [say.WELCOME, ...(personal ? [] : [say.MENTION_HINT]), say.AI_NOTICE].join('\n\n');
    await outbound.send(conversation.channel, { key: conversation.key, reference: conversation.reference }, notice(text, ['aide']));
  }
}

function channelOf(event: InboundEvent): ChannelName {
  switch (event.kind) {
    case 'message':
      return event.message.channel;
    case 'installed':
      return event.conversation.channel;
    default:
      return event.channel;
  }
}

/** Tchap's /sync lag: from the sender's server stamp to the bot's receipt (clock skew can make it negative: ignored). */
function observeSyncLag(message: IncomingMessage): void {
  if (message.channel !== 'matrix' || !message.sentAt) return;
  const lag = (Date.parse(message.receivedAt) - Date.parse(message.sentAt)) / 1000;
  if (Number.isFinite(lag) && lag >= 0) metrics.matrixSyncLagSeconds.observe(lag);
}
