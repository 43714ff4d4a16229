import { PasserelleError } from '../bots/errors.ts';
import { findArticleMentions } from './analysis/article-references.ts';
import { redactPersonalData } from './policies/redaction.ts';
import type { SparseEncoder } from './analysis/sparse-encoder.ts';
import type { KnowledgeCatalog } from './catalog.ts';
import type { EmbeddingService } from './embedding-service.ts';
import type { VectorStore } from './ports/vector-store.ts';
import { Reranker, type RerankerSettings } from './reranker.ts';
import { isWithinCeiling, type Classification, type Chunk } from './types.ts';

/**
 * Finds the passages that answer a question in one base: articles the question names come first, then the
 * store's hybrid ranking (lexical, fused with dense when an embedder is configured), its first candidates
 * re-ranked on their own text (coverage and proximity of the question's words, see reranker.ts).
 */

export interface RetrievalRequest {
  question: string;
  kb: string;
  /** Highest classification the asker (and whatever will read the passages) may see. */
  maxClassification: Classification;
  /** Passages to return. Default 5. */
  limit?: number;
  /** ISO date for the "in force" filter; undefined disables it. */
  inForceAt?: string;
}

export interface RetrievedPassage {
  chunk: Chunk;
  score: number;
  /** True when the question named this article explicitly. */
  namedInQuestion: boolean;
}

export interface RetrievalResult {
  kb: string;
  passages: RetrievedPassage[];
  /** Whether dense retrieval took part (false when no embedder or it failed). */
  dense: boolean;
}

export interface RetrieverSettings {
  maxQueryLength: number;
  candidates: number;
  /** Highest classification a question may be sent to the embedder with. */
  embedderCeiling: Classification;
  /** Re-ranking of the store's first candidates: settings to override, or false to keep the store's order. */
  rerank?: Partial<RerankerSettings> | false;
}

export class Retriever {
  private readonly reranker: Reranker | undefined;

  constructor(
    private readonly store: VectorStore,
    private readonly encoder: SparseEncoder,
    private readonly catalog: KnowledgeCatalog,
    private readonly embedding: EmbeddingService | undefined,
    private readonly settings: RetrieverSettings,
    private readonly log: (message: string) => void = () => {},
  ) {
    this.reranker = settings.rerank === false ? undefined : new Reranker(encoder.lexicon, settings.rerank ?? {});
  }

  async retrieve(request: RetrievalRequest): Promise<RetrievalResult> {
    const question = validateQuestion(request.question, this.settings.maxQueryLength);
    this.catalog.get(request.kb);
    const limit = request.limit ?? 5;
    const filter = { maxClassification: request.maxClassification, ...(request.inForceAt ? { inForceAt: request.inForceAt } : {}) };

    const named: RetrievedPassage[] = [];
    for (const mention of findArticleMentions(question)) {
      const chunks = await this.store.findArticle({ kb: request.kb, number: mention.number, filter, ...(mention.code ? { code: mention.code } : {}) });
      for (const chunk of chunks) named.push({ chunk, score: Number.POSITIVE_INFINITY, namedInQuestion: true });
    }

    let dense: Float32Array | undefined;
    if (this.embedding && isWithinCeiling(request.maxClassification, this.settings.embedderCeiling)) {
      try {
        // Personal data never leaves for the embedding service.
        dense = await this.embedding.embedOne(redactPersonalData(question).text);
      } catch (error) {
        this.log(`embedder unavailable, lexical search only: ${(error as Error).message}`);
      }
    }
    const hits = await this.store.search({
      kb: request.kb,
      sparse: this.encoder.encodeQuery(question),
      ...(dense ? { dense } : {}),
      filter,
      limit: Math.max(limit, this.settings.candidates),
    });
    const seen = new Set(named.map((passage) => passage.chunk.id));
    const ranked = (this.reranker ? this.reranker.rerank(question, hits) : hits)
      .filter((hit) => !seen.has(hit.chunk.id))
      .map((hit) => ({ chunk: hit.chunk, score: hit.score, namedInQuestion: false }));
    return { kb: request.kb, passages: [...named, ...ranked].slice(0, Math.max(limit, named.length)), dense: dense !== undefined };
  }
}

/** Trims and checks a question: QUERY_EMPTY, QUERY_TOO_LONG. */
export function validateQuestion(question: string, maxLength: number): string {
  const trimmed = question.replace(/\s+/g, ' ').trim();
  if (!/[\p{L}\p{N}]/u.test(trimmed)) throw new PasserelleError('QUERY_EMPTY');
  if (trimmed.length > maxLength) throw new PasserelleError('QUERY_TOO_LONG', { length: trimmed.length, max: maxLength });
  return trimmed;
}
