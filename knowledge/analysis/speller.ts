import { contentTerm } from './french-analyser.ts';
import { isFrenchWord } from './french-words.ts';
import { stem } from './stemmer.ts';
import { STOP_WORDS } from './stop-words.ts';
import { tokenize } from './tokenizer.ts';

/**
 * Spelling correction of questions against the words of the bases themselves (no dictionary of our own): agents
 * type fast, on phones, without accents ("diffrence", "anciennete", "remorqe"). A word of the question that no
 * document uses is replaced by the most frequent word of the bases within one edit (insertion, deletion,
 * substitution or transposition of adjacent letters), found through an index of single-letter deletions
 * (symmetric delete); a short unknown word that starts frequent words of the bases is read as their
 * abbreviation ("décla" → "déclaration", "cat" → "catégorie"… when one family of words — one stem — clearly
 * dominates those it starts). A word whose stem the bases know ("volée": "vol") is a variant, and a real French
 * word the bases do not use ("valise") is just that: neither is corrected.
 * Accents are already folded by the analysis, so "anciennete" is not a typo.
 */

export interface SpellerSettings {
  /** Shortest word corrected by edit distance. */
  minLength: number;
  /** A vocabulary word must occur at least this often to be proposed. */
  minCount: number;
  /** Abbreviations: shortest and longest prefix read as one. */
  minPrefix: number;
  maxPrefix: number;
  /** The expansion of an abbreviation must occur this many times more than the next word with that prefix. */
  prefixDominance: number;
}

export const DEFAULT_SPELLER_SETTINGS: Readonly<SpellerSettings> = Object.freeze({ minLength: 5, minCount: 3, minPrefix: 3, maxPrefix: 5, prefixDominance: 3 });

export interface Correction {
  /** The word as typed (folded). */
  from: string;
  /** The word of the bases it stands for. */
  to: string;
  /** An acronym is read from the bases' texts by knowledge/analysis/acronyms.ts, the others here. */
  kind: 'typo' | 'abbreviation' | 'acronym';
}

export class Speller {
  /** Built at the first unknown word (most questions have none: a replica's first answer does not pay for it). */
  private lookup: { deletions: Map<string, string[]>; sorted: string[] } | undefined;
  readonly settings: SpellerSettings;

  constructor(
    private readonly vocabulary: Map<string, number>,
    /** Whether the bases hold this content term (stem): a known stem means a valid variant. */
    private readonly knownTerm: (term: string) => boolean = () => false,
    settings: Partial<SpellerSettings> = {},
  ) {
    this.settings = { ...DEFAULT_SPELLER_SETTINGS, ...settings };
  }

  /** The deletion index (symmetric delete) and the sorted frequent words, built once, when first needed. */
  private get tables(): { deletions: Map<string, string[]>; sorted: string[] } {
    if (this.lookup) return this.lookup;
    const deletions = new Map<string, string[]>();
    const frequent = [...this.vocabulary.entries()].filter(([word, count]) => count >= this.settings.minCount && word.length >= this.settings.minLength - 1);
    for (const [word] of frequent) {
      for (const deleted of deletionsOf(word)) {
        const list = deletions.get(deleted);
        if (list) list.push(word);
        else deletions.set(deleted, [word]);
      }
    }
    this.lookup = { deletions, sorted: frequent.map(([word]) => word).sort() };
    return this.lookup;
  }

  /** Whether the deletion index has been built (tests: it is built only for a question with an unknown word). */
  get built(): boolean {
    return this.lookup !== undefined;
  }

