import type { Attachment, IncomingMessage } from '../../bots/message.ts';
import {
  genuineReplyOf,
  isRecord,
  mentionsBot,
  messageText,
  ratingOf,
  relationOf,
  removeBotMention,
  threadRootOf,
  type BotIdentity,
} from './event-content.ts';
import { addressOf, conversationKey, type MatrixReference } from './reference.ts';

/**
 * The pure mapper from a (decrypted) Matrix room event to what the core understands. Decides addressing:
 * direct chats always; in rooms only a mention of the bot, a reply to one of its messages, or a message in a
 * thread it answered. Own messages, notices, edits, redactions, unknown or malformed events are ignored.
 */

/** A room event as received (clear content after decryption); nothing in it is trusted. */
export interface RawMatrixEvent {
  event_id?: unknown;
  type?: unknown;
  sender?: unknown;
  room_id?: unknown;
  content?: unknown;
  origin_server_ts?: unknown;
  unsigned?: unknown;
  /** The redacted event (`m.room.redaction`, top level before room version 11, in `content` since). */
  redacts?: unknown;
}

/** What the adapter knows around the event (looked up before mapping). */
export interface MappingContext {
  bot: BotIdentity;
  roomId: string;
  isDirect: boolean;
  /** Sender of the event this one genuinely replies to, when known. */
  repliedToSender?: string;
  /** Whether the bot has answered in the thread this event belongs to. */
  botInThread: boolean;
  senderDisplayName?: string;
  /** The sender's power level in the room (moderators, ≥ 50, change its settings). */
  senderPowerLevel?: number;
  /** Rooms of `access.allowGroups` the sender is a member of. */
  groups?: string[];
  /** ISO time of reception. */
  receivedAt: string;
  /** Events older than this (by origin_server_ts) are ignored: catch-up after downtime stays bounded. */
  maxAgeMs: number;
}

/** Why an event does not reach the core (logged at debug level). */
export type IgnoreReason =
  | 'malformed'
  | 'own-event'
  | 'too-old'
  | 'redacted'
  | 'unsupported-type'
  | 'notice'
  | 'edit'
  | 'unsupported-msgtype'
  | 'not-a-rating';

/** A message for the core, a rating reaction, or an ignored event. */
export type MappedEvent =
  | { kind: 'message'; message: IncomingMessage; reference: MatrixReference }
  | { kind: 'reaction'; eventId: string; targetEventId: string; userId: string; rating: 1 | -1 }
  /** An event removed by its sender (or a moderator): a removed 👍/👎 reaction withdraws its rating. */
  | { kind: 'redaction'; redactedEventId: string; userId: string }
  | { kind: 'ignored'; reason: IgnoreReason };

/** Matrix's usual moderator level (Element's "Moderator"): who may change the room's settings. */
export const MODERATOR_POWER_LEVEL = 50;

const FILE_TYPES = new Set(['m.file', 'm.image', 'm.audio', 'm.video']);

