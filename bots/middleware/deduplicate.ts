import type { Stage, Turn } from '../pipeline.ts';
import type { SeenKeys } from '../../state/state-store.ts';

/**
 * Drops a message already handled (channels redeliver; restarts replay). A message counts as handled only
 * once the pipeline is over for it — answered, refused or failed with a French message — so a bot that dies
 * while answering answers the redelivered message after its restart (the replies then carry the same
 * idempotency keys: a channel that honours them resumes the message it had started instead of posting a
 * second one). While it is in progress, a second delivery in this process is dropped. Ids are remembered
 * for `ttlMs`.
 */
export function deduplicate(state: SeenKeys, ttlMs = 7 * 24 * 3_600_000): Stage {
  const inProgress = new Set<string>();
  const keyOf = (turn: Turn): string => `message:${turn.message.channel}:${turn.message.id}`;
  return {
    name: 'dedupe',
    async handle(turn) {
      if (turn.released) return true; // seen when it was held
      const key = keyOf(turn);
      if (inProgress.has(key)) return false;
      inProgress.add(key);
      try {
        if (!(await state.hasSeen(key))) return true;
      } catch (error) {
        inProgress.delete(key);
        throw error;
      }
      inProgress.delete(key);
      return false;
    },
    async after(turn) {
      const key = keyOf(turn);
      try {
        await state.markSeen(key, ttlMs);
      } finally {
        inProgress.delete(key);
      }
    },
  };
}
