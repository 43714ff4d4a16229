import { foldText } from '../../knowledge/analysis/normalise.ts';
import type { ConversationMemory } from '../conversation-memory.ts';
import type { Logger } from '../logger.ts';
import type { Stage } from '../pipeline.ts';
import type { IncomingMessage } from '../message.ts';
import type { SeenKeys } from '../../state/state-store.ts';
import { isCommand } from './rate-limit.ts';

/** Longest earlier message kept as context (characters). */
const MAX_ENTRY_CHARS = 1_500;
/** A mention that only invites the bot to answer what the thread asked ("@Passerelle ?", "tu peux répondre ?"). */
const INVITATION = /^(?:\?*|(?:tu|vous) (?:peux|pouvez|pourrais|pourriez) (?:repondre|nous aider|aider|regarder|confirmer)(?: \S+){0,3} ?\?*|qu'en (?:penses|pensez|dis|dites|dit)[\w -]*\?*|(?:une |des )?(?:idee|idees|avis|reponse) ?\?*|(?:on a besoin de toi|a toi|a vous) ?\?*)$/;

/**
 * Calling the bot into a thread it has not answered in: a mention inside an existing thread (Tchap thread,
 * Teams channel thread) is answered there, with the thread's earlier messages as context. The first time
 * (per memory lifetime), the thread's last messages are read through the channel's `history` (what the
 * channel lets the bot see) and kept as earlier turns of the conversation, so that a follow-up ("et pour
 * un contractuel ?") is understood; a bare mention, or one that only invites the bot to answer, asks the
 * thread's question (its first message kept and its latest). The earlier messages are what agents wrote: they reach the chat model only as
 * the follow-up resolution sends them (the agents' words, redacted of personal data), never the bot's own
 * answers (which may quote passages above the model's clearance). Reading the history may fail: the
 * question is then answered without it.
 */
export function threadContext(deps: { memory: ConversationMemory; seen: SeenKeys; logger: Logger; turns: number; ttlMs: number }): Stage {
  return {
    name: 'thread-context',
    async handle(turn) {
      const { message } = turn;
      if (message.isDirect || !message.threadId || startsThread(message) || !turn.channel.history || deps.turns <= 0) return true;
      if (isCommand(message.text)) return true;
      const key = message.conversation.key;
      if ((await deps.memory.recent(key)).length > 0) return true; // the bot is already in this conversation
      if (!(await deps.seen.markSeen(`thread-context:${key}`, deps.ttlMs))) return true;
      let earlier: Array<{ sender: string; text: string }>;
      try {
        const history = await turn.channel.history(message.conversation, deps.turns + 2);
        earlier = history
          .filter((entry) => entry.id !== message.id && !entry.fromBot && entry.text.trim() !== '')
          .slice(-deps.turns)
          .map((entry) => ({ sender: entry.sender, text: entry.text.trim().slice(0, MAX_ENTRY_CHARS) }));
      } catch (error) {
        deps.logger.warn('thread history unavailable, answering without it', { channel: message.channel, error });
        return true;
      }
      if (earlier.length === 0) return true;
      const now = Date.now();
      for (const [index, entry] of earlier.entries()) {
        await deps.memory.remember(key, { role: 'user', text: entry.text, at: new Date(now - (earlier.length - index)).toISOString() });
      }
      const asked = foldText(message.text.trim()).replace(/[!.…]+$/, '').trim();
      if (message.attachments.length === 0 && INVITATION.test(asked)) {
        // The thread's question: its first message kept (the root, usually) and the latest one, which often narrows it.
        const asks = [...new Set([earlier[0]!.text, earlier.at(-1)!.text])];
        turn.message = { ...message, text: asks.join('\n').slice(0, MAX_ENTRY_CHARS) };
      }
      return true;
    },
  };
}

/**
 * Whether the message roots its own thread (a new question in a room: the bot answers in a thread on it)
 * rather than being posted in an existing one. The thread id is then the message's own channel id: the
 * whole id (Tchap event id) or its last part (Teams `…|{activity id}`).
 */
export function startsThread(message: Pick<IncomingMessage, 'id' | 'threadId'>): boolean {
  return message.threadId === message.id || (message.threadId !== undefined && message.id.endsWith(`|${message.threadId}`));
}
