import { contentTerm, contentTerms } from './analysis/french-analyser.ts';
import type { Lexicon } from './analysis/lexicon.ts';
import { foldText } from './analysis/normalise.ts';
import { tokenize } from './analysis/tokenizer.ts';
import type { Chunk } from './types.ts';

/**
 * Store-agnostic re-ranking of the first candidates a store returns. BM25 adds up term weights one by one, so a
 * passage that repeats two of the question's words can outrank the one that holds all of them, side by side.
 * The re-ranker reads the candidates' own text (nothing store-specific: the embedded store and Qdrant get the
 * same treatment) and multiplies each store score by 1 + coverageWeight × coverage + proximityWeight × proximity:
 *
 * - coverage: the share of the question's concepts the passage holds anywhere (headings included);
 * - proximity: the largest share of them found together within `window` consecutive content terms of the body.
 *
 * Multiplying keeps scores on the store's scale, so what reads them (the extractive answerer keeps passages
 * within 60 % of the best) still means the same: a passage is raised by at most 1 + both weights.
 *
 * A concept is one content word of the question (its Snowball stem), also matched, with less credit, by the
 * phrases the lexicon gives for it and by its word prefix. Only concepts that some candidate holds count, each
 * equally: a word no candidate has cannot separate them, and the store's IDF already weighed rare words.
 */

export interface RerankerSettings {
  /** How many of the store's first candidates are re-ranked; the others follow in the store's order. */
  depth: number;
  /** Weight of coverage (0–1) in the score factor. */
  coverageWeight: number;
  /** Weight of proximity (0–1) in the score factor. */
  proximityWeight: number;
  /** Proximity window, in content terms (stop words are not counted). */
  window: number;
  /** Credit of a concept found only as one of its lexicon synonyms (a typed word found is worth 1). */
  synonymCredit: number;
  /** Credit of a concept found only by its word prefix (a morphological variant). */
  prefixCredit: number;
  /**
   * Extra factor for a defining passage ("on entend par", "sont réputées", "est considéré comme"…) when the
   * question asks what something is ("c'est quoi", "qu'est-ce que", "définition"), with the question's words
   * within `window` terms of the defining phrase. 0 disables.
   */
  definitionWeight: number;
  /**
   * Factor on a passage that only refers to other provisions (« Les règles relatives à la taxe … sont déterminées par
   * les dispositions du livre Ier et par celles de la présente section. »): it names the subject but answers nothing.
   * 1 disables.
   */
  referralFactor: number;
}

export const DEFAULT_RERANKER_SETTINGS: Readonly<RerankerSettings> = Object.freeze({
  depth: 20,
  coverageWeight: 0.7,
  proximityWeight: 0.7,
  window: 8,
  synonymCredit: 0.8,
  prefixCredit: 0.5,
  definitionWeight: 0.3,
  referralFactor: 0.7,
});

