import { foldText } from "./normalise.js";
/**
 * Legal article references ("article 60 bis", "art. 414", "L. 621-1", "323-1") recognised in text and
 * normalised to one token form, so that "60 bis" and "60bis" or "L. 621-1" and "L621-1" match each other.
 */
export const LATIN_SUFFIXES = [
    'bis', 'ter', 'quater', 'quinquies', 'sexies', 'septies', 'octies', 'nonies', 'novies', 'decies',
];
const SUFFIX = `(?:${LATIN_SUFFIXES.join('|')})`;
/** A number, possibly prefixed by L/R/D (legislative/regulatory parts) and suffixed by bis/ter/…. */
const NUMBER_SOURCE = `(?:([lrd])\\s?\\.?\\s?\\*?\\s?(?=\\d))?(\\d{1,4}(?:-\\d{1,4}){0,3})(?:\\s?(${SUFFIX}))?(?:\\s?-\\s?(\\d{1,2}))?(?![\\w-])`;
/** Matches a token-sized reference inside folded text. Exported for the tokenizer. */
export const REFERENCE_PATTERN = new RegExp(`(?<![\\w-])${NUMBER_SOURCE}`, 'g');
/** "article 414", "art. 60 bis", "articles 60 à 67 bis" (the first number), in folded text. */
const ARTICLE_MENTION = new RegExp(`\\b(?:articles?|art\\.?)\\s+${NUMBER_SOURCE}`, 'g');
const CODE_NAMES = [
    [/code des douanes/, 'Code des douanes'],
    [/code (?:general )?des impositions sur les biens et services|\bcibs\b/, 'Code des impositions sur les biens et services'],
    [/code general de la fonction publique|\bcgfp\b/, 'Code général de la fonction publique'],
    [/code des pensions civiles et militaires|\bcpcmr\b/, 'Code des pensions civiles et militaires de retraite'],
];
/** Canonical article number: lower case, no spaces, "l621-1", "60bis", "323-1". */
export function normaliseArticleNumber(raw) {
    const folded = foldText(raw).trim();
    REFERENCE_PATTERN.lastIndex = 0;
    const match = REFERENCE_PATTERN.exec(folded);
    if (!match)
        return folded.replace(/\s+/g, '');
    return referenceToken(match);
}
export function referenceToken(match) {
    const [, prefix, digits, suffix, tail] = match;
    return `${prefix ?? ''}${digits}${suffix ?? ''}${tail ? `-${tail}` : ''}`;
}
/** Article mentions a question makes explicitly ("article 414", "art. L. 621-1 du CGFP"). */
export function findArticleMentions(text) {
    const folded = foldText(text);
    const mentions = [];
    for (const match of folded.matchAll(ARTICLE_MENTION)) {
        const end = (match.index ?? 0) + match[0].length;
        const window = folded.slice(end, end + 80);
        // The code named right after this mention: the earliest one, and not past the next article mention.
        const nextMention = window.search(/\b(?:articles?|art\.?)\s/);
        const after = nextMention < 0 ? window : window.slice(0, nextMention);
        const code = CODE_NAMES.map(([pattern, name]) => ({ at: after.search(pattern), name }))
            .filter((found) => found.at >= 0)
            .sort((a, b) => a.at - b.at)[0]?.name;
        const number = referenceToken(match);
        if (!mentions.some((m) => m.number === number))
            mentions.push(code ? { number, code } : { number });
    }
    return mentions;
}
/**
 * Natural order of article numbers within a code: "L112-1" < "L112-2" < "L112-10", "60" < "60 bis" <
 * "60 ter" < "60-1" < "61". Used to rebuild a code's order from an unordered store.
 */
export function compareArticleNumbers(a, b) {
    const key = (raw) => {
        const folded = normaliseArticleNumber(raw);
        const match = /^([lrd]?)(\d+(?:-\d+)*)([a-z]*)(?:-(\d+))?/.exec(folded);
        const prefix = match?.[1] ?? '';
        const numbers = (match?.[2] ?? '0').split('-').map(Number);
        const suffix = match?.[3] ? LATIN_SUFFIXES.indexOf(match[3]) + 1 : 0;
        return { prefix, numbers, suffix };
    };
    const left = key(a);
    const right = key(b);
    if (left.prefix !== right.prefix)
        return left.prefix < right.prefix ? -1 : 1;
    if ((left.numbers[0] ?? 0) !== (right.numbers[0] ?? 0))
        return (left.numbers[0] ?? 0) - (right.numbers[0] ?? 0);
    // "60", "60 bis", "60 ter" … then "60-1", "60-2".
    const rank = (entry) => (entry.numbers.length > 1 ? 100 : 0) + entry.suffix;
    if (rank(left) !== rank(right))
        return rank(left) - rank(right);
    for (let i = 1; i < Math.max(left.numbers.length, right.numbers.length); i++) {
        const difference = (left.numbers[i] ?? -1) - (right.numbers[i] ?? -1);
        if (difference !== 0)
            return difference;
    }
    return 0;
}
