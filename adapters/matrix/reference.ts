import type { ConversationAddress } from '../../bots/message.ts';

/**
 * The Matrix channel's conversation reference, stored by the core (StoredReference.reference) and given back
 * to `send`. `replyToEventId` is only set on the address of an incoming message (reply fallbacks); it is not
 * stored for proactive sends.
 */
export interface MatrixReference {
  roomId: string;
  /** Thread the conversation lives in (in rooms, the bot always answers inside a thread). */
  threadRootId?: string;
  isDirect: boolean;
  /** Event the reply answers, for the thread's `m.in_reply_to` fallback. */
  replyToEventId?: string;
}

/** Conversation key: `matrix:${roomId}`, plus `:${threadRootId}` in a thread. */
export function conversationKey(roomId: string, threadRootId?: string): string {
  return threadRootId ? `matrix:${roomId}:${threadRootId}` : `matrix:${roomId}`;
}

/** The core's address for a reference. */
export function addressOf(reference: MatrixReference): ConversationAddress {
  return { key: conversationKey(reference.roomId, reference.threadRootId), reference };
}

/** Reads a reference given back by the core (stored JSON): undefined when it is not a Matrix reference. */
export function parseReference(value: unknown): MatrixReference | undefined {
  if (!value || typeof value !== 'object') return undefined;
  const candidate = value as Record<string, unknown>;
  if (typeof candidate.roomId !== 'string' || !candidate.roomId.startsWith('!')) return undefined;
  return {
    roomId: candidate.roomId,
    isDirect: candidate.isDirect === true,
    ...(typeof candidate.threadRootId === 'string' ? { threadRootId: candidate.threadRootId } : {}),
    ...(typeof candidate.replyToEventId === 'string' ? { replyToEventId: candidate.replyToEventId } : {}),
  };
}

/** The part of a reference worth storing (no reply target). */
export function storableReference(reference: MatrixReference): MatrixReference {
  return { roomId: reference.roomId, isDirect: reference.isDirect, ...(reference.threadRootId ? { threadRootId: reference.threadRootId } : {}) };
}

/** Homeserver part of a Matrix id (`@user:server` → `server`). */
export function serverOf(matrixId: string): string {
  const index = matrixId.indexOf(':');
  return index < 0 ? '' : matrixId.slice(index + 1);
}