/** Questions asking what something is. Folded text. */
const DEFINITION_QUESTION = /\b(c'?est quoi|qu'?est[- ]ce (que|qu'?)|definition|definir|que (veut|signifie) dire|ca veut dire|veut dire quoi|signifie|on appelle)\b/;
/** Phrases by which a text defines a notion. Folded text. */
/**
 * A body that opens by saying what its subject is: « Le détachement est la position du fonctionnaire… », « Les
 * fonctionnaires civils de l'Etat sont les personnes qui… », « Un produit est susceptible d'être inhalé… lorsque… ».
 * Folded text; the copula's position counts as a defining phrase.
 */
const LEADING_DEFINITION = /^(?:le |la |les |l'|un |une )[^.;:\n]{1,80}? (?:est|sont) (?:la|le|les|l'|un|une|des|celui|celle|ceux|celles|susceptibles?) /;
/** A body that is only a pointer to other provisions of the code (folded text, checked on bodies under 400 characters). */
const REFERRAL = /^(?:les|la|le) (?:regles|dispositions)[^.]{0,250}? (?:sont|est) (?:determinee?s?|prevue?s?|fixee?s?|definie?s?) (?:par|a|aux?) (?:les dispositions|celles|l'article|les articles)[^.]*\.?$/;
const DEFINING_PHRASE = /\b(on entend par|s'entend(ent)? (de|des|du|comme|par)|(est|sont) (repute|reputes|reputee|reputees|considere|consideres|consideree|considerees) comme|(est|sont) (repute|reputes|reputee|reputees)|designe(nt)?|constitue(nt)? (un|une|des)|au sens (du present|de la presente)|est qualifiee? de)\b/g;

/** One content word of the question and what else may stand for it in a passage. */
export interface QueryConcept {
  /** The Snowball stem (or reference token) typed. */
  term: string;
  /** Stems of the lexicon's phrases for the word. */
  synonyms: Set<string>;
  /** `~` + prefix, for long words. */
  prefix?: string;
}

export interface RerankCandidate {
  chunk: Chunk;
  score: number;
}

interface PassageTerms {
  /** Every term and prefix of the passage: body, title, headings, section. */
  all: Set<string>;
  /** Positions in the body of each term and prefix. */
  positions: Map<string, number[]>;
  /** Positions (in content terms) of the body's defining phrases. */
  definitions: number[];
  /** The body only refers to other provisions. */
  referral: boolean;
}

const CACHE_SIZE = 5_000;

export class Reranker {
  private readonly cache = new Map<string, PassageTerms>();
  readonly settings: RerankerSettings;

  constructor(
    private readonly lexicon: Lexicon | undefined,
    settings: Partial<RerankerSettings> = {},
  ) {
    this.settings = { ...DEFAULT_RERANKER_SETTINGS, ...settings };
  }

  /** The question's concepts, one per distinct stem, in order. */
  concepts(question: string): QueryConcept[] {
    const tokens = tokenize(question);
    const byToken = tokens.map((token): QueryConcept | undefined => {
      const content = contentTerm(token);
      if (!content) return undefined;
      return { term: content.term, synonyms: new Set<string>(), ...(content.prefix ? { prefix: content.prefix } : {}) };
    });
    for (const expansion of this.lexicon?.expansionsIn(question) ?? []) {
      if (expansion.refines) continue;
      const targets = byToken.slice(expansion.start, expansion.end).filter((concept) => concept !== undefined);
      for (const term of expansion.analysed.terms) for (const concept of targets) if (term !== concept.term) concept.synonyms.add(term);
    }
    const merged = new Map<string, QueryConcept>();
    for (const concept of byToken) {
      if (!concept) continue;
      const existing = merged.get(concept.term);
      if (!existing) merged.set(concept.term, concept);
      else for (const synonym of concept.synonyms) existing.synonyms.add(synonym);
    }
    return [...merged.values()];
  }

  /** The candidates re-ordered; the first `depth` get their raised score, the others are left as they are. */
  rerank<T extends RerankCandidate>(question: string, candidates: T[]): T[] {
    const head = candidates.slice(0, this.settings.depth);
    if (head.length < 2 || !head.every((candidate) => candidate.score > 0 && Number.isFinite(candidate.score))) return candidates;
    const concepts = this.concepts(question);
    const passages = head.map((candidate) => this.passageTerms(candidate.chunk));
    const credits = passages.map((passage) => concepts.map((concept) => this.credit(concept, (term) => passage.all.has(term))));
    const present = concepts.map((_, c) => credits.some((row) => (row[c] ?? 0) > 0));
    const counted = present.filter(Boolean).length;
    if (counted === 0) return candidates;
    const { coverageWeight, proximityWeight, definitionWeight, referralFactor } = this.settings;
    const definitional = definitionWeight > 0 && DEFINITION_QUESTION.test(foldText(question));
    const rescored = head.map((candidate, index) => {
      const row = credits[index] as number[];
      const passage = passages[index] as PassageTerms;
      const coverage = row.reduce((sum, credit, c) => sum + (present[c] ? credit : 0), 0) / counted;
      const proximity = proximityWeight > 0 ? this.proximity(concepts, passage) / counted : 0;
      const boost = coverageWeight * coverage + proximityWeight * proximity;
      const defines = definitional && this.defines(concepts, passage) ? definitionWeight : 0;
      return { candidate, index, score: candidate.score * (1 + boost) * (1 + defines) * (passage.referral ? referralFactor : 1) };
    });
    rescored.sort((x, y) => y.score - x.score || x.index - y.index);
    const reranked = rescored.map(({ candidate, score }) => ({ ...candidate, score }));
    return [...reranked, ...candidates.slice(head.length)];
  }

  /** True when a defining phrase of the body stands within a window of one of the question's words. */
  private defines(concepts: QueryConcept[], passage: PassageTerms): boolean {
    if (passage.definitions.length === 0) return false;
    return concepts.some((concept) =>
      [concept.term, ...concept.synonyms].some((term) =>
        (passage.positions.get(term) ?? []).some((at) => passage.definitions.some((phrase) => Math.abs(phrase - at) <= this.settings.window)),
      ),
    );
  }

  /** 1 when the passage has the word typed, else the synonym or prefix credit, else 0. */
  private credit(concept: QueryConcept, has: (term: string) => boolean): number {
    if (has(concept.term)) return 1;
    for (const synonym of concept.synonyms) if (has(synonym)) return this.settings.synonymCredit;
    return concept.prefix && has(concept.prefix) ? this.settings.prefixCredit : 0;
  }

  /** Largest sum of concept credits found within one window of the body (each concept counted once). */
  private proximity(concepts: QueryConcept[], passage: PassageTerms): number {
    const events: Array<{ at: number; concept: number; credit: number }> = [];
    concepts.forEach((concept, index) => {
      const add = (term: string, credit: number) => {
        for (const at of passage.positions.get(term) ?? []) events.push({ at, concept: index, credit });
      };
      add(concept.term, 1);
      for (const synonym of concept.synonyms) add(synonym, this.settings.synonymCredit);
      if (concept.prefix) add(concept.prefix, this.settings.prefixCredit);
    });
    if (events.length === 0) return 0;
    events.sort((x, y) => x.at - y.at);
    // Credits of each concept inside the current window, as a multiset.
    const inside = concepts.map(() => [] as number[]);
    let first = 0;
    let best = 0;
    for (const event of events) {
      (inside[event.concept] as number[]).push(event.credit);
      while ((events[first] as { at: number }).at <= event.at - this.settings.window) {
        const leaving = events[first] as { concept: number; credit: number };
        const list = inside[leaving.concept] as number[];
        list.splice(list.indexOf(leaving.credit), 1);
        first++;
      }
      let sum = 0;
      for (const list of inside) if (list.length > 0) sum += Math.max(...list);
      if (sum > best) best = sum;
    }
    return best;
  }

  /** Terms and body positions of a passage, cached by chunk id and content hash. */
  private passageTerms(chunk: Chunk): PassageTerms {
    const key = `${chunk.id}\n${chunk.contentHash}`;
    const cached = this.cache.get(key);
    if (cached) return cached;
    const positions = new Map<string, number[]>();
    const all = new Set<string>();
    const note = (term: string, at: number) => {
      all.add(term);
      const list = positions.get(term);
      if (list) list.push(at);
      else positions.set(term, [at]);
    };
    contentTerms(chunk.text).forEach(({ term, prefix }, at) => {
      note(term, at);
      if (prefix) note(prefix, at);
    });
    // Where the defining phrases fall, in content-term positions: the content terms before each match.
    const folded = foldText(chunk.text);
    const definitions = [...folded.matchAll(DEFINING_PHRASE)].map((match) => contentTerms(folded.slice(0, match.index)).length);
    const body = folded.trim();
    const leading = LEADING_DEFINITION.exec(body);
    if (leading) definitions.unshift(contentTerms(leading[0]).length);
    const referral = body.length < 400 && REFERRAL.test(body);
    for (const { term, prefix } of contentTerms([chunk.title, ...chunk.headingPath, chunk.section ?? '', chunk.enrichment?.text ?? ''].join('\n'))) {
      all.add(term);
      if (prefix) all.add(prefix);
    }
    const entry = { all, positions, definitions, referral };
    if (this.cache.size >= CACHE_SIZE) this.cache.delete(this.cache.keys().next().value as string);
    this.cache.set(key, entry);
    return entry;
  }
}
