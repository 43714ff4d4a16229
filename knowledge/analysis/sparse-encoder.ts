import type { SparseVector } from '../types.ts';
import { analyse, type AnalysedText } from './french-analyser.ts';
import type { Lexicon } from './lexicon.ts';

/**
 * Encodes documents and queries as sparse lexical vectors. Documents carry BM25 term-frequency saturation
 * (heading words counted `headingWeight` times, those of the deepest heading `deepestHeadingFactor` times more);
 * the store multiplies by IDF computed over its base, which is exactly what Qdrant's `idf` modifier does, so
 * every store ranks alike.
 */

export interface LexicalParameters {
  /** BM25 saturation. Default 1.2. */
  k1: number;
  /** BM25 length normalisation. Default 0.75. */
  b: number;
  /** Reference document length in content terms (fixed so that stores need no global statistics). */
  averageLength: number;
  /** How many body occurrences one heading occurrence is worth. */
  headingWeight: number;
  /**
   * Extra factor for the deepest heading (the last line of `headings`): it names the passage's own subject
   * ("Concours d'infractions"), where the titles above it are shared by dozens of articles.
   */
  deepestHeadingFactor: number;
  /** Query weight of a bigram relative to a single term. */
  bigramWeight: number;
  /** Query weight of a lexicon expansion relative to a typed term. */
  synonymWeight: number;
  /** Query weight of a word prefix relative to a typed term. */
  prefixWeight: number;
  /** Query weight of a negated term ("sans déclaration" → `!declar`) relative to a typed term. */
  negationWeight: number;
  /**
   * Query weight of the enrichment field (agents' wording) relative to the body. The field has its own terms
   * (`e:` namespace), so its own IDF and length normalisation: agents' words weigh as rare or common as they are
   * among the entries, not among the statutes.
   */
  enrichmentWeight: number;
  /** Reference length of an enrichment entry, in content terms. */
  enrichmentAverageLength: number;
  /** What of the enrichment is indexed besides its terms: word pairs, word prefixes (memory vs recall). */
  enrichmentExtras: { bigrams: boolean; prefixes: boolean };
}

export const DEFAULT_LEXICAL_PARAMETERS: Readonly<LexicalParameters> = Object.freeze({
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
/** Where the enrichment's indexed form (enrichment.ts `toDocumentEnrichment`) separates its lines and its terms. */
const ENRICHMENT_SEGMENTS = /\n| ; /;

/** 32-bit FNV-1a: term → sparse index (Qdrant sparse indices are uint32). */
export function termId(term: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < term.length; i++) {
    hash ^= term.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

export interface DocumentFields {
  /** Title, heading path and section, one per line from the broadest to the deepest: what the text is about. */
  headings: string;
  body: string;
  /** Agents' wording for the document (subject, typical questions, terms), indexed as a field of its own. */
  enrichment?: string;
}

export class SparseEncoder {
  constructor(
    /** The synonym lexicon applied to queries (also read by the re-ranker). */
    readonly lexicon: Lexicon | undefined,
    readonly parameters: LexicalParameters = DEFAULT_LEXICAL_PARAMETERS,
  ) {}

  encodeDocument(fields: DocumentFields): SparseVector {
    const { k1, b, averageLength, headingWeight, deepestHeadingFactor } = this.parameters;
    const body = analyse(fields.body);
    const frequencies = new Map<string, number>();
    const add = (analysed: AnalysedText, weight: number) => {
      for (const list of [analysed.terms, analysed.bigrams, analysed.prefixes, analysed.negations]) {
        for (const term of list) frequencies.set(term, (frequencies.get(term) ?? 0) + weight);
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
    const weights = new Map<string, number>();
    for (const [term, tf] of frequencies) weights.set(term, (tf * (k1 + 1)) / (tf + norm));
    if (fields.enrichment) {
      const counts = new Map<string, number>();
      const { bigrams, prefixes } = this.parameters.enrichmentExtras;
      let enrichmentLength = 0;
      // Line by line and term by term (« ; »): a word pair across two questions or two terms is no phrase.
      for (const segment of fields.enrichment.split(ENRICHMENT_SEGMENTS)) {
        const enrichment = analyse(segment);
        enrichmentLength += enrichment.terms.length;
        for (const list of [enrichment.terms, bigrams ? enrichment.bigrams : [], prefixes ? enrichment.prefixes : [], enrichment.negations]) {
          for (const term of list) counts.set(ENRICHMENT + term, (counts.get(ENRICHMENT + term) ?? 0) + 1);
        }
      }
      const enrichmentNorm = k1 * (1 - b + (b * enrichmentLength) / this.parameters.enrichmentAverageLength);
      for (const [term, tf] of counts) weights.set(term, (tf * (k1 + 1)) / (tf + enrichmentNorm));
    }
    return toSparse(weights, (weight) => weight);
  }

  /**
   * The question's sparse vector. `readAs` are phrases the question's words were read as elsewhere (acronyms spelled
   * out from the base's texts): weighted as the lexicon's expansions are.
   */
  encodeQuery(text: string, readAs: string[] = []): SparseVector {
    const { bigramWeight, synonymWeight, prefixWeight, negationWeight, enrichmentWeight } = this.parameters;
    const weights = new Map<string, number>();
    const put = (term: string, weight: number) => weights.set(term, Math.max(weights.get(term) ?? 0, weight));
    const typed = analyse(text);
    for (const term of typed.terms) put(term, 1);
    for (const bigram of typed.bigrams) put(bigram, bigramWeight);
    for (const prefix of typed.prefixes) put(prefix, prefixWeight);
    for (const negation of typed.negations) put(negation, negationWeight);
    if (enrichmentWeight > 0) {
      for (const term of typed.terms) put(ENRICHMENT + term, enrichmentWeight);
      const { bigrams, prefixes } = this.parameters.enrichmentExtras;
      if (bigrams) for (const bigram of typed.bigrams) put(ENRICHMENT + bigram, enrichmentWeight * bigramWeight);
      if (prefixes) for (const prefix of typed.prefixes) put(ENRICHMENT + prefix, enrichmentWeight * prefixWeight);
      for (const negation of typed.negations) put(ENRICHMENT + negation, enrichmentWeight * negationWeight);
    }
    const expansions = [...(this.lexicon?.expansionsIn(text) ?? []), ...readAs.map((phrase) => ({ analysed: analyse(phrase), refines: false }))];
    for (const { analysed: expansion, refines } of expansions) {
      for (const bigram of expansion.bigrams) put(bigram, synonymWeight * bigramWeight);
      // A phrase that only refines the words typed adds its word pairs, not its other words on their own.
      if (refines) continue;
      for (const term of expansion.terms) put(term, synonymWeight);
      for (const prefix of expansion.prefixes) put(prefix, synonymWeight * prefixWeight);
    }
    return toSparse(weights, (weight) => weight);
  }
}

function toSparse(weights: Map<string, number>, transform: (value: number) => number): SparseVector {
  const merged = new Map<number, number>();
  for (const [term, value] of weights) {
    const id = termId(term);
    merged.set(id, (merged.get(id) ?? 0) + transform(value));
  }
  const indices = [...merged.keys()].sort((x, y) => x - y);
  return { indices, values: indices.map((index) => merged.get(index) ?? 0) };
}
