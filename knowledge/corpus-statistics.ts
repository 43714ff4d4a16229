import { contentTerm } from './analysis/french-analyser.ts';
import { Speller } from './analysis/speller.ts';
import { tokenize } from './analysis/tokenizer.ts';
import type { VectorStore } from './ports/vector-store.ts';
import type { Chunk } from './types.ts';

/**
 * Word statistics of each base, read from its chunks (body, headings and the enrichment's agents' wording):
 * how often each content term occurs (the base's language model, for routing) and how often each folded
 * surface word occurs (the vocabulary, for spelling correction). Built on first use and rebuilt when the
 * base's chunk count has changed, checked at most every `recheckMs`.
 */

export interface StatisticsSettings {
  /** How many times an enrichment occurrence counts against a body occurrence (agents' words say how they ask). */
  enrichmentWeight: number;
  /** How many times a heading occurrence counts. */
  headingWeight: number;
  /** Minimum interval between two checks of a base's chunk count, ms. */
  recheckMs: number;
}

export const DEFAULT_STATISTICS_SETTINGS: Readonly<StatisticsSettings> = Object.freeze({ enrichmentWeight: 3, headingWeight: 1, recheckMs: 60_000 });

export interface BaseStatistics {
  /** Weighted occurrences of each content term (stems and references). */
  terms: Map<string, number>;
  /** Sum of `terms`. */
  total: number;
  /** Occurrences of each folded surface word (stop words included), unweighted. */
  words: Map<string, number>;
  /**
   * How agents ask about this base: occurrences of the {@link styleFeatures} of its enrichment's typical questions
   * (function words and pronouns kept: « je suis », « mon chef », « on peut fouiller »).
   */
  style: Map<string, number>;
  /** Sum of `style`. */
  styleTotal: number;
  chunks: number;
}

interface Entry {
  statistics: BaseStatistics;
  checkedAt: number;
}

export class CorpusStatistics {
  private readonly entries = new Map<string, Promise<Entry>>();
  private readonly spellers = new Map<string, { sources: BaseStatistics[]; speller: Speller }>();
  readonly settings: StatisticsSettings;

  constructor(
    private readonly store: VectorStore,
    settings: Partial<StatisticsSettings> = {},
    private readonly now: () => number = Date.now,
  ) {
    this.settings = { ...DEFAULT_STATISTICS_SETTINGS, ...settings };
  }

  async of(kb: string): Promise<BaseStatistics> {
    return (await this.entry(kb)).statistics;
  }

  /** Surface-word counts summed over several bases. */
  async words(kbs: string[]): Promise<Map<string, number>> {
    const all = await Promise.all(kbs.map((kb) => this.of(kb)));
    if (all.length === 1) return (all[0] as BaseStatistics).words;
    const merged = new Map<string, number>();
    for (const statistics of all) for (const [word, count] of statistics.words) merged.set(word, (merged.get(word) ?? 0) + count);
    return merged;
  }

  /** A speller over the words of these bases, rebuilt when one of them is. */
  async speller(kbs: string[]): Promise<Speller> {
    const sources = await Promise.all(kbs.map((kb) => this.of(kb)));
    const key = kbs.join('\n');
    const cached = this.spellers.get(key);
    if (cached && cached.sources.every((source, index) => source === sources[index])) return cached.speller;
    const speller = new Speller(await this.words(kbs), (term) => sources.some((source) => source.terms.has(term)));
    this.spellers.set(key, { sources, speller });
    return speller;
  }

  private entry(kb: string): Promise<Entry> {
    const cached = this.entries.get(kb);
    const next = cached
      ? cached.then(async (entry) => {
          if (this.now() - entry.checkedAt < this.settings.recheckMs) return entry;
          const count = await this.store.count(kb);
          return count === entry.statistics.chunks ? { ...entry, checkedAt: this.now() } : this.build(kb);
        })
      : this.build(kb);
    if (next !== cached) {
      this.entries.set(kb, next);
      next.catch(() => this.entries.delete(kb));
    }
    return next;
  }

