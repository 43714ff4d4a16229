/**
 * Pure helpers reading Matrix message content: relations (threads, replies, edits, annotations), reply
 * fallbacks, mentions of the bot and the text left once channel markup is removed. Content comes from
 * other users: every field is checked, nothing is trusted.
 */
/** Longest text handed to the core; Matrix events are at most 64 KiB, anything beyond is cut. */
export const MAX_TEXT_CHARS = 100_000;
/** Whether a value is a plain JSON object (not null, not an array). */
export function isRecord(value) {
    return typeof value === 'object' && value !== null && !Array.isArray(value);
}
function text(value) {
    return typeof value === 'string' ? value : undefined;
}
/** Reads `m.relates_to` of a content object (missing or malformed fields are left out). */
export function relationOf(content) {
    const relation = isRecord(content) && isRecord(content['m.relates_to']) ? content['m.relates_to'] : {};
    const reply = isRecord(relation['m.in_reply_to']) ? text(relation['m.in_reply_to'].event_id) : undefined;
    const relType = text(relation.rel_type);
    const eventId = text(relation.event_id);
    const key = text(relation.key);
    return {
        isFallingBack: relation.is_falling_back === true,
        ...(relType ? { relType } : {}),
        ...(eventId ? { eventId } : {}),
        ...(reply ? { inReplyTo: reply } : {}),
        ...(key !== undefined ? { key } : {}),
    };
}
/** Thread root of a content object, when it is a thread event. */
export function threadRootOf(content) {
    const relation = relationOf(content);
    return relation.relType === 'm.thread' ? relation.eventId : undefined;
}
/** The event a message genuinely replies to (not a thread's fallback reply). */
export function genuineReplyOf(content) {
    const relation = relationOf(content);
    if (relation.relType === 'm.thread' && relation.isFallingBack)
        return undefined;
    return relation.inReplyTo;
}
/** Removes the plain-text reply fallback: leading lines starting with ">" and the blank line after them. */
function stripReplyFallback(body) {
    const lines = body.split('\n');
    let index = 0;
    while (index < lines.length && lines[index].startsWith('>'))
        index += 1;
    if (index === 0)
        return body;
    if (index < lines.length && lines[index].trim() === '')
        index += 1;
    return lines.slice(index).join('\n');
}
/** Removes the HTML reply fallback (`<mx-reply>…</mx-reply>`). */
function stripHtmlReplyFallback(html) {
    return html.replace(/<mx-reply>[\s\S]*?<\/mx-reply>/gi, '');
}
/** Plain text of an HTML fragment (for messages that only carry formatted_body). */
export function htmlToText(html) {
    return stripHtmlReplyFallback(html)
        .replace(/<br\s*\/?>/gi, '\n')
        .replace(/<\/(p|div|li|h[1-6]|blockquote|pre)>/gi, '\n')
        .replace(/<[^>]*>/g, '')
        .replace(/&lt;/g, '<')
        .replace(/&gt;/g, '>')
        .replace(/&quot;/g, '"')
        .replace(/&#39;/g, "'")
        .replace(/&nbsp;/g, ' ')
        .replace(/&amp;/g, '&');
}
function escapeRegExp(value) {
    return value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
/**
 * Whether the message mentions the bot. `m.mentions` (intentional mentions) decides when present: only
 * `user_ids` containing the bot count (an @room mention does not). Without `m.mentions` (old clients), the
 * bot's user id anywhere in the body, its display name at the start of the body ("Passerelle : …"), or a
 * matrix.to pill to the bot in formatted_body count. The display name must lead the message because it may
 * be an ordinary word ("passerelle du navire").
 */
export function mentionsBot(content, body, bot) {
    const mentions = content['m.mentions'];
    if (mentions !== undefined) {
        return isRecord(mentions) && Array.isArray(mentions.user_ids) && mentions.user_ids.includes(bot.userId);
    }
    if (body.toLowerCase().includes(bot.userId.toLowerCase()))
        return true;
    if (bot.displayName && new RegExp(`^\\s*@?${escapeRegExp(bot.displayName)}(?![\\p{L}\\p{N}_-])`, 'iu').test(body))
        return true;
    const html = text(content.formatted_body);
    if (html === undefined)
        return false;
    const visible = stripHtmlReplyFallback(html);
    return visible.includes(`matrix.to/#/${bot.userId}`) || visible.includes(`matrix.to/#/${encodeURIComponent(bot.userId)}`);
}
/** The question once the bot's mention at the start, its user id anywhere and surrounding spaces are removed. */
export function removeBotMention(body, bot) {
    const names = [bot.userId, bot.displayName, `@${bot.displayName}`, localpart(bot.userId)].filter(Boolean).map(escapeRegExp);
    const leading = new RegExp(`^\\s*(?:${names.join('|')})(?![\\p{L}\\p{N}_-])\\s*[:,;]?\\s*`, 'iu');
    return body.replace(leading, '').split(bot.userId).join('').trim();
}
function localpart(userId) {
    const match = /^@([^:]+):/.exec(userId);
    return match ? `@${match[1]}` : '';
}
/** The message text: body (or formatted_body as text), reply fallback removed, capped at MAX_TEXT_CHARS. */
export function messageText(content) {
    const body = text(content.body);
    const html = text(content.formatted_body);
    const raw = body !== undefined && body.trim() !== '' ? stripReplyFallback(body) : html !== undefined ? htmlToText(html) : body;
    return raw === undefined ? undefined : raw.slice(0, MAX_TEXT_CHARS);
}
/** Normalises a reaction key: variation selectors and skin tones removed; shortcodes mapped. */
export function ratingOf(key) {
    const normalised = key.replace(/[\uFE0E\uFE0F]|\uD83C[\uDFFB-\uDFFF]/g, '').trim();
    if (['👍', ':+1:', ':thumbsup:'].includes(normalised))
        return 1;
    if (['👎', ':-1:', ':thumbsdown:'].includes(normalised))
        return -1;
    return undefined;
}