  /** The corrections of the question's unknown words, in order of appearance, each word once. */
  corrections(question: string): Correction[] {
    const found: Correction[] = [];
    const seen = new Set<string>();
    for (const token of tokenize(question)) {
      const word = token.text;
      if (token.reference || seen.has(word) || STOP_WORDS.has(word) || this.vocabulary.has(word)) continue;
      seen.add(word);
      const term = contentTerm(token)?.term;
      if (term !== undefined && this.knownTerm(term)) continue;
      // A real French word the bases do not use is neither a typo nor an abbreviation.
      if (isFrenchWord(word)) continue;
      const expansion = word.length >= this.settings.minPrefix && word.length <= this.settings.maxPrefix ? this.expansion(word) : undefined;
      if (expansion) {
        found.push({ from: word, to: expansion, kind: 'abbreviation' });
        continue;
      }
      const typo = word.length >= this.settings.minLength ? this.nearest(word) : undefined;
      if (typo) found.push({ from: word, to: typo, kind: 'typo' });
    }
    return found;
  }

  /** The most frequent vocabulary word one edit away, if any. */
  private nearest(word: string): string | undefined {
    const { deletions } = this.tables;
    const candidates = new Set<string>();
    for (const vocabularyWord of deletions.get(word) ?? []) candidates.add(vocabularyWord);
    for (const deleted of deletionsOf(word)) {
      if ((this.vocabulary.get(deleted) ?? 0) >= this.settings.minCount) candidates.add(deleted);
      for (const vocabularyWord of deletions.get(deleted) ?? []) candidates.add(vocabularyWord);
    }
    let best: string | undefined;
    let bestCount = 0;
    for (const candidate of candidates) {
      // Typos rarely touch the first letter; a swap of the first two is the exception.
      if (candidate[0] !== word[0] && !(candidate[0] === word[1] && candidate[1] === word[0])) continue;
      if (!withinOneEdit(word, candidate)) continue;
      const count = this.vocabulary.get(candidate) ?? 0;
      if (count > bestCount || (count === bestCount && best !== undefined && candidate < best)) {
        best = candidate;
        bestCount = count;
      }
    }
    return best;
  }

  /** The word the prefix abbreviates, when one family of words (one stem) clearly dominates those it starts. */
  private expansion(prefix: string): string | undefined {
    const { sorted } = this.tables;
    let low = 0;
    let high = sorted.length;
    while (low < high) {
      const middle = (low + high) >> 1;
      if ((sorted[middle] as string) < prefix) low = middle + 1;
      else high = middle;
    }
    const families = new Map<string, { count: number; word: string; wordCount: number }>();
    for (let index = low; index < sorted.length && (sorted[index] as string).startsWith(prefix); index++) {
      const word = sorted[index] as string;
      if (word.length < prefix.length + 3) continue;
      const count = this.vocabulary.get(word) ?? 0;
      const family = stem(word);
      const entry = families.get(family);
      if (!entry) families.set(family, { count, word, wordCount: count });
      else {
        entry.count += count;
        if (count > entry.wordCount) Object.assign(entry, { word, wordCount: count });
      }
    }
    const ranked = [...families.values()].sort((a, b) => b.count - a.count);
    const [first, second] = ranked;
    if (!first || first.count < this.settings.minCount * 10 || first.count < (second?.count ?? 0) * this.settings.prefixDominance) return undefined;
    return first.word;
  }
}

function deletionsOf(word: string): string[] {
  const out: string[] = [];
  for (let index = 0; index < word.length; index++) out.push(word.slice(0, index) + word.slice(index + 1));
  return out;
}

/** Damerau distance ≤ 1 (adjacent transposition counted as one edit). */
export function withinOneEdit(a: string, b: string): boolean {
  if (a === b) return true;
  const la = a.length;
  const lb = b.length;
  if (Math.abs(la - lb) > 1) return false;
  let i = 0;
  while (i < la && i < lb && a[i] === b[i]) i++;
  if (la === lb) {
    if (a.slice(i + 1) === b.slice(i + 1)) return true; // substitution
    return a[i] === b[i + 1] && a[i + 1] === b[i] && a.slice(i + 2) === b.slice(i + 2); // transposition
  }
  return la > lb ? a.slice(i + 1) === b.slice(i) : a.slice(i) === b.slice(i + 1);
}
