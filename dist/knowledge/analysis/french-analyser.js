import { stem } from "./stemmer.js";
import { STOP_WORDS } from "./stop-words.js";
import { tokenize } from "./tokenizer.js";
export const PREFIX_LENGTH = 5;
const NEGATIONS = new Set(['sans', 'pas', 'non', 'aucun', 'aucune', 'ni', 'ne', 'n', 'jamais', 'hors', 'nul', 'nulle']);
/** Words a negation reaches across before its term ("pas de la", "sans qu'il y ait"). */
const NEGATION_REACH = 3;
export function contentTerm(token) {
    if (token.reference)
        return { term: token.text };
    if (token.text.length <= 1 || STOP_WORDS.has(token.text))
        return undefined;
    const term = stem(token.text);
    return token.text.length > PREFIX_LENGTH ? { term, prefix: `~${token.text.slice(0, PREFIX_LENGTH)}` } : { term };
}
/** Content terms of a text in order, each with its prefix: positions for proximity measures. */
export function contentTerms(text) {
    const found = [];
    for (const token of tokenize(text)) {
        const content = contentTerm(token);
        if (content)
            found.push(content);
    }
    return found;
}
export function analyse(text) {
    const terms = [];
    const prefixes = [];
    const negations = [];
    let negated = 0;
    for (const token of tokenize(text)) {
        if (!token.reference && NEGATIONS.has(token.text)) {
            negated = NEGATION_REACH;
            continue;
        }
        const content = contentTerm(token);
        if (!content) {
            negated = Math.max(0, negated - 1);
            continue;
        }
        terms.push(content.term);
        if (content.prefix)
            prefixes.push(content.prefix);
        if (negated > 0)
            negations.push(`!${content.term}`);
        negated = 0;
    }
    const bigrams = [];
    for (let i = 1; i < terms.length; i++)
        bigrams.push(`${terms[i - 1]}+${terms[i]}`);
    return { terms, bigrams, prefixes, negations };
}
/** Folded tokens, stop words included: what the lexicon matches phrases against. */
export function surfaceTokens(text) {
    return tokenize(text).map((token) => token.text);
}
