import { Direction } from 'matrix-js-sdk';
import { isRecord, messageText, relationOf, threadRootOf } from "./event-content.js";
const PAGE = 100;
const MAX_PAGES = 20;
const TEXT_TYPES = new Set(['m.text', 'm.emote', 'm.notice']);
/** Reads up to `limit` messages of the conversation (see the module comment). */
export async function readHistory(client, reference, limit, botUserId) {
    if (limit <= 0)
        return [];
    // In rooms a new question roots its own thread: "résume la conversation" there means the room.
    const threadRoot = reference.threadRootId && reference.threadRootId !== reference.replyToEventId ? reference.threadRootId : undefined;
    const mapper = client.getEventMapper({ decrypt: true, preventReEmit: true });
    const room = client.getRoom(reference.roomId);
    const collected = [];
    const edits = new Map();
    const seen = new Set();
    let from = null;
    for (let page = 0; page < MAX_PAGES; page++) {
        const response = await client.createMessagesRequest(reference.roomId, from, Math.min(PAGE, Math.max(limit * 2, 20)), Direction.Backward);
        const events = (response.chunk ?? []).map((raw) => mapper(raw));
        await Promise.all(events.map((event) => client.decryptEventIfNeeded(event).catch(() => undefined)));
        for (const event of events) {
            const id = event.getId() ?? '';
            if (seen.has(id))
                continue;
            seen.add(id);
            if (event.getType() !== 'm.room.message' || event.isDecryptionFailure() || event.isRedacted() || isRecord(event.getUnsigned().redacted_because))
                continue;
            const content = event.getContent();
            const relation = relationOf(content);
            if (relation.relType === 'm.replace') {
                // Read newest first: the first edit met is the latest one.
                if (relation.eventId && event.getSender() && !edits.has(relation.eventId) && isRecord(content['m.new_content']))
                    edits.set(relation.eventId, { ...content['m.new_content'], __editor: event.getSender() });
                continue;
            }
            if (event.getId() === reference.replyToEventId)
                continue;
            if (threadRoot && event.getId() !== threadRoot && threadRootOf(content) !== threadRoot)
                continue;
            // The bot's own messages are left out: notices and progress, but also its answers (generated text
            // with citations and footers, which would crowd out what people said and be summarised twice).
            if (event.getSender() === botUserId)
                continue;
            collected.push(event);
        }
        if (collected.length >= limit || !response.end || response.end === from || events.length === 0)
            break;
        from = response.end;
    }
    const entries = [];
    for (const event of collected.slice(0, limit).reverse()) {
        const sender = event.getSender() ?? '';
        const edit = edits.get(event.getId() ?? '');
        const content = edit && edit.__editor === sender ? edit : event.getContent();
        const text = textOf(content);
        if (!text)
            continue;
        const name = room?.getMember(sender)?.name;
        entries.push({ sender: name && name !== sender ? name : sender, text, at: new Date(event.getTs()).toISOString() });
    }
    return entries;
}
function textOf(content) {
    const msgtype = content.msgtype;
    if (typeof msgtype === 'string' && TEXT_TYPES.has(msgtype))
        return messageText(content)?.trim() || undefined;
    return undefined;
}
