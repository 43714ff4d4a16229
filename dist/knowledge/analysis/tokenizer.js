import { LATIN_SUFFIXES } from "./article-references.js";
import { foldText } from "./normalise.js";
const TOKEN_PATTERN = new RegExp(`(?<![a-z0-9])(?:([lrd])\\s?\\.?\\s?(?=\\d))?(\\d{1,3}(?: \\d{3})+(?![\\d-])|\\d+(?:-\\d+)*)(?:\\s?(${LATIN_SUFFIXES.join('|')})(?![a-z]))?|([a-z]+)`, 'g');
export function tokenize(text) {
    const tokens = [];
    for (const match of foldText(text).matchAll(TOKEN_PATTERN)) {
        const [, prefix, digits, suffix, word] = match;
        if (word !== undefined)
            tokens.push({ text: word, reference: false });
        else
            tokens.push({ text: `${prefix ?? ''}${digits?.replace(/ /g, '')}${suffix ?? ''}`, reference: true });
    }
    return tokens;
}
