import { PasserelleError } from "../../bots/errors.js";
import { httpFailure } from "../http-failure.js";
export class HttpRerankingModel {
    options;
    maxDocumentsPerCall;
    constructor(options) {
        this.options = options;
        this.maxDocumentsPerCall = options.maxDocumentsPerCall ?? 32;
    }
    get id() {
        return `${this.options.protocol}:${this.options.model}`;
    }
    async score(query, documents, options = {}) {
        if (documents.length === 0)
            return [];
        if (documents.length > this.maxDocumentsPerCall) {
            throw new PasserelleError('INTERNAL', {}, { cause: new Error(`${documents.length} documents exceed maxDocumentsPerCall ${this.maxDocumentsPerCall}`) });
        }
        const { protocol, model } = this.options;
        const body = protocol === 'tei'
            ? { query, texts: documents, truncate: true, raw_scores: false }
            : protocol === 'albert'
                ? { prompt: query, input: documents, model }
                : { model, query, documents, top_n: documents.length };
        let response;
        try {
            response = await fetch(`${this.options.baseUrl.replace(/\/+$/, '')}/rerank`, {
                method: 'POST',
                redirect: 'error',
                headers: { 'content-type': 'application/json', ...(this.options.apiKey ? { authorization: `Bearer ${this.options.apiKey}` } : {}) },
                body: JSON.stringify(body),
                ...(options.signal ? { signal: options.signal } : {}),
            });
        }
        catch (error) {
            throw new PasserelleError('RERANKER_UNAVAILABLE', {}, { cause: error });
        }
        if (!response.ok)
            throw await httpFailure(response, 'rerank', 'RERANKER_UNAVAILABLE');
        let payload;
        try {
            payload = await response.json();
        }
        catch (error) {
            throw new PasserelleError('MODEL_BAD_RESPONSE', {}, { cause: error });
        }
        return scoresFrom(payload, protocol, documents.length);
    }
}
/** One score per document, by index, from any of the three response shapes. */
function scoresFrom(payload, protocol, count) {
    const items = protocol === 'tei' ? payload : protocol === 'albert' ? payload?.data : payload?.results;
    const bad = (reason) => new PasserelleError('MODEL_BAD_RESPONSE', {}, { cause: new Error(`rerank response: ${reason}`) });
    if (!Array.isArray(items))
        throw bad('no list of results');
    const scores = new Array(count).fill(undefined);
    for (const item of items) {
        const index = item?.index;
        const score = protocol === 'cohere' ? item?.relevance_score : item?.score;
        if (typeof index !== 'number' || !Number.isInteger(index) || index < 0 || index >= count)
            throw bad(`invalid index ${String(index)}`);
        if (typeof score !== 'number' || !Number.isFinite(score))
            throw bad(`invalid score for index ${index}`);
        scores[index] = score;
    }
    if (scores.some((score) => score === undefined))
        throw bad('a document got no score');
    return scores;
}
