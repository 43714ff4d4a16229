import { findArticleMentions, normaliseArticleNumber } from "../../knowledge/analysis/article-references.js";
import { headingLabelIn, headingPathMatches } from "../../knowledge/analysis/headings.js";
import { foldText } from "../../knowledge/analysis/normalise.js";
const BARE_NUMBER = /^(?:(?:art(?:icle)?\.?\s*)?)([lrd]\.?\s?\d[\d-]*(?:\s?(?:bis|ter|quater))?|\d[\d-]*(?:\s?(?:bis|ter|quater|quinquies|sexies))?)$/;
export function parseQuizScope(text, prefixes) {
    let rest = text.trim().replace(/^(?:sur|de|du|des)\s+/i, '');
    const first = /^([\p{L}]+)\s*:?\s*(.*)$/u.exec(rest);
    const kb = first ? prefixes.get(first[1]) : undefined;
    if (kb)
        rest = (first?.[2] ?? '').trim();
    const folded = foldText(rest).replace(/\s+/g, ' ').trim();
    const withBase = (parsed) => (kb ? { kb, ...parsed } : parsed);
    if (folded === '')
        return withBase({ scope: { type: 'all' } });
    const mentions = findArticleMentions(folded);
    const bare = BARE_NUMBER.exec(folded);
    if (mentions.length > 0 || bare) {
        const numbers = mentions.length > 0 ? mentions.map((mention) => mention.number) : [normaliseArticleNumber(bare?.[1] ?? '')];
        const code = mentions.find((mention) => mention.code)?.code;
        return withBase({ scope: { type: 'articles', numbers, ...(code ? { code } : {}) }, label: `${numbers.length > 1 ? 'articles' : 'article'} ${numbers.join(', ')}` });
    }
    const heading = headingLabelIn(folded);
    if (heading)
        return withBase({ scope: { type: 'heading', label: heading }, label: heading });
    return withBase({ scope: { type: 'theme', text: rest }, label: rest });
}
/** The items of a scope among a base's items; themes are resolved by the caller (a search). */
export function itemsInScope(items, scope) {
    switch (scope.type) {
        case 'all':
        case 'theme':
            return [...items];
        case 'articles': {
            const wanted = new Set(scope.numbers);
            return items.filter((item) => item.chunk.article && wanted.has(normaliseArticleNumber(item.chunk.article.number)) && (!scope.code || item.chunk.article.code === scope.code));
        }
        case 'heading':
            return items.filter((item) => headingPathMatches(scope.label, item.chunk.headingPath));
    }
}
