import { TurnContext, type Activity, type ConversationReference } from 'botbuilder';
import type { Attachment, ConversationAddress, IncomingMessage } from '../../bots/message.ts';
import type { StoredReference } from '../../bots/message.ts';
import { parseFeedback, type FeedbackInput } from './feedback.ts';

/**
 * Pure mapping of Teams activities (Bot Framework schema) to what the core understands. No I/O: the inbound
 * handler decides what to do with the result. Contracts:
 * - personal chats are always addressed to the bot; channels and group chats only when an `@mention` entity
 *   names the bot (`mentioned.id === recipient.id`); the mention's `text` is cut out of the message text;
 * - a channel message is answered in its thread: the reference's conversation id carries `;messageid=<root>`;
 * - the address key is `teams:${conversation.id}` (thread included), the same key as the stored reference.
 */

/** What an incoming activity means for Passerelle. */
export type TeamsEvent =
  | { kind: 'message'; message: IncomingMessage; reference: StoredReference }
  | { kind: 'install'; reference: StoredReference; personal: boolean; installerId: string | undefined }
  | { kind: 'uninstall'; key: string; reason: string }
  | { kind: 'feedback'; feedback: FeedbackInput }
  | { kind: 'unsupported-invoke'; name: string }
  | { kind: 'ignored'; reason: string };

/**
 * The opaque reference kept in ConversationAddress.reference and StoredReference.reference. For channel
 * messages it also keeps the team (`teamsTeam`: thread id and, when Teams gives it, the Microsoft 365 group
 * id Graph needs to read the thread); botbuilder and outgoing activities ignore that field.
 */
export type TeamsReference = Partial<ConversationReference> & { teamsTeam?: { id?: string; aadGroupId?: string } };

const THREAD_MARKER = ';messageid=';

export function classifyActivity(activity: Partial<Activity>, now: Date = new Date()): TeamsEvent {
  switch (activity.type) {
    case 'message':
      if (activity.from?.id && activity.from.id === activity.recipient?.id) return { kind: 'ignored', reason: 'own message' };
      return { kind: 'message', message: toIncomingMessage(activity, now), reference: storedReferenceOf(activity, now) };
    case 'conversationUpdate':
      if (activity.membersAdded?.some((member) => member.id === activity.recipient?.id)) return installEvent(activity, now);
      if (activity.membersRemoved?.some((member) => member.id === activity.recipient?.id)) return { kind: 'uninstall', key: addressOf(activity).key, reason: 'removed from conversation' };
      return { kind: 'ignored', reason: 'member change' };
    case 'installationUpdate': {
      const action = String(activity.action ?? '');
      if (action.startsWith('add')) return installEvent(activity, now);
      if (action.startsWith('remove')) return { kind: 'uninstall', key: addressOf(activity).key, reason: 'uninstalled' };
      return { kind: 'ignored', reason: `installation ${action}` };
    }
    case 'invoke': {
      const name = String(activity.name ?? '');
      const feedback = name === 'message/submitAction' ? parseFeedback(activity) : undefined;
      return feedback ? { kind: 'feedback', feedback } : { kind: 'unsupported-invoke', name };
    }
    default:
      return { kind: 'ignored', reason: `activity ${String(activity.type)}` };
  }
}

function installEvent(activity: Partial<Activity>, now: Date): TeamsEvent {
  return { kind: 'install', reference: storedReferenceOf(activity, now), personal: isPersonalConversation(activity.conversation), installerId: senderIdOf(activity) };
}

/** Tenant of the activity: channelData.tenant.id first (Teams), else conversation.tenantId. */
export function tenantOf(activity: Partial<Activity>): string | undefined {
  const channelData = activity.channelData as { tenant?: { id?: unknown } } | undefined;
  const fromChannelData = channelData?.tenant?.id;
  if (typeof fromChannelData === 'string' && fromChannelData) return fromChannelData;
  return activity.conversation?.tenantId || undefined;
}

/** A one-to-one chat with the bot. Without conversationType (emulator), a conversation that is not a group. */
export function isPersonalConversation(conversation: { conversationType?: string; isGroup?: boolean } | undefined): boolean {
  const type = conversation?.conversationType;
  return type ? type === 'personal' : conversation?.isGroup !== true;
}

