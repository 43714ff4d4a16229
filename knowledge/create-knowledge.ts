import { join } from 'node:path';
import type { Config } from '../config/schema.ts';
import { loadDefaultLexicon } from './analysis/lexicon.ts';
import { SparseEncoder } from './analysis/sparse-encoder.ts';
import { KnowledgeCatalog } from './catalog.ts';
import { HttpEmbedder, MISTRAL_BASE_URL } from './embedders/http-embedder.ts';
import { EmbeddingService } from './embedding-service.ts';
import { IngestionService } from './ingestion/ingestion-service.ts';
import type { VectorStore } from './ports/vector-store.ts';
import { Retriever } from './retriever.ts';
import { SqliteVectorStore } from './stores/embedded/sqlite-vector-store.ts';
import { QdrantStore } from './stores/qdrant/qdrant-store.ts';

/** The knowledge layer wired from configuration: one store, one encoder, an optional embedder. */
export interface Knowledge {
  catalog: KnowledgeCatalog;
  store: VectorStore;
  encoder: SparseEncoder;
  embedding: EmbeddingService | undefined;
  retriever: Retriever;
  ingestion: IngestionService;
  close(): Promise<void>;
}

export async function createKnowledge(config: Config, log: (message: string) => void = () => {}): Promise<Knowledge> {
  const catalog = new KnowledgeCatalog(config.knowledgeBases);
  const store = createStore(config);
  const encoder = new SparseEncoder(loadDefaultLexicon());
  const embedding = await createEmbedding(config);
  const retriever = new Retriever(store, encoder, catalog, embedding, {
    maxQueryLength: config.retrieval.maxQueryLength,
    candidates: config.retrieval.candidates,
    embedderCeiling: config.embeddings.ceiling,
  }, log);
  const ingestion = new IngestionService(store, encoder, embedding, {
    rootDir: config.rootDir,
    maxFileBytes: config.ingestion.maxFileBytes,
    maxChunkChars: config.ingestion.maxChunkChars,
    embedderCeiling: config.embeddings.ceiling,
  });
  return { catalog, store, encoder, embedding, retriever, ingestion, close: () => store.close() };
}

export function createStore(config: Config): VectorStore {
  if (config.vectorStore.kind === 'qdrant') {
    const { url, apiKey, collectionPrefix } = config.vectorStore.qdrant;
    return new QdrantStore({ url: url as string, collectionPrefix, ...(apiKey ? { apiKey } : {}) });
  }
  return new SqliteVectorStore(join(config.dataDir, 'knowledge.sqlite'));
}

async function createEmbedding(config: Config): Promise<EmbeddingService | undefined> {
  const endpoint = config.embeddings;
  if (endpoint.provider === 'none') return undefined;
  const embedder = new HttpEmbedder({
    baseUrl: endpoint.url ?? MISTRAL_BASE_URL,
    model: endpoint.model as string,
    ...(endpoint.apiKey ? { apiKey: endpoint.apiKey } : {}),
    maxInputsPerCall: endpoint.batchSize,
  });
  await embedder.probe(AbortSignal.timeout(endpoint.timeoutMs));
  return new EmbeddingService(embedder, { batchSize: endpoint.batchSize, timeoutMs: endpoint.timeoutMs, maxRetries: endpoint.maxRetries });
}
