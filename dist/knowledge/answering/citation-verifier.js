import { normaliseArticleNumber } from "../analysis/article-references.js";
import { tokenize } from "../analysis/tokenizer.js";
import { citationOf } from "./citations.js";
import { DONT_KNOW } from "./prompt.js";
const MARKER = /\[(\d{1,3})\]/g;
const ARTICLE_MENTION = /\b(?:articles?|art\.)\s+((?:[LRD]\.?\s?\*?\s?)?\d+(?:-\d+)*(?:\s?(?:bis|ter|quater|quinquies|sexies|septies|octies|nonies|decies))?)/giu;
const URL = /\bhttps?:\/\/[^\s)\]>"']+/g;
export function verifyCitations(answer, passages) {
    const text = answer.trim();
    if (text === '' || text.toUpperCase().includes(DONT_KNOW))
        return { text, citations: [], altered: false, rejected: 'model-abstained' };
    let altered = false;
    const known = knownReferences(passages);
    let checked = text.replace(ARTICLE_MENTION, (mention, number) => {
        if (known.has(normaliseArticleNumber(number)))
            return mention;
        altered = true;
        return '[référence retirée]';
    });
    const urls = new Set(passages.map((passage) => passage.chunk.url).filter((url) => Boolean(url)));
    checked = checked.replace(URL, (url) => {
        if (urls.has(url.replace(/[.,;]+$/, '')))
            return url;
        altered = true;
        return '[lien retiré]';
    });
    const renumber = new Map();
    checked = checked.replace(MARKER, (marker, raw) => {
        const index = Number(raw);
        if (index < 1 || index > passages.length) {
            altered = true;
            return '';
        }
        if (!renumber.has(index))
            renumber.set(index, renumber.size + 1);
        return `[${renumber.get(index)}]`;
    });
    checked = checked.replace(/[ \t]+([.,;:])/g, '$1').replace(/[ \t]{2,}/g, ' ').trim();
    if (renumber.size === 0)
        return { text: checked, citations: [], altered, rejected: 'no-valid-citation' };
    const citations = [...renumber.entries()].map(([original, index]) => citationOf(passages[original - 1].chunk, index));
    return { text: checked, citations, altered };
}
/** Article numbers the passages hold; memoised per passage list (streaming verifies the partial text often). */
const referencesOf = new WeakMap();
function knownReferences(passages) {
    let known = referencesOf.get(passages);
    if (!known) {
        known = new Set();
        for (const passage of passages) {
            if (passage.chunk.article)
                known.add(normaliseArticleNumber(passage.chunk.article.number));
            for (const token of tokenize(passage.chunk.text))
                if (token.reference)
                    known.add(token.text);
        }
        referencesOf.set(passages, known);
    }
    return known;
}
