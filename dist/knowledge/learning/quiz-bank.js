import { isoToDay, UNKNOWN_END_DAY, UNKNOWN_START_DAY } from "../stores/validity.js";
import { BaseCache } from "./base-cache.js";
import { runCooperatively } from "./cooperative.js";
import { checkItem } from "./quiz-check.js";
import { generateQuizCooperatively } from "./quiz-generator.js";
import { kbOfItem } from "./quiz-item.js";
export class QuizBank {
    store;
    bases;
    constructor(store, recheckMs = 60_000, now = Date.now) {
        this.store = store;
        this.bases = new BaseCache(store, (kb) => this.build(kb), recheckMs, now);
    }
    /** The base's checked items (written on first use, or again after its documents changed). */
    base(kb) {
        return this.bases.get(kb);
    }
    /** One item by id, from its base's current items; undefined when its text changed since. */
    async item(id) {
        const kb = kbOfItem(id);
        if (!kb)
            return undefined;
        return (await this.base(kb)).byId.get(id);
    }
    async build(kb) {
        const started = performance.now();
        // Only texts in force: a repealed version of an article (kept for `explique`) is not quizzed.
        const today = isoToDay(new Date().toISOString(), 0);
        const chunks = (await this.store.listChunks(kb)).filter((chunk) => isoToDay(chunk.article?.validTo, UNKNOWN_END_DAY) >= today && isoToDay(chunk.article?.validFrom, UNKNOWN_START_DAY) <= today);
        const generated = await generateQuizCooperatively(chunks);
        const texts = documentTexts(chunks);
        const problems = { 'text-changed': 0, 'answer-not-in-text': 0, 'distractor-in-text': 0, 'choices-invalid': 0 };
        const items = await runCooperatively((function* () {
            const kept = [];
            for (const item of generated.items) {
                const check = checkItem(item, texts.get(item.documentId) ?? '');
                for (const problem of check.problems)
                    problems[problem] += 1;
                if (check.ok)
                    kept.push(item);
                yield;
            }
            return kept;
        })());
        const report = {
            kb,
            documents: generated.documents,
            documentsWithItems: new Set(items.map((item) => item.documentId)).size,
            generated: generated.items.length,
            passed: items.length,
            problems,
            byKind: { quantity: items.filter((item) => item.kind === 'quantity').length, term: items.filter((item) => item.kind === 'term').length },
            withSituation: items.filter((item) => item.situation).length,
            generationMs: Math.round(performance.now() - started),
        };
        return { items, byId: new Map(items.map((item) => [item.id, item])), report };
    }
}
/** Each document's text as the store holds it: its chunks in order, joined by blank lines. */
function documentTexts(chunks) {
    const parts = new Map();
    for (const chunk of chunks) {
        const list = parts.get(chunk.documentId) ?? [];
        list.push(chunk);
        parts.set(chunk.documentId, list);
    }
    return new Map([...parts].map(([id, list]) => [id, list.sort((a, b) => a.part - b.part).map((chunk) => chunk.text).join('\n\n')]));
}
