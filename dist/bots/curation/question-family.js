import { contentTerms } from "../../knowledge/analysis/french-analyser.js";
/**
 * Questions "of one family": the same content words once folded, stop words dropped and stemmed by the
 * project's French analysis (the retrieval's own), compared with the Dice coefficient of their term sets.
 * Deliberately lexical and explainable: a curator sees why a question was matched, and adds wordings to a
 * family rather than trusting a model's notion of closeness.
 */
/** Serving a standard answer or applying a passage rule: the question must be this close to one of the family's wordings. */
export const FAMILY_MATCH = 0.7;
/** Grouping the curation queue: looser, a curator reads every group. */
export const QUEUE_GROUPING = 0.5;
export function questionTerms(text) {
    return new Set(contentTerms(text).map((term) => term.term));
}
/** Dice coefficient of two term sets, 0–1 (two empty sets: 0). */
export function termSimilarity(a, b) {
    if (a.size === 0 || b.size === 0)
        return 0;
    let shared = 0;
    for (const term of a)
        if (b.has(term))
            shared++;
    return (2 * shared) / (a.size + b.size);
}
/** The closest wording of the family to the question, 0–1. */
export function familySimilarity(question, family) {
    let best = 0;
    for (const wording of family)
        best = Math.max(best, termSimilarity(question, questionTerms(wording)));
    return best;
}