/** Stable user id: the Entra object id when Teams gives it, else the channel account id (29:…); strings only. */
function senderIdOf(activity: Partial<Activity>): string | undefined {
  const { aadObjectId, id } = (activity.from ?? {}) as { aadObjectId?: unknown; id?: unknown };
  if (typeof aadObjectId === 'string' && aadObjectId) return aadObjectId;
  return typeof id === 'string' && id ? id : undefined;
}

/** Reference used to answer: the conversation, with the channel thread for channel messages. */
export function conversationReferenceOf(activity: Partial<Activity>): TeamsReference {
  const reference = TurnContext.getConversationReference(activity);
  // Stored and sent back with every reply: only the fields Teams defines, never whatever else the request carried.
  if (reference.conversation) reference.conversation = pick(reference.conversation, ['id', 'name', 'conversationType', 'tenantId', 'isGroup']) as unknown as typeof reference.conversation;
  if (reference.user) reference.user = pick(reference.user, ['id', 'name', 'aadObjectId', 'role']) as unknown as typeof reference.user;
  if (reference.bot) reference.bot = pick(reference.bot, ['id', 'name', 'role']) as unknown as typeof reference.bot;
  const conversation = reference.conversation;
  if (activity.type === 'message' && conversation?.conversationType === 'channel' && !conversation.id.includes(THREAD_MARKER)) {
    const root = activity.replyToId || activity.id;
    if (root) reference.conversation = { ...conversation, id: `${conversation.id}${THREAD_MARKER}${root}` };
  }
  const team = (activity.channelData as { team?: { id?: unknown; aadGroupId?: unknown } } | undefined)?.team;
  if (conversation?.conversationType === 'channel' && team && (typeof team.id === 'string' || typeof team.aadGroupId === 'string')) {
    (reference as TeamsReference).teamsTeam = {
      ...(typeof team.id === 'string' ? { id: team.id } : {}),
      ...(typeof team.aadGroupId === 'string' ? { aadGroupId: team.aadGroupId } : {}),
    };
  }
  return reference;
}

/** The listed fields of `value` that are strings or booleans. */
function pick(value: object, keys: readonly string[]): Record<string, string | boolean> {
  const out: Record<string, string | boolean> = {};
  for (const key of keys) {
    const inner = (value as Record<string, unknown>)[key];
    if (typeof inner === 'string' || typeof inner === 'boolean') out[key] = inner;
  }
  return out;
}

export function addressOf(activity: Partial<Activity>): ConversationAddress {
  const reference = conversationReferenceOf(activity);
  return { key: `teams:${reference.conversation?.id ?? ''}`, reference };
}

export function storedReferenceOf(activity: Partial<Activity>, now: Date = new Date()): StoredReference {
  const address = addressOf(activity);
  const personal = isPersonalConversation(activity.conversation);
  const userId = personal ? senderIdOf(activity) : undefined;
  const tenant = tenantOf(activity);
  return {
    key: address.key,
    channel: 'teams',
    reference: address.reference,
    ...(userId ? { userId } : {}),
    ...(tenant ? { tenant } : {}),
    isDirect: personal,
    active: true,
    updatedAt: now.toISOString(),
  };
}

/** Root message id of a channel thread, when the conversation is one. */
export function threadRootOf(reference: TeamsReference): string | undefined {
  const id = reference.conversation?.id ?? '';
  const at = id.indexOf(THREAD_MARKER);
  return at >= 0 ? id.slice(at + THREAD_MARKER.length) : undefined;
}

/**
 * The message text without the bot's mention, and whether the bot was mentioned. Mentions are found through
 * the activity's `mention` entities, never by matching the bot's name: other people's mentions keep their
 * display name, without the `<at>` markup.
 */
