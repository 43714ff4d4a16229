import { PasserelleError } from '../../bots/errors.ts';
import { httpFailure } from '../http-failure.ts';
import type { RerankingModel } from '../ports/reranking-model.ts';

/**
 * Cross-encoder re-ranking over HTTP, in the three wire formats deployed in the French administration and
 * around it:
 * - `tei`: Hugging Face text-embeddings-inference, `POST {url}/rerank` `{query, texts, truncate}` →
 *   `[{index, score}]`;
 * - `albert`: the Albert API (DINUM), `POST {url}/rerank` `{prompt, input, model}` → `{data: [{index, score}]}`
 *   (`url` ends in /v1);
 * - `cohere`: Cohere-compatible (Cohere, Jina, vLLM, Infinity), `POST {url}/rerank` `{model, query, documents,
 *   top_n}` → `{results: [{index, relevance_score}]}` (`url` ends in /v1).
 * Redirects are refused: the request carries the question and the passages.
 */

export type RerankProtocol = 'tei' | 'albert' | 'cohere';

export interface HttpRerankingModelOptions {
  protocol: RerankProtocol;
  baseUrl: string;
  /** Model name (required by albert and cohere; informative for tei). */
  model: string;
  apiKey?: string;
  /** Documents per request the server accepts. Default 32. */
  maxDocumentsPerCall?: number;
}

export class HttpRerankingModel implements RerankingModel {
  readonly maxDocumentsPerCall: number;

  constructor(private readonly options: HttpRerankingModelOptions) {
    this.maxDocumentsPerCall = options.maxDocumentsPerCall ?? 32;
  }

  get id(): string {
    return `${this.options.protocol}:${this.options.model}`;
  }

  async score(query: string, documents: string[], options: { signal?: AbortSignal } = {}): Promise<number[]> {
    if (documents.length === 0) return [];
    if (documents.length > this.maxDocumentsPerCall) {
      throw new PasserelleError('INTERNAL', {}, { cause: new Error(`${documents.length} documents exceed maxDocumentsPerCall ${this.maxDocumentsPerCall}`) });
    }
    const { protocol, model } = this.options;
    const body =
      protocol === 'tei'
        ? { query, texts: documents, truncate: true, raw_scores: false }
        : protocol === 'albert'
          ? { prompt: query, input: documents, model }
          : { model, query, documents, top_n: documents.length };
    let response: Response;
    try {
      response = await fetch(`${this.options.baseUrl.replace(/\/+$/, '')}/rerank`, {
        method: 'POST',
        redirect: 'manual',
        headers: { 'content-type': 'application/json', ...(this.options.apiKey ? { authorization: `Bearer ${this.options.apiKey}` } : {}) },
        body: JSON.stringify(body),
        ...(options.signal ? { signal: options.signal } : {}),
      });
    } catch (error) {
      throw new PasserelleError('RERANKER_UNAVAILABLE', {}, { cause: error });
    }
    if (!response.ok) throw await httpFailure(response, 'rerank', 'RERANKER_UNAVAILABLE');
    let payload: unknown;
    try {
      payload = await response.json();
    } catch (error) {
      throw new PasserelleError('MODEL_BAD_RESPONSE', {}, { cause: error });
    }
    return scoresFrom(payload, protocol, documents.length);
  }
}

/** One score per document, by index, from any of the three response shapes. */
function scoresFrom(payload: unknown, protocol: RerankProtocol, count: number): number[] {
  const items = protocol === 'tei' ? payload : protocol === 'albert' ? (payload as { data?: unknown })?.data : (payload as { results?: unknown })?.results;
  const bad = (reason: string) => new PasserelleError('MODEL_BAD_RESPONSE', {}, { cause: new Error(`rerank response: ${reason}`) });
  if (!Array.isArray(items)) throw bad('no list of results');
  const scores = new Array<number | undefined>(count).fill(undefined);
  for (const item of items as Array<Record<string, unknown>>) {
    const index = item?.index;
    const score = protocol === 'cohere' ? item?.relevance_score : item?.score;
    if (typeof index !== 'number' || !Number.isInteger(index) || index < 0 || index >= count) throw bad(`invalid index ${String(index)}`);
    if (typeof score !== 'number' || !Number.isFinite(score)) throw bad(`invalid score for index ${index}`);
    scores[index] = score;
  }
  if (scores.some((score) => score === undefined)) throw bad('a document got no score');
  return scores as number[];
}