/** Maps one room event. Never throws. */
export function mapEvent(event: RawMatrixEvent, context: MappingContext): MappedEvent {
  const { event_id: eventId, type, sender, content } = event;
  if (typeof eventId !== 'string' || typeof type !== 'string' || typeof sender !== 'string' || !isRecord(content)) return ignored('malformed');
  if (sender === context.bot.userId) return ignored('own-event');
  if (isRecord(event.unsigned) && event.unsigned.redacted_because !== undefined) return ignored('redacted');
  if (typeof event.origin_server_ts === 'number' && Date.parse(context.receivedAt) - event.origin_server_ts > context.maxAgeMs) return ignored('too-old');
  if (type === 'm.reaction') return mapReaction(eventId, sender, content);
  if (type === 'm.room.redaction') {
    const redacts = typeof content.redacts === 'string' ? content.redacts : event.redacts;
    return typeof redacts === 'string' ? { kind: 'redaction', redactedEventId: redacts, userId: sender } : ignored('malformed');
  }
  if (type !== 'm.room.message') return ignored('unsupported-type');
  const relation = relationOf(content);
  if (relation.relType === 'm.replace') return ignored('edit');
  const msgtype = content.msgtype;
  if (msgtype === 'm.notice') return ignored('notice');
  if (msgtype !== 'm.text' && !(typeof msgtype === 'string' && FILE_TYPES.has(msgtype))) return ignored('unsupported-msgtype');
  const attachments = msgtype === 'm.text' ? [] : fileAttachment(msgtype as string, content);
  const rawText = msgtype === 'm.text' ? messageText(content) : captionOf(content);
  if (rawText === undefined) return ignored('malformed');

  const threadRoot = threadRootOf(content);
  const replyTo = genuineReplyOf(content);
  const mentioned = (msgtype === 'm.text' || rawText !== '') && mentionsBot(content, rawText, context.bot);
  const addressed = context.isDirect || mentioned || (replyTo !== undefined && context.repliedToSender === context.bot.userId) || (threadRoot !== undefined && context.botInThread);
  // In rooms the bot answers inside a thread: the event's own thread, or a new one rooted at the question.
  const threadRootId = threadRoot ?? (context.isDirect ? undefined : eventId);
  const reference: MatrixReference = { roomId: context.roomId, isDirect: context.isDirect, replyToEventId: eventId, ...(threadRootId ? { threadRootId } : {}) };
  const message: IncomingMessage = {
    channel: 'matrix',
    id: eventId,
    conversation: addressOf(reference),
    sender: { id: sender, ...(context.senderDisplayName ? { displayName: context.senderDisplayName } : {}) },
    text: rawText === '' ? '' : removeBotMention(rawText, context.bot),
    addressedToBot: addressed,
    isDirect: context.isDirect,
    ...(threadRootId ? { roomKey: conversationKey(context.roomId) } : {}),
    ...(context.isDirect || (context.senderPowerLevel ?? 0) >= MODERATOR_POWER_LEVEL ? { senderIsModerator: true } : {}),
    ...(threadRootId ? { threadId: threadRootId } : {}),
    ...(replyTo ? { replyToId: replyTo } : {}),
    attachments,
    ...(context.groups && context.groups.length > 0 ? { groups: context.groups } : {}),
    receivedAt: context.receivedAt,
    ...(typeof event.origin_server_ts === 'number' && Number.isFinite(event.origin_server_ts) ? { sentAt: new Date(event.origin_server_ts).toISOString() } : {}),
  };
  return { kind: 'message', message, reference };
}

function mapReaction(eventId: string, sender: string, content: Record<string, unknown>): MappedEvent {
  const relation = relationOf(content);
  if (relation.relType !== 'm.annotation' || !relation.eventId || relation.key === undefined) return ignored('malformed');
  const rating = ratingOf(relation.key);
  if (rating === undefined) return ignored('not-a-rating');
  return { kind: 'reaction', eventId, targetEventId: relation.eventId, userId: sender, rating };
}

function fileAttachment(msgtype: string, content: Record<string, unknown>): Attachment[] {
  const info = isRecord(content.info) ? content.info : {};
  const locator = typeof content.url === 'string' ? { url: content.url } : isRecord(content.file) ? { file: content.file } : undefined;
  if (!locator) return [];
  const name = typeof content.filename === 'string' ? content.filename : typeof content.body === 'string' ? content.body : 'fichier';
  return [
    {
      name: name.slice(0, 255),
      contentType: typeof info.mimetype === 'string' ? info.mimetype : msgtype === 'm.image' ? 'image/*' : 'application/octet-stream',
      ...(typeof info.size === 'number' ? { size: info.size } : {}),
      locator,
    },
  ];
}

/**
 * Caption of a file message (media captions, MSC2530, Matrix 1.10): when `filename` is present and differs
 * from `body`, `body` is the caption ("résume" sent with the document). Otherwise there is none.
 */
function captionOf(content: Record<string, unknown>): string {
  if (typeof content.filename !== 'string' || typeof content.body !== 'string' || content.body === content.filename) return '';
  return messageText(content) ?? '';
}

function ignored(reason: IgnoreReason): MappedEvent {
  return { kind: 'ignored', reason };
}
