import { analyse } from "./french-analyser.js";
export const DEFAULT_LEXICAL_PARAMETERS = Object.freeze({
    k1: 1.2,
    b: 0.75,
    averageLength: 90,
    headingWeight: 2,
    deepestHeadingFactor: 2,
    bigramWeight: 0.3,
    synonymWeight: 0.6,
    prefixWeight: 0.3,
    negationWeight: 0.5,
    enrichmentWeight: 1,
    enrichmentAverageLength: 40,
    enrichmentExtras: Object.freeze({ bigrams: true, prefixes: true }),
});
/** Prefix of the enrichment field's terms. */
const ENRICHMENT = 'e:';
/** 32-bit FNV-1a: term → sparse index (Qdrant sparse indices are uint32). */
export function termId(term) {
    let hash = 0x811c9dc5;
    for (let i = 0; i < term.length; i++) {
        hash ^= term.charCodeAt(i);
        hash = Math.imul(hash, 0x01000193);
    }
    return hash >>> 0;
}
export class SparseEncoder {
    lexicon;
    parameters;
    constructor(
    /** The synonym lexicon applied to queries (also read by the re-ranker). */
    lexicon, parameters = DEFAULT_LEXICAL_PARAMETERS) {
        this.lexicon = lexicon;
        this.parameters = parameters;
    }
    encodeDocument(fields) {
        const { k1, b, averageLength, headingWeight, deepestHeadingFactor } = this.parameters;
        const body = analyse(fields.body);
        const frequencies = new Map();
        const add = (analysed, weight) => {
            for (const list of [analysed.terms, analysed.bigrams, analysed.prefixes, analysed.negations]) {
                for (const term of list)
                    frequencies.set(term, (frequencies.get(term) ?? 0) + weight);
            }
        };
        add(body, 1);
        let length = body.terms.length;
        const lines = fields.headings.split('\n').filter((line) => line.trim() !== '');
        lines.forEach((line, index) => {
            const heading = analyse(line);
            const weight = index === lines.length - 1 ? headingWeight * deepestHeadingFactor : headingWeight;
            add(heading, weight);
            length += heading.terms.length * weight;
        });
        const norm = k1 * (1 - b + (b * length) / averageLength);
        const weights = new Map();
        for (const [term, tf] of frequencies)
            weights.set(term, (tf * (k1 + 1)) / (tf + norm));
        if (fields.enrichment) {
            const enrichment = analyse(fields.enrichment);
            const counts = new Map();
            const { bigrams, prefixes } = this.parameters.enrichmentExtras;
            for (const list of [enrichment.terms, bigrams ? enrichment.bigrams : [], prefixes ? enrichment.prefixes : [], enrichment.negations]) {
                for (const term of list)
                    counts.set(ENRICHMENT + term, (counts.get(ENRICHMENT + term) ?? 0) + 1);
            }
            const enrichmentNorm = k1 * (1 - b + (b * enrichment.terms.length) / this.parameters.enrichmentAverageLength);
            for (const [term, tf] of counts)
                weights.set(term, (tf * (k1 + 1)) / (tf + enrichmentNorm));
        }
        return toSparse(weights, (weight) => weight);
    }
    encodeQuery(text) {
        const { bigramWeight, synonymWeight, prefixWeight, negationWeight, enrichmentWeight } = this.parameters;
        const weights = new Map();
        const put = (term, weight) => weights.set(term, Math.max(weights.get(term) ?? 0, weight));
        const typed = analyse(text);
        for (const term of typed.terms)
            put(term, 1);
        for (const bigram of typed.bigrams)
            put(bigram, bigramWeight);
        for (const prefix of typed.prefixes)
            put(prefix, prefixWeight);
        for (const negation of typed.negations)
            put(negation, negationWeight);
        if (enrichmentWeight > 0) {
            for (const term of typed.terms)
                put(ENRICHMENT + term, enrichmentWeight);
            const { bigrams, prefixes } = this.parameters.enrichmentExtras;
            if (bigrams)
                for (const bigram of typed.bigrams)
                    put(ENRICHMENT + bigram, enrichmentWeight * bigramWeight);
            if (prefixes)
                for (const prefix of typed.prefixes)
                    put(ENRICHMENT + prefix, enrichmentWeight * prefixWeight);
            for (const negation of typed.negations)
                put(ENRICHMENT + negation, enrichmentWeight * negationWeight);
        }
        for (const { analysed: expansion, refines } of this.lexicon?.expansionsIn(text) ?? []) {
            for (const bigram of expansion.bigrams)
                put(bigram, synonymWeight * bigramWeight);
            // A phrase that only refines the words typed adds its word pairs, not its other words on their own.
            if (refines)
                continue;
            for (const term of expansion.terms)
                put(term, synonymWeight);
            for (const prefix of expansion.prefixes)
                put(prefix, synonymWeight * prefixWeight);
        }
        return toSparse(weights, (weight) => weight);
    }
}
function toSparse(weights, transform) {
    const merged = new Map();
    for (const [term, value] of weights) {
        const id = termId(term);
        merged.set(id, (merged.get(id) ?? 0) + transform(value));
    }
    const indices = [...merged.keys()].sort((x, y) => x - y);
    return { indices, values: indices.map((index) => merged.get(index) ?? 0) };
}
