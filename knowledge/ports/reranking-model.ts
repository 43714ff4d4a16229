/**
 * A cross-encoder that scores how well each passage answers a question (TEI `/rerank`, Albert `/v1/rerank`,
 * Cohere-compatible `/v1/rerank`: Jina, vLLM, Infinity…). Implementations declare their limits; the retriever
 * applies the policy: which candidates are sent (only those at or below the model's classification ceiling),
 * how scores are combined with the lexical order, and what happens when the service fails (lexical order kept).
 *
 * Contract (test/contract/reranking-model.contract.ts): one score per document, in the documents' order, higher
 * meaning more relevant; an empty list gives an empty list without a call; failures are PasserelleErrors
 * (RERANKER_UNAVAILABLE when it may succeed later, MODEL_REJECTED_REQUEST or MODEL_BAD_RESPONSE otherwise).
 */
export interface RerankingModel {
  /** Model name, for logs and the audit. */
  readonly id: string;
  /** Most documents per call; the caller splits longer lists. */
  readonly maxDocumentsPerCall: number;
  score(query: string, documents: string[], options?: { signal?: AbortSignal }): Promise<number[]>;
}
