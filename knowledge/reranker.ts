import { analyse, PREFIX_LENGTH } from './analysis/french-analyser.ts';
import type { Lexicon } from './analysis/lexicon.ts';
import { stem } from './analysis/stemmer.ts';
import { STOP_WORDS } from './analysis/stop-words.ts';
import { tokenize } from './analysis/tokenizer.ts';
import type { Chunk } from './types.ts';

/** PROTOTYPE */

export interface RerankSettings {
  coverageWeight: number;
  proximityWeight: number;
  window: number;
  synonymCredit: number;
  prefixCredit: number;
}

export const DEFAULT_RERANK_SETTINGS: Readonly<RerankSettings> = Object.freeze({
  coverageWeight: 0.3,
  proximityWeight: 0.3,
  window: 8,
  synonymCredit: 0.8,
  prefixCredit: 0.5,
});

interface Concept {
  stems: Set<string>;
  synonyms: Set<string>;
  prefix?: string;
}

interface AnalysedChunk {
  body: string[];
  bodyPrefixes: string[];
  all: Set<string>;
}

export interface Candidate {
  chunk: Chunk;
  score: number;
}

export class Reranker {
  private readonly cache = new Map<string, AnalysedChunk>();

  constructor(
    private readonly lexicon: Lexicon | undefined,
    readonly settings: RerankSettings = DEFAULT_RERANK_SETTINGS,
  ) {}

  concepts(question: string): Concept[] {
    const tokens = tokenize(question);
    const byToken: Array<Concept | undefined> = tokens.map((token) => {
      if (token.reference) return { stems: new Set([token.text]), synonyms: new Set<string>() };
      if (token.text.length <= 1 || STOP_WORDS.has(token.text)) return undefined;
      const concept: Concept = { stems: new Set([stem(token.text)]), synonyms: new Set<string>() };
      if (token.text.length > PREFIX_LENGTH) concept.prefix = `~${token.text.slice(0, PREFIX_LENGTH)}`;
      return concept;
    });
    for (const match of this.lexicon?.matchesIn(tokens.map((token) => token.text)) ?? []) {
      const targets = byToken.slice(match.start, match.end).filter((concept): concept is Concept => concept !== undefined);
      for (const phrase of match.expansions) {
        for (const term of analyse(phrase).terms) for (const concept of targets) if (!concept.stems.has(term)) concept.synonyms.add(term);
      }
    }
    // One concept per distinct stem.
    const merged = new Map<string, Concept>();
    for (const concept of byToken) {
      if (!concept) continue;
      const key = [...concept.stems][0] as string;
      const existing = merged.get(key);
      if (existing) for (const synonym of concept.synonyms) existing.synonyms.add(synonym);
      else merged.set(key, concept);
    }
    return [...merged.values()];
  }

  private analysed(chunk: Chunk): AnalysedChunk {
    const key = `${chunk.id}\n${chunk.contentHash}`;
    let entry = this.cache.get(key);
    if (!entry) {
      const body = analyse(chunk.text);
      const headings = analyse([...chunk.headingPath, chunk.title, chunk.section ?? ''].join('\n'));
      const bodyPrefixes = tokenize(chunk.text)
        .filter((token) => !token.reference && token.text.length > 1 && !STOP_WORDS.has(token.text))
        .map((token) => (token.text.length > PREFIX_LENGTH ? `~${token.text.slice(0, PREFIX_LENGTH)}` : ''));
      entry = { body: body.terms, bodyPrefixes, all: new Set([...body.terms, ...body.prefixes, ...headings.terms, ...headings.prefixes]) };
      if (this.cache.size > 20_000) this.cache.clear();
      this.cache.set(key, entry);
    }
    return entry;
  }

  private credit(concept: Concept, has: (term: string) => boolean): number {
    for (const term of concept.stems) if (has(term)) return 1;
    let best = 0;
    for (const term of concept.synonyms) if (has(term)) best = this.settings.synonymCredit;
    if (best === 0 && concept.prefix && has(concept.prefix)) best = this.settings.prefixCredit;
    return best;
  }

  rerank<T extends Candidate>(question: string, candidates: T[]): T[] {
    if (candidates.length < 2) return candidates;
    const concepts = this.concepts(question);
    if (concepts.length === 0) return candidates;
    const { coverageWeight, proximityWeight, window } = this.settings;
    const analysed = candidates.map((candidate) => this.analysed(candidate.chunk));
    const credits = analysed.map((doc) => concepts.map((concept) => this.credit(concept, (term) => doc.all.has(term))));
    const pool = candidates.length;
    const weights = concepts.map((_, c) => {
      const n = credits.filter((row) => (row[c] ?? 0) > 0).length;
      return Math.log(1 + (pool - n + 0.5) / (n + 0.5));
    });
    const totalWeight = weights.reduce((sum, w) => sum + w, 0) || 1;
    const maxScore = Math.max(...candidates.map((candidate) => candidate.score), 1e-9);
    const scored = candidates.map((candidate, index) => {
      const row = credits[index] as number[];
      const coverage = row.reduce((sum, credit, c) => sum + credit * (weights[c] ?? 0), 0) / totalWeight;
      const proximity = proximityWeight > 0 ? this.proximity(concepts, weights, analysed[index] as AnalysedChunk, window) / totalWeight : 0;
      const score = candidate.score / maxScore + coverageWeight * coverage + proximityWeight * proximity;
      return { candidate, score, index };
    });
    scored.sort((a, b) => b.score - a.score || a.index - b.index);
    return scored.map(({ candidate, score }) => ({ ...candidate, score: score * maxScore }));
  }

  /** Best weighted share of the query's concepts found together within `window` consecutive body terms. */
  private proximity(concepts: Concept[], weights: number[], doc: AnalysedChunk, window: number): number {
    const events: Array<{ at: number; concept: number; credit: number }> = [];
    doc.body.forEach((term, at) => {
      const prefix = doc.bodyPrefixes[at] ?? '';
      concepts.forEach((concept, c) => {
        const credit = this.credit(concept, (t) => t === term || t === prefix);
        if (credit > 0) events.push({ at, concept: c, credit });
      });
    });
    if (events.length === 0) return 0;
    const held = new Map<number, number[]>();
    let best = 0;
    let start = 0;
    const value = () => {
      let sum = 0;
      for (const [c, list] of held) if (list.length > 0) sum += Math.max(...list) * (weights[c] ?? 0);
      return sum;
    };
    for (const event of events) {
      const list = held.get(event.concept) ?? [];
      list.push(event.credit);
      held.set(event.concept, list);
      while ((events[start] as { at: number }).at <= event.at - window) {
        const old = events[start] as { concept: number; credit: number };
        const oldList = held.get(old.concept) as number[];
        oldList.splice(oldList.indexOf(old.credit), 1);
        start++;
      }
      best = Math.max(best, value());
    }
    return best;
  }
}