  /**
   * Reads the base's chunks — or, when the store keeps derived data (the embedded store), the statistics a
   * process already computed from the same chunks (a replica starting does not tokenise the whole base again).
   */
  private async build(kb: string): Promise<Entry> {
    const name = `corpus-statistics:2:${this.settings.enrichmentWeight}:${this.settings.headingWeight}`;
    const stored = await this.store.readDerived?.(kb, name);
    if (stored?.data) {
      const parsed = parseStatistics(stored.data);
      if (parsed) return { statistics: parsed, checkedAt: this.now() };
    }
    const statistics: BaseStatistics = { terms: new Map(), total: 0, words: new Map(), style: new Map(), styleTotal: 0, chunks: 0 };
    const chunks = await this.store.listChunks(kb);
    for (const chunk of chunks) addChunk(statistics, chunk, this.settings);
    statistics.chunks = chunks.length;
    if (stored && chunks.length > 0) await this.store.writeDerived?.(kb, name, stored.generation, JSON.stringify({ terms: [...statistics.terms], total: statistics.total, words: [...statistics.words], style: [...statistics.style], styleTotal: statistics.styleTotal, chunks: statistics.chunks }));
    return { statistics, checkedAt: this.now() };
  }
}

function addChunk(statistics: BaseStatistics, chunk: Chunk, settings: StatisticsSettings): void {
  const add = (text: string, weight: number) => {
    for (const token of tokenize(text)) {
      if (!token.reference) statistics.words.set(token.text, (statistics.words.get(token.text) ?? 0) + 1);
      const content = contentTerm(token);
      if (!content) continue;
      statistics.terms.set(content.term, (statistics.terms.get(content.term) ?? 0) + weight);
      statistics.total += weight;
    }
  };
  add(chunk.text, 1);
  add([...chunk.headingPath, chunk.section ?? ''].join('\n'), settings.headingWeight);
  if (chunk.enrichment) {
    add(chunk.enrichment.text, settings.enrichmentWeight);
    // Each typical question once per document (a document cut into several passages carries it on each).
    if (chunk.part === 0) {
      for (const line of chunk.enrichment.text.split('\n')) {
        if (!line.trim().endsWith('?')) continue;
        for (const feature of styleFeatures(line)) {
          statistics.style.set(feature, (statistics.style.get(feature) ?? 0) + 1);
          statistics.styleTotal++;
        }
      }
    }
  }
}

/** Letters kept of each word in {@link styleFeatures}: a crude stem that also keeps « je », « mon », « on ». */
const STYLE_PREFIX = 6;

/**
 * The features of a question's wording for the base style models: every word (stop words included) cut to its
 * first letters, and each pair of adjacent words. References and numbers are left out.
 */
export function styleFeatures(text: string): string[] {
  const words = tokenize(text).filter((token) => !token.reference).map((token) => token.text.slice(0, STYLE_PREFIX));
  const features = [...words];
  for (let index = 1; index < words.length; index++) features.push(`${words[index - 1]}_${words[index]}`);
  return features;
}

/** Statistics stored by `build`, or undefined when the text is not that shape. */
function parseStatistics(text: string): BaseStatistics | undefined {
  try {
    const value = JSON.parse(text) as { terms?: unknown; total?: unknown; words?: unknown; style?: unknown; styleTotal?: unknown; chunks?: unknown };
    if (!Array.isArray(value.terms) || !Array.isArray(value.words) || !Array.isArray(value.style) || typeof value.total !== 'number' || typeof value.styleTotal !== 'number' || typeof value.chunks !== 'number') return undefined;
    return {
      terms: new Map(value.terms as Array<[string, number]>),
      total: value.total,
      words: new Map(value.words as Array<[string, number]>),
      style: new Map(value.style as Array<[string, number]>),
      styleTotal: value.styleTotal,
      chunks: value.chunks,
    };
  } catch {
    return undefined;
  }
}
