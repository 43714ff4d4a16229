import { isWithinCeiling } from "../../knowledge/types.js";
import { FAMILY_MATCH, familySimilarity, questionTerms } from "./question-family.js";
export class CuratedAnswerSource {
    deps;
    snapshot;
    now;
    constructor(deps) {
        this.deps = deps;
        this.now = deps.now ?? Date.now;
    }
    async standardAnswer(question, allowedKbs, clearance) {
        const { published } = await this.read();
        const terms = questionTerms(question);
        let best;
        for (const version of published) {
            if (!allowedKbs.includes(version.kb))
                continue;
            const similarity = familySimilarity(terms, version.questions);
            if (similarity >= FAMILY_MATCH && (!best || similarity > best.similarity))
                best = { version, similarity };
        }
        if (!best)
            return undefined;
        const found = await this.deps.chunks.getChunks(best.version.kb, best.version.sourceIds);
        const byId = new Map(found.map((chunk) => [chunk.id, chunk]));
        const sources = best.version.sourceIds.flatMap((id) => byId.get(id) ?? []);
        // A source above the asker's clearance is withheld; an answer resting on it is not served to them.
        if (sources.some((chunk) => !isWithinCeiling(chunk.classification, clearance)))
            return undefined;
        return { ...best, sources };
    }
    async adjust(question, kb, passages, clearance) {
        const { rules } = await this.read();
        const terms = questionTerms(question);
        const applying = rules.filter((rule) => rule.kb === kb && familySimilarity(terms, rule.questions) >= FAMILY_MATCH);
        if (applying.length === 0)
            return passages;
        const hidden = new Set(applying.filter((rule) => rule.action === 'hide').map((rule) => rule.chunkId));
        const boosted = [...new Set(applying.filter((rule) => rule.action === 'boost' && !hidden.has(rule.chunkId)).map((rule) => rule.chunkId))];
        const kept = passages.filter((passage) => !hidden.has(passage.chunk.id) && !boosted.includes(passage.chunk.id));
        const present = new Map(passages.map((passage) => [passage.chunk.id, passage]));
        const missing = boosted.filter((id) => !present.has(id));
        const fetched = new Map((missing.length > 0 ? await this.deps.chunks.getChunks(kb, missing) : []).map((chunk) => [chunk.id, chunk]));
        const top = Math.max(0, ...passages.map((passage) => passage.score));
        const first = boosted.flatMap((id) => {
            const known = present.get(id);
            if (known)
                return [{ ...known, score: top }];
            const chunk = fetched.get(id);
            return chunk && isWithinCeiling(chunk.classification, clearance) ? [{ chunk, score: top, namedInQuestion: false }] : [];
        });
        return [...first, ...kept];
    }
    refresh() {
        this.snapshot = undefined;
    }
    async read() {
        const now = this.now();
        if (!this.snapshot || now - this.snapshot.at > (this.deps.refreshMs ?? 5_000)) {
            const [published, rules] = await Promise.all([this.deps.store.publishedVersions(), this.deps.store.listRules()]);
            this.snapshot = { at: now, published, rules };
        }
        return this.snapshot;
    }
}