export function stripMentions(activity: Partial<Activity>): { text: string; mentioned: boolean } {
  let text = typeof activity.text === 'string' ? activity.text : '';
  let mentioned = false;
  for (const entity of activity.entities ?? []) {
    if (entity.type !== 'mention') continue;
    const mention = entity as { text?: unknown; mentioned?: { id?: unknown; name?: unknown } };
    const markup = typeof mention.text === 'string' ? mention.text : '';
    if (mention.mentioned?.id !== undefined && mention.mentioned.id === activity.recipient?.id) {
      mentioned = true;
      if (markup) text = text.split(markup).join(' ');
    } else if (markup) {
      const name = typeof mention.mentioned?.name === 'string' ? mention.mentioned.name : markup.replace(/<\/?at>/g, '');
      text = text.split(markup).join(name);
    }
  }
  // A mention removed mid-sentence leaves "Bonjour , …": spaces are collapsed and dropped before , and .
  text = text.replace(/&nbsp;/g, ' ').replace(/[ \t\u00a0]+/g, ' ').replace(/ ([,.])/g, '$1').replace(/ *\n */g, '\n').trim();
  return { text, mentioned };
}

/** Content type of a file sent to the bot in a personal chat (OneDrive file, pre-authenticated download URL). */
export const FILE_DOWNLOAD_INFO = 'application/vnd.microsoft.teams.file.download.info';

/**
 * Where an attachment's bytes are, as kept in Attachment.locator:
 * - `file`: a file.download.info attachment; `url` is `content.downloadUrl`, a short-lived pre-authenticated
 *   URL fetched without any token;
 * - `content`: an inline image or other attachment; `url` is `contentUrl`, fetched with the bot's connector
 *   token when it lives on the conversation's service (`serviceUrl`).
 */
export interface TeamsAttachmentLocator {
  kind: 'file' | 'content';
  url: string | undefined;
  name: string;
  serviceUrl?: string;
  size?: number;
  fileType?: string;
}

/** Files the user attached (Teams file download info, images); the HTML copy of the message body is skipped. */
export function attachmentsOf(activity: Partial<Activity>): Attachment[] {
  return (activity.attachments ?? [])
    .filter((attachment) => attachment.contentType !== 'text/html' && !attachment.contentType?.startsWith('application/vnd.microsoft.card'))
    .map((attachment) => {
      const content = attachment.content as { downloadUrl?: unknown; fileType?: unknown; size?: unknown } | undefined;
      const isFile = attachment.contentType === FILE_DOWNLOAD_INFO;
      const downloadUrl = typeof content?.downloadUrl === 'string' ? content.downloadUrl : undefined;
      const name = attachment.name ?? 'pièce jointe';
      const size = typeof content?.size === 'number' && Number.isFinite(content.size) && content.size >= 0 ? content.size : undefined;
      const locator: TeamsAttachmentLocator = {
        kind: isFile ? 'file' : 'content',
        url: isFile ? downloadUrl : (attachment.contentUrl ?? downloadUrl),
        name,
        ...(activity.serviceUrl ? { serviceUrl: activity.serviceUrl } : {}),
        ...(size !== undefined ? { size } : {}),
        ...(typeof content?.fileType === 'string' ? { fileType: content.fileType } : {}),
      };
      return { name, contentType: attachment.contentType, ...(size !== undefined ? { size } : {}), locator };
    });
}

export function toIncomingMessage(activity: Partial<Activity>, now: Date = new Date()): IncomingMessage {
  const address = addressOf(activity);
  const personal = isPersonalConversation(activity.conversation);
  const { text, mentioned } = stripMentions(activity);
  const reference = address.reference as TeamsReference;
  const threadId = personal ? undefined : threadRootOf(reference);
  const senderId = senderIdOf(activity) ?? 'inconnu';
  return {
    channel: 'teams',
    // Teams activity ids are unique within a conversation only.
    id: `${activity.conversation?.id ?? ''}|${activity.id ?? now.getTime()}`,
    conversation: address,
    sender: { id: senderId, ...(activity.from?.name ? { displayName: activity.from.name } : {}) },
    text,
    addressedToBot: personal || mentioned,
    isDirect: personal,
    // The channel of a thread (its settings' key); owners of teams and group chats are looked up by the handler.
    ...(threadId ? { roomKey: address.key.slice(0, address.key.indexOf(THREAD_MARKER)) } : {}),
    ...(personal ? { senderIsModerator: true } : {}),
    ...(threadId ? { threadId } : {}),
    ...(activity.replyToId ? { replyToId: activity.replyToId } : {}),
    attachments: attachmentsOf(activity),
    receivedAt: now.toISOString(),
  };
}
