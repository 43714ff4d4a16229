import { genuineReplyOf, isRecord, mentionsBot, messageText, ratingOf, relationOf, removeBotMention, threadRootOf, } from "./event-content.js";
import { addressOf } from "./reference.js";
const FILE_TYPES = new Set(['m.file', 'm.image', 'm.audio', 'm.video']);
/** Maps one room event. Never throws. */
export function mapEvent(event, context) {
    const { event_id: eventId, type, sender, content } = event;
    if (typeof eventId !== 'string' || typeof type !== 'string' || typeof sender !== 'string' || !isRecord(content))
        return ignored('malformed');
    if (sender === context.bot.userId)
        return ignored('own-event');
    if (isRecord(event.unsigned) && event.unsigned.redacted_because !== undefined)
        return ignored('redacted');
    if (typeof event.origin_server_ts === 'number' && Date.parse(context.receivedAt) - event.origin_server_ts > context.maxAgeMs)
        return ignored('too-old');
    if (type === 'm.reaction')
        return mapReaction(eventId, sender, content);
    if (type !== 'm.room.message')
        return ignored('unsupported-type');
    const relation = relationOf(content);
    if (relation.relType === 'm.replace')
        return ignored('edit');
    const msgtype = content.msgtype;
    if (msgtype === 'm.notice')
        return ignored('notice');
    if (msgtype !== 'm.text' && !(typeof msgtype === 'string' && FILE_TYPES.has(msgtype)))
        return ignored('unsupported-msgtype');
    const attachments = msgtype === 'm.text' ? [] : fileAttachment(msgtype, content);
    const rawText = msgtype === 'm.text' ? messageText(content) : captionOf(content);
    if (rawText === undefined)
        return ignored('malformed');
    const threadRoot = threadRootOf(content);
    const replyTo = genuineReplyOf(content);
    const mentioned = (msgtype === 'm.text' || rawText !== '') && mentionsBot(content, rawText, context.bot);
    const addressed = context.isDirect || mentioned || (replyTo !== undefined && context.repliedToSender === context.bot.userId) || (threadRoot !== undefined && context.botInThread);
    // In rooms the bot answers inside a thread: the event's own thread, or a new one rooted at the question.
    const threadRootId = threadRoot ?? (context.isDirect ? undefined : eventId);
    const reference = { roomId: context.roomId, isDirect: context.isDirect, replyToEventId: eventId, ...(threadRootId ? { threadRootId } : {}) };
    const message = {
        channel: 'matrix',
        id: eventId,
        conversation: addressOf(reference),
        sender: { id: sender, ...(context.senderDisplayName ? { displayName: context.senderDisplayName } : {}) },
        text: rawText === '' ? '' : removeBotMention(rawText, context.bot),
        addressedToBot: addressed,
        isDirect: context.isDirect,
        ...(threadRootId ? { threadId: threadRootId } : {}),
        ...(replyTo ? { replyToId: replyTo } : {}),
        attachments,
        ...(context.groups && context.groups.length > 0 ? { groups: context.groups } : {}),
        receivedAt: context.receivedAt,
        ...(typeof event.origin_server_ts === 'number' && Number.isFinite(event.origin_server_ts) ? { sentAt: new Date(event.origin_server_ts).toISOString() } : {}),
    };
    return { kind: 'message', message, reference };
}
function mapReaction(eventId, sender, content) {
    const relation = relationOf(content);
    if (relation.relType !== 'm.annotation' || !relation.eventId || relation.key === undefined)
        return ignored('malformed');
    const rating = ratingOf(relation.key);
    if (rating === undefined)
        return ignored('not-a-rating');
    return { kind: 'reaction', eventId, targetEventId: relation.eventId, userId: sender, rating };
}
function fileAttachment(msgtype, content) {
    const info = isRecord(content.info) ? content.info : {};
    const locator = typeof content.url === 'string' ? { url: content.url } : isRecord(content.file) ? { file: content.file } : undefined;
    if (!locator)
        return [];
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
function captionOf(content) {
    if (typeof content.filename !== 'string' || typeof content.body !== 'string' || content.body === content.filename)
        return '';
    return messageText(content) ?? '';
}
function ignored(reason) {
    return { kind: 'ignored', reason };
}
