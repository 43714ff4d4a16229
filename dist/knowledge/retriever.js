import { PasserelleError } from "../bots/errors.js";
import { findArticleMentions } from "./analysis/article-references.js";
import { redactPersonalData } from "./policies/redaction.js";
import { Reranker } from "./reranker.js";
import { isWithinCeiling } from "./types.js";
export class Retriever {
    store;
    encoder;
    catalog;
    embedding;
    settings;
    log;
    statistics;
    production;
    reranker;
    constructor(store, encoder, catalog, embedding, settings, log = () => { }, statistics, production = {}) {
        this.store = store;
        this.encoder = encoder;
        this.catalog = catalog;
        this.embedding = embedding;
        this.settings = settings;
        this.log = log;
        this.statistics = statistics;
        this.production = production;
        this.reranker = settings.rerank === false ? undefined : new Reranker(encoder.lexicon, settings.rerank ?? {});
    }
    async retrieve(request) {
        const question = validateQuestion(request.question, this.settings.maxQueryLength);
        this.catalog.get(request.kb);
        const limit = request.limit ?? 5;
        const filter = { maxClassification: request.maxClassification, ...(request.inForceAt ? { inForceAt: request.inForceAt } : {}) };
        const named = [];
        for (const mention of findArticleMentions(question)) {
            const chunks = await this.store.findArticle({ kb: request.kb, number: mention.number, filter, ...(mention.code ? { code: mention.code } : {}) });
            for (const chunk of chunks)
                named.push({ chunk, score: Number.POSITIVE_INFINITY, namedInQuestion: true });
        }
        // Unknown words read as the bases' words they most likely stand for, added to the question's terms.
        const corrections = this.statistics ? (await this.statistics.speller([request.kb])).corrections(question) : [];
        const rewritten = named.length === 0 ? await this.production.rewriter?.rewrite(question, this.catalog.get(request.kb).name) : undefined;
        const searched = [question, ...corrections.map((correction) => correction.to), rewritten ?? ''].filter(Boolean).join(' ');
        let dense;
        if (this.embedding && isWithinCeiling(request.maxClassification, this.settings.embedderCeiling)) {
            try {
                // Personal data never leaves for the embedding service.
                dense = await this.embedding.embedOne(redactPersonalData(rewritten ? `${question}\n${rewritten}` : question).text);
            }
            catch (error) {
                this.log(`embedder unavailable, lexical search only: ${error.message}`);
            }
        }
        const hits = await this.store.search({
            kb: request.kb,
            sparse: this.encoder.encodeQuery(searched),
            ...(dense ? { dense } : {}),
            filter,
            limit: Math.max(limit, this.settings.candidates),
        });
        const seen = new Set(named.map((passage) => passage.chunk.id));
        const lexical = this.reranker ? this.reranker.rerank(searched, hits) : hits;
        const { ordered, crossEncoded } = await this.crossEncode(question, lexical, request.maxClassification);
        const ranked = ordered
            .filter((hit) => !seen.has(hit.chunk.id))
            .map((hit) => ({ chunk: hit.chunk, score: hit.score, namedInQuestion: false }));
        return {
            kb: request.kb,
            passages: [...named, ...ranked].slice(0, Math.max(limit, named.length)),
            dense: dense !== undefined,
            corrections,
            ...(rewritten ? { rewritten } : {}),
            crossEncoded,
        };
    }
    /**
     * The cross-encoder's reading of the first candidates, fused with the lexical order by reciprocal rank (k = 60)
     * so that what the lexical ranking knows (agents' wording, named structure) is not thrown away. Candidates above
     * the model's ceiling are never sent and keep their lexical rank in the fusion. Scores stay the lexical ones
     * (their scale is what the answerer reads). Any failure keeps the lexical order.
     */
    async crossEncode(question, candidates, clearance) {
        const settings = this.production.crossEncoder;
        if (!settings || candidates.length < 2)
            return { ordered: candidates, crossEncoded: false };
        const head = candidates.slice(0, settings.depth);
        const sendable = head.map((candidate, index) => ({ candidate, index })).filter(({ candidate }) => isWithinCeiling(candidate.chunk.classification, settings.ceiling) && isWithinCeiling(candidate.chunk.classification, clearance));
        if (sendable.length < 2)
            return { ordered: candidates, crossEncoded: false };
        const query = redactPersonalData(question).text;
        const scores = [];
        try {
            const signal = AbortSignal.timeout(settings.timeoutMs);
            for (let start = 0; start < sendable.length; start += settings.model.maxDocumentsPerCall) {
                const batch = sendable.slice(start, start + settings.model.maxDocumentsPerCall);
                scores.push(...(await settings.model.score(query, batch.map(({ candidate }) => passageForCrossEncoder(candidate.chunk)), { signal })));
            }
        }
        catch (error) {
            this.log(`cross-encoder unavailable, lexical order kept: ${error.message}`);
            return { ordered: candidates, crossEncoded: false };
        }
        // Rank by the model among those sent; the others keep their lexical rank in the fusion.
        const modelRank = new Map();
        sendable
            .map(({ index }, position) => ({ index, score: scores[position] ?? Number.NEGATIVE_INFINITY }))
            .sort((a, b) => b.score - a.score)
            .forEach(({ index }, rank) => modelRank.set(index, rank));
        const fused = head
            .map((candidate, index) => ({ candidate, index, fused: 1 / (60 + index) + 1 / (60 + (modelRank.get(index) ?? index)) }))
            .sort((a, b) => b.fused - a.fused || a.index - b.index)
            .map(({ candidate }) => candidate);
        return { ordered: [...fused, ...candidates.slice(head.length)], crossEncoded: true };
    }
}
/** What the cross-encoder reads of a passage: where it sits and its text, bounded. */
function passageForCrossEncoder(chunk) {
    return [chunk.title, chunk.headingPath[chunk.headingPath.length - 1] ?? '', chunk.text].filter(Boolean).join('\n').slice(0, 2_000);
}
/** Trims and checks a question: QUERY_EMPTY, QUERY_TOO_LONG. */
export function validateQuestion(question, maxLength) {
    const trimmed = question.replace(/\s+/g, ' ').trim();
    if (!/[\p{L}\p{N}]/u.test(trimmed))
        throw new PasserelleError('QUERY_EMPTY');
    if (trimmed.length > maxLength)
        throw new PasserelleError('QUERY_TOO_LONG', { length: trimmed.length, max: maxLength });
    return trimmed;
}
