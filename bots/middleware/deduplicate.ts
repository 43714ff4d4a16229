import type { Stage } from '../pipeline.ts';
import type { SeenKeys } from '../../state/state-store.ts';

/** Drops a message already handled (channels redeliver; restarts replay). Ids are remembered for `ttlMs`. */
export function deduplicate(state: SeenKeys, ttlMs = 7 * 24 * 3_600_000): Stage {
  return {
    name: 'dedupe',
    async handle(turn) {
      if (turn.released) return true; // seen when it was held
      return state.markSeen(`message:${turn.message.channel}:${turn.message.id}`, ttlMs);
    },
  };
}
