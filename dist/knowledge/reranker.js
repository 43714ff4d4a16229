import { contentTerm, contentTerms } from "./analysis/french-analyser.js";
import { foldText } from "./analysis/normalise.js";
import { tokenize } from "./analysis/tokenizer.js";
export const DEFAULT_RERANKER_SETTINGS = Object.freeze({
    depth: 20,
    coverageWeight: 0.7,
    proximityWeight: 0.7,
    window: 8,
    synonymCredit: 0.8,
    prefixCredit: 0.5,
    definitionWeight: 0.3,
});
/** Questions asking what something is. Folded text. */
const DEFINITION_QUESTION = /\b(c'?est quoi|qu'?est[- ]ce (que|qu'?)|definition|definir|que (veut|signifie) dire|ca veut dire|veut dire quoi|signifie|on appelle)\b/;
/** Phrases by which a text defines a notion. Folded text. */
const DEFINING_PHRASE = /\b(on entend par|s'entend(ent)? (de|des|du|comme|par)|(est|sont) (repute|reputes|reputee|reputees|considere|consideres|consideree|considerees) comme|(est|sont) (repute|reputes|reputee|reputees)|designe(nt)?|constitue(nt)? (un|une|des)|au sens (du present|de la presente)|est qualifiee? de)\b/g;
const CACHE_SIZE = 5_000;
export class Reranker {
    lexicon;
    cache = new Map();
    settings;
    constructor(lexicon, settings = {}) {
        this.lexicon = lexicon;
        this.settings = { ...DEFAULT_RERANKER_SETTINGS, ...settings };
    }
    /** The question's concepts, one per distinct stem, in order. */
    concepts(question) {
        const tokens = tokenize(question);
        const byToken = tokens.map((token) => {
            const content = contentTerm(token);
            if (!content)
                return undefined;
            return { term: content.term, synonyms: new Set(), ...(content.prefix ? { prefix: content.prefix } : {}) };
        });
        for (const expansion of this.lexicon?.expansionsIn(question) ?? []) {
            if (expansion.refines)
                continue;
            const targets = byToken.slice(expansion.start, expansion.end).filter((concept) => concept !== undefined);
            for (const term of expansion.analysed.terms)
                for (const concept of targets)
                    if (term !== concept.term)
                        concept.synonyms.add(term);
        }
        const merged = new Map();
        for (const concept of byToken) {
            if (!concept)
                continue;
            const existing = merged.get(concept.term);
            if (!existing)
                merged.set(concept.term, concept);
            else
                for (const synonym of concept.synonyms)
                    existing.synonyms.add(synonym);
        }
        return [...merged.values()];
    }
    /** The candidates re-ordered; the first `depth` get their raised score, the others are left as they are. */
    rerank(question, candidates) {
        const head = candidates.slice(0, this.settings.depth);
        if (head.length < 2 || !head.every((candidate) => candidate.score > 0 && Number.isFinite(candidate.score)))
            return candidates;
        const concepts = this.concepts(question);
        const passages = head.map((candidate) => this.passageTerms(candidate.chunk));
        const credits = passages.map((passage) => concepts.map((concept) => this.credit(concept, (term) => passage.all.has(term))));
        const present = concepts.map((_, c) => credits.some((row) => (row[c] ?? 0) > 0));
        const counted = present.filter(Boolean).length;
        if (counted === 0)
            return candidates;
        const { coverageWeight, proximityWeight, definitionWeight } = this.settings;
        const definitional = definitionWeight > 0 && DEFINITION_QUESTION.test(foldText(question));
        const rescored = head.map((candidate, index) => {
            const row = credits[index];
            const passage = passages[index];
            const coverage = row.reduce((sum, credit, c) => sum + (present[c] ? credit : 0), 0) / counted;
            const proximity = proximityWeight > 0 ? this.proximity(concepts, passage) / counted : 0;
            const boost = coverageWeight * coverage + proximityWeight * proximity;
            const defines = definitional && this.defines(concepts, passage) ? definitionWeight : 0;
            return { candidate, index, score: candidate.score * (1 + boost) * (1 + defines) };
        });
        rescored.sort((x, y) => y.score - x.score || x.index - y.index);
        const reranked = rescored.map(({ candidate, score }) => ({ ...candidate, score }));
        return [...reranked, ...candidates.slice(head.length)];
    }
    /** True when a defining phrase of the body stands within a window of one of the question's words. */
    defines(concepts, passage) {
        if (passage.definitions.length === 0)
            return false;
        return concepts.some((concept) => [concept.term, ...concept.synonyms].some((term) => (passage.positions.get(term) ?? []).some((at) => passage.definitions.some((phrase) => Math.abs(phrase - at) <= this.settings.window))));
    }
    /** 1 when the passage has the word typed, else the synonym or prefix credit, else 0. */
    credit(concept, has) {
        if (has(concept.term))
            return 1;
        for (const synonym of concept.synonyms)
            if (has(synonym))
                return this.settings.synonymCredit;
        return concept.prefix && has(concept.prefix) ? this.settings.prefixCredit : 0;
    }
    /** Largest sum of concept credits found within one window of the body (each concept counted once). */
    proximity(concepts, passage) {
        const events = [];
        concepts.forEach((concept, index) => {
            const add = (term, credit) => {
                for (const at of passage.positions.get(term) ?? [])
                    events.push({ at, concept: index, credit });
            };
            add(concept.term, 1);
            for (const synonym of concept.synonyms)
                add(synonym, this.settings.synonymCredit);
            if (concept.prefix)
                add(concept.prefix, this.settings.prefixCredit);
        });
        if (events.length === 0)
            return 0;
        events.sort((x, y) => x.at - y.at);
        // Credits of each concept inside the current window, as a multiset.
        const inside = concepts.map(() => []);
        let first = 0;
        let best = 0;
        for (const event of events) {
            inside[event.concept].push(event.credit);
            while (events[first].at <= event.at - this.settings.window) {
                const leaving = events[first];
                const list = inside[leaving.concept];
                list.splice(list.indexOf(leaving.credit), 1);
                first++;
            }
            let sum = 0;
            for (const list of inside)
                if (list.length > 0)
                    sum += Math.max(...list);
            if (sum > best)
                best = sum;
        }
        return best;
    }
    /** Terms and body positions of a passage, cached by chunk id and content hash. */
    passageTerms(chunk) {
        const key = `${chunk.id}\n${chunk.contentHash}`;
        const cached = this.cache.get(key);
        if (cached)
            return cached;
        const positions = new Map();
        const all = new Set();
        const note = (term, at) => {
            all.add(term);
            const list = positions.get(term);
            if (list)
                list.push(at);
            else
                positions.set(term, [at]);
        };
        contentTerms(chunk.text).forEach(({ term, prefix }, at) => {
            note(term, at);
            if (prefix)
                note(prefix, at);
        });
        // Where the defining phrases fall, in content-term positions: the content terms before each match.
        const folded = foldText(chunk.text);
        const definitions = [...folded.matchAll(DEFINING_PHRASE)].map((match) => contentTerms(folded.slice(0, match.index)).length);
        for (const { term, prefix } of contentTerms([chunk.title, ...chunk.headingPath, chunk.section ?? '', chunk.enrichment?.text ?? ''].join('\n'))) {
            all.add(term);
            if (prefix)
                all.add(prefix);
        }
        const entry = { all, positions, definitions };
        if (this.cache.size >= CACHE_SIZE)
            this.cache.delete(this.cache.keys().next().value);
        this.cache.set(key, entry);
        return entry;
    }
}
