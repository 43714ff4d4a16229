import { foldText } from "../../analysis/normalise.js";
const WORD = /[\p{L}\p{N}]+(?:[-'’][\p{L}\p{N}]+)*/gu;
const ELISION = /^((?:[ldjmnstc]|qu|jusqu|lorsqu|puisqu)['’])(.+)$/iu;
const SENTENCE_BREAK = /[.!?:;\n«»"“”()\[\]•—–]/;
export function tokenise(text) {
    const tokens = [];
    let previousEnd = 0;
    const push = (word, start) => {
        let end = start + word.length;
        let value = word;
        if (/^(?:\p{Lu}|Mr|Dr|Pr|MM|Mme|Mlle|Me)$/u.test(word) && text[end] === '.') {
            value = `${word}.`;
            end += 1;
        }
        const gap = text.slice(previousEnd, start);
        tokens.push({
            index: tokens.length,
            text: value,
            folded: foldText(word),
            start,
            end,
            shape: shapeOf(value),
            opensSentence: tokens.length === 0 || SENTENCE_BREAK.test(gap),
            gapBefore: gap.includes('\n') ? '\n' : gap.trim(),
        });
        previousEnd = end;
    };
    for (const match of text.matchAll(WORD)) {
        const elided = ELISION.exec(match[0]);
        if (elided && (/^\p{Ll}/u.test(match[0]) || /^\p{Ll}/u.test(elided[2] ?? ''))) {
            push(elided[1] ?? '', match.index);
            push(elided[2] ?? '', match.index + (elided[1]?.length ?? 0));
        }
        else
            push(match[0], match.index);
    }
    return tokens;
}
function shapeOf(word) {
    if (/^\p{Lu}\.$/u.test(word))
        return 'initial';
    if (/\p{N}/u.test(word))
        return 'other';
    if (/^\p{Lu}[\p{Lu}'’-]+$/u.test(word))
        return 'upper';
    if (/^\p{Lu}/u.test(word) && /\p{Ll}/u.test(word))
        return 'capitalised';
    if (/^\p{Ll}/u.test(word))
        return 'lower';
    return 'other';
}
