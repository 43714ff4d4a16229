import type { ArticleInfo, Classification, Chunk, DocumentRecord, IndexedChunk, SearchHit, SparseVector } from '../types.ts';

/** Restricts a search to what the asker may see and what is in force. */
export interface SearchFilter {
  /** Highest classification the results may carry. */
  maxClassification: Classification;
  /** ISO date: exclude chunks whose validity is known and does not include it. Absent: no date filter. */
  inForceAt?: string;
}

export interface HybridQuery {
  kb: string;
  /** Query-side lexical weights (term id → weight); the store applies IDF computed over the base. */
  sparse: SparseVector;
  /** Query embedding; absent when no embedder is configured (lexical only). */
  dense?: Float32Array;
  filter: SearchFilter;
  limit: number;
}

export interface ArticleQuery {
  kb: string;
  /** Normalised article number, as produced by `normaliseArticleNumber` ("60 bis", "L621-1"). */
  number: string;
  /** Restrict to a code (exact code name) when the question named one. */
  code?: string;
  filter: SearchFilter;
}

/** New article metadata (validity, version) for every chunk of one document. */
export interface ArticleUpdate {
  documentId: string;
  article: ArticleInfo;
}

/**
 * Where chunks live. One collection (or table) per knowledge base: lexical IDF is computed per base.
 *
 * Contract (checked by test/contract/vector-store.contract.ts against every implementation):
 * - `upsert` replaces chunks with the same id; `deleteDocuments` removes every chunk of those documents;
 * - `search` ranks by BM25-style sparse dot product with IDF = ln(1 + (N − n + 0.5)/(n + 0.5)) over the
 *   base, fused with dense similarity by reciprocal rank fusion (k = 60) when `dense` is given;
 * - filters are applied inside the store, before ranking limits; a chunk is in force at a day when its
 *   `article.validFrom` (unknown: always) is on or before it and its `article.validTo` (unknown: never) after it,
 *   so several versions of an article coexist and a date selects one;
 * - `updateArticles` replaces the article metadata of every chunk of the named documents, and the date filter
 *   follows it at once (text, vectors and records are untouched; unknown documents are ignored);
 * - every method is safe to call on a base that has never been written (empty results).
 */
export interface VectorStore {
  /** Short name for logs and benchmarks ("embedded", "qdrant"). */
  readonly name: string;
  /** Largest batch `upsert` accepts; callers split larger ones. */
  readonly maxUpsertBatch: number;

  /** Prepares the base; `dimensions` is the embedder's output size or undefined when lexical only. */
  ensureBase(kb: string, dimensions: number | undefined): Promise<void>;
  upsert(kb: string, chunks: IndexedChunk[], documents: DocumentRecord[]): Promise<void>;
  deleteDocuments(kb: string, documentIds: string[]): Promise<void>;
  /** Re-dates documents already stored (closing a version when a newer one arrives). */
  updateArticles(kb: string, updates: ArticleUpdate[]): Promise<void>;
  listDocuments(kb: string, source?: string): Promise<DocumentRecord[]>;
  search(query: HybridQuery): Promise<SearchHit[]>;
  findArticle(query: ArticleQuery): Promise<Chunk[]>;
  getChunks(kb: string, ids: string[]): Promise<Chunk[]>;
  /** Every chunk of a base (of one code when `code` is given), in no guaranteed order. For summaries of code parts. */
  listChunks(kb: string, filter?: { code?: string }): Promise<Chunk[]>;
  /**
   * Precomputes what the store's first query in any process would otherwise compute (the embedded store's
   * lexical index, persisted); called once at the end of an ingestion. Stores with nothing to prepare
   * (Qdrant) leave it out.
   */
  prepare?(kb: string): Promise<void>;
  /**
   * Data a caller derived from the base's chunks (corpus statistics), kept with the base until its next write:
   * `readDerived` gives the base's current generation and the data stored for it, if any; `writeDerived`
   * stores data computed from the chunks of `generation`, unless the base has been written since. Stores
   * without it (Qdrant) leave both out: callers compute again.
   */
  readDerived?(kb: string, name: string): Promise<{ generation: number; data?: string }>;
  writeDerived?(kb: string, name: string, generation: number, data: string): Promise<void>;
  /** Drops the whole base (used by `ingest --reindex`). */
  dropBase(kb: string): Promise<void>;
  count(kb: string): Promise<number>;
  close(): Promise<void>;
}
