import { PasserelleError } from '../../bots/errors.ts';
import type { ConversationAddress } from '../../bots/message.ts';
import { threadRootOf, type TeamsReference } from './activity-mapper.ts';
import type { GraphChatMessage } from './graph-directory.ts';

/**
 * Recent messages of a Teams conversation, for « résume la conversation ». The Bot Connector cannot read
 * history, so it comes from Microsoft Graph (client credentials of the bot's app registration):
 * - group chat: `GET /chats/{conversation.id}/messages` (the conversation id is the Graph chat id);
 * - personal chat: the same on `19:{user aadObjectId}_{bot app id}@unq.gbl.spaces`;
 * - channel thread: `GET /teams/{team group id}/channels/{channel id}/messages/{root}` and its `/replies`;
 *   the team's Microsoft 365 group id comes from the activity's `channelData.team.aadGroupId`.
 * Without Graph (anonymous mode, no secret/certificate) or without the ids needed, the request is refused
 * with SUMMARY_REQUEST_INVALID. Only user and bot messages are kept (system events and deleted messages are
 * not), their HTML is reduced to text, oldest first.
 */

export interface HistorySource {
  chatMessages(chatId: string, limit: number): Promise<GraphChatMessage[]>;
  threadMessages(teamId: string, channelId: string, rootId: string, limit: number): Promise<GraphChatMessage[]>;
}

export interface HistoryEntry {
  sender: string;
  text: string;
  at: string;
  /** `${conversation id}|${message id}`, the form of IncomingMessage.id (activity-mapper.ts). */
  id?: string;
  fromBot?: boolean;
}

const THREAD_MARKER = ';messageid=';

export async function readHistory(source: HistorySource | undefined, appId: string, address: ConversationAddress, limit: number): Promise<HistoryEntry[]> {
  if (!source) throw new PasserelleError('SUMMARY_REQUEST_INVALID', {}, { cause: new Error('Teams history needs Microsoft Graph (app credentials)') });
  const reference = (address.reference ?? {}) as TeamsReference;
  const conversation = reference.conversation;
  const id = conversation?.id ?? '';
  const type = conversation?.conversationType ?? (conversation?.isGroup ? 'groupChat' : 'personal');
  let messages: GraphChatMessage[];
  if (type === 'channel') {
    const root = threadRootOf(reference);
    const channelId = id.split(THREAD_MARKER)[0] ?? '';
    const teamId = reference.teamsTeam?.aadGroupId;
    if (!root || !channelId || !teamId) throw new PasserelleError('SUMMARY_REQUEST_INVALID', {}, { cause: new Error('channel thread without team group id or root message id') });
    messages = await source.threadMessages(teamId, channelId, root, limit);
  } else if (type === 'personal') {
    const userId = reference.user?.aadObjectId;
    if (!userId || !appId) throw new PasserelleError('SUMMARY_REQUEST_INVALID', {}, { cause: new Error('personal chat without user aadObjectId') });
    messages = await source.chatMessages(`19:${userId}_${appId}@unq.gbl.spaces`, limit);
  } else {
    if (!id) throw new PasserelleError('SUMMARY_REQUEST_INVALID', {}, { cause: new Error('chat without id') });
    messages = await source.chatMessages(id, limit);
  }
  return messages.flatMap((message) => {
    if ((message.messageType && message.messageType !== 'message') || message.deletedDateTime) return [];
    const content = message.body?.content ?? '';
    const text = message.body?.contentType === 'text' ? content.trim() : htmlToText(content);
    if (!text) return [];
    const sender = message.from?.user?.displayName || message.from?.application?.displayName || 'inconnu';
    return [{ sender, text, at: message.createdDateTime ?? '', ...(message.id ? { id: `${id}|${message.id}` } : {}), ...(!message.from?.user && message.from?.application ? { fromBot: true } : {}) }];
  });
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };

/** Teams message HTML to plain text: line breaks kept, tags and attachment markers dropped, entities decoded. */
export function htmlToText(html: string): string {
  return html
    .replace(/<attachment\b[^>]*>\s*<\/attachment>/gi, '')
    .replace(/<(script|style)\b[^>]*>[\s\S]*?<\/\1>/gi, '')
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<\/(p|div|li|h[1-6]|blockquote|tr)>/gi, '\n')
    .replace(/<[^>]*>/g, '')
    .replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (entity, name: string) => {
      if (name.startsWith('#x') || name.startsWith('#X')) return safeCodePoint(parseInt(name.slice(2), 16)) ?? entity;
      if (name.startsWith('#')) return safeCodePoint(parseInt(name.slice(1), 10)) ?? entity;
      return ENTITIES[name.toLowerCase()] ?? entity;
    })
    .replace(/[ \t\u00a0]+/g, ' ')
    .replace(/ *\n */g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

function safeCodePoint(code: number): string | undefined {
  return Number.isInteger(code) && code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : undefined;
}
