/** Drops a message already handled (channels redeliver; restarts replay). Ids are remembered for `ttlMs`. */
export function deduplicate(state, ttlMs = 7 * 24 * 3_600_000) {
    return {
        name: 'dedupe',
        async handle(turn) {
            return state.markSeen(`message:${turn.message.channel}:${turn.message.id}`, ttlMs);
        },
    };
}
