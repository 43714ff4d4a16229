import { createHash } from 'node:crypto';
export function quizItemId(kb, documentId, sentence, answer) {
    return `${kb}:${createHash('sha256').update([documentId, sentence, answer].join('\n')).digest('hex').slice(0, 12)}`;
}
/** The base of an item id. */
export function kbOfItem(itemId) {
    return itemId.slice(0, Math.max(0, itemId.lastIndexOf(':')));
}
/** The blank as shown. */
export const BLANK = '_____';
/** Longest excerpt shown around the blank, characters. */
const MAX_SHOWN_CHARS = 360;
/** The sentence with its blank, clipped around the blank when long ("[…]" marks what is left out). */
export function blankedSentence(item) {
    const { sentence, blank } = item;
    let from = 0;
    let to = sentence.length;
    if (sentence.length > MAX_SHOWN_CHARS) {
        const room = Math.floor((MAX_SHOWN_CHARS - blank.length) / 2);
        from = Math.max(0, blank.start - room);
        to = Math.min(sentence.length, blank.start + blank.length + room);
        if (from > 0)
            from = wordStart(sentence, from);
        if (to < sentence.length)
            to = wordEnd(sentence, to, blank.start + blank.length);
    }
    const before = sentence.slice(from, blank.start);
    const after = sentence.slice(blank.start + blank.length, to);
    return `${from > 0 ? '[…] ' : ''}${before}${BLANK}${after}${to < sentence.length ? ' […]' : ''}`;
}
/** The sentence with the answer in bold, for the explanation. */
export function highlightedSentence(item) {
    const { sentence, blank } = item;
    const end = blank.start + blank.length;
    return `${sentence.slice(0, blank.start)}**${sentence.slice(blank.start, end)}**${sentence.slice(end)}`;
}
function wordStart(text, at) {
    const space = text.indexOf(' ', at);
    return space < 0 ? at : space + 1;
}
function wordEnd(text, at, minimum) {
    const space = text.lastIndexOf(' ', at);
    return space <= minimum ? at : space;
}
