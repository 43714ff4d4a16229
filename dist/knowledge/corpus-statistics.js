import { contentTerm } from "./analysis/french-analyser.js";
import { Speller } from "./analysis/speller.js";
import { tokenize } from "./analysis/tokenizer.js";
export const DEFAULT_STATISTICS_SETTINGS = Object.freeze({ enrichmentWeight: 3, headingWeight: 1, recheckMs: 60_000 });
export class CorpusStatistics {
    store;
    now;
    entries = new Map();
    spellers = new Map();
    settings;
    constructor(store, settings = {}, now = Date.now) {
        this.store = store;
        this.now = now;
        this.settings = { ...DEFAULT_STATISTICS_SETTINGS, ...settings };
    }
    async of(kb) {
        return (await this.entry(kb)).statistics;
    }
    /** Surface-word counts summed over several bases. */
    async words(kbs) {
        const all = await Promise.all(kbs.map((kb) => this.of(kb)));
        if (all.length === 1)
            return all[0].words;
        const merged = new Map();
        for (const statistics of all)
            for (const [word, count] of statistics.words)
                merged.set(word, (merged.get(word) ?? 0) + count);
        return merged;
    }
    /** A speller over the words of these bases, rebuilt when one of them is. */
    async speller(kbs) {
        const sources = await Promise.all(kbs.map((kb) => this.of(kb)));
        const key = kbs.join('\n');
        const cached = this.spellers.get(key);
        if (cached && cached.sources.every((source, index) => source === sources[index]))
            return cached.speller;
        const speller = new Speller(await this.words(kbs), (term) => sources.some((source) => source.terms.has(term)));
        this.spellers.set(key, { sources, speller });
        return speller;
    }
    entry(kb) {
        const cached = this.entries.get(kb);
        const next = cached
            ? cached.then(async (entry) => {
                if (this.now() - entry.checkedAt < this.settings.recheckMs)
                    return entry;
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
    async build(kb) {
        const statistics = { terms: new Map(), total: 0, words: new Map(), chunks: 0 };
        const chunks = await this.store.listChunks(kb);
        for (const chunk of chunks)
            addChunk(statistics, chunk, this.settings);
        statistics.chunks = chunks.length;
        return { statistics, checkedAt: this.now() };
    }
}
function addChunk(statistics, chunk, settings) {
    const add = (text, weight) => {
        for (const token of tokenize(text)) {
            if (!token.reference)
                statistics.words.set(token.text, (statistics.words.get(token.text) ?? 0) + 1);
            const content = contentTerm(token);
            if (!content)
                continue;
            statistics.terms.set(content.term, (statistics.terms.get(content.term) ?? 0) + weight);
            statistics.total += weight;
        }
    };
    add(chunk.text, 1);
    add([...chunk.headingPath, chunk.section ?? ''].join('\n'), settings.headingWeight);
    if (chunk.enrichment)
        add(chunk.enrichment.text, settings.enrichmentWeight);
}
