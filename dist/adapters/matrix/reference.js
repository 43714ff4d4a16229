/** Conversation key: `matrix:${roomId}`, plus `:${threadRootId}` in a thread. */
export function conversationKey(roomId, threadRootId) {
    return threadRootId ? `matrix:${roomId}:${threadRootId}` : `matrix:${roomId}`;
}
/** The core's address for a reference. */
export function addressOf(reference) {
    return { key: conversationKey(reference.roomId, reference.threadRootId), reference };
}
/** Reads a reference given back by the core (stored JSON): undefined when it is not a Matrix reference. */
export function parseReference(value) {
    if (!value || typeof value !== 'object')
        return undefined;
    const candidate = value;
    if (typeof candidate.roomId !== 'string' || !candidate.roomId.startsWith('!'))
        return undefined;
    return {
        roomId: candidate.roomId,
        isDirect: candidate.isDirect === true,
        ...(typeof candidate.threadRootId === 'string' ? { threadRootId: candidate.threadRootId } : {}),
        ...(typeof candidate.replyToEventId === 'string' ? { replyToEventId: candidate.replyToEventId } : {}),
    };
}
/** The part of a reference worth storing (no reply target). */
export function storableReference(reference) {
    return { roomId: reference.roomId, isDirect: reference.isDirect, ...(reference.threadRootId ? { threadRootId: reference.threadRootId } : {}) };
}
/** Homeserver part of a Matrix id (`@user:server` → `server`). */
export function serverOf(matrixId) {
    const index = matrixId.indexOf(':');
    return index < 0 ? '' : matrixId.slice(index + 1);
}
