import { join } from 'node:path';
import type { Config } from '../config/schema.ts';
import { loadDefaultLexicon } from './analysis/lexicon.ts';
import { SparseEncoder } from './analysis/sparse-encoder.ts';
import { KnowledgeCatalog } from './catalog.ts';
import { HttpEmbedder, MISTRAL_BASE_URL } from './embedders/http-embedder.ts';
import { CorpusStatistics } from './corpus-statistics.ts';
import { EmbeddingService } from './embedding-service.ts';
import { EnrichmentLookup } from './enrichment/enrichment-lookup.ts';
import type { EnrichmentStore } from './enrichment/enrichment-store.ts';
import { ShippedEnrichment } from './enrichment/shipped-enrichment.ts';
import { IngestionService } from './ingestion/ingestion-service.ts';
import type { ConcordanceStore } from './versions/concordance.ts';
import type { VectorStore } from './ports/vector-store.ts';
import { createChatModel } from './models/langchain-chat-model.ts';
import { ModelQueryRewriter } from './query-rewriter.ts';
import { HttpRerankingModel } from './rerankers/http-reranking-model.ts';
import { Retriever, type CrossEncoderSettings } from './retriever.ts';
import { SqliteVectorStore } from './stores/embedded/sqlite-vector-store.ts';
import { INDEX_FORMAT } from './stores/index-format.ts';
import { QdrantStore } from './stores/qdrant/qdrant-store.ts';

/** The knowledge layer wired from configuration: one store, one encoder, an optional embedder. */
export interface Knowledge {
  catalog: KnowledgeCatalog;
  store: VectorStore;
  encoder: SparseEncoder;
  embedding: EmbeddingService | undefined;
  retriever: Retriever;
  ingestion: IngestionService;
  /** Word statistics of the bases (routing language models, spelling), shared by the retriever and the router. */
  statistics: CorpusStatistics;
  /** Agents' wording: what applies to a document, and the store of entries written after shipping (undefined when off). */
  enrichment: { lookup: EnrichmentLookup; store?: EnrichmentStore } | undefined;
  /** Old ↔ new article numbers (docs/versions.md); undefined when the composition root gave no store. */
  concordance: ConcordanceStore | undefined;
  close(): Promise<void>;
}

export interface KnowledgeOptions {
  /** Where curators' and machine enrichment entries live (chosen by the composition root); without it, shipped entries only. */
  enrichmentStore?: EnrichmentStore;
  /** Where the concordance tables between numberings live (chosen by the composition root); without it, none. */
  concordanceStore?: ConcordanceStore;
}

export async function createKnowledge(config: Config, log: (message: string) => void = () => {}, options: KnowledgeOptions = {}): Promise<Knowledge> {
  const catalog = new KnowledgeCatalog(config.knowledgeBases);
  const store = createStore(config, log);
  const encoder = new SparseEncoder(loadDefaultLexicon());
  const embedding = await createEmbedding(config, log);
  const statistics = new CorpusStatistics(store);
  const enrichment = createEnrichment(config, options.enrichmentStore);
  const crossEncoder = createCrossEncoder(config);
  const retriever = new Retriever(store, encoder, catalog, embedding, {
    maxQueryLength: config.retrieval.maxQueryLength,
    candidates: config.retrieval.candidates,
    embedderCeiling: config.embeddings.ceiling,
  }, log, statistics, {
    ...(crossEncoder ? { crossEncoder } : {}),
    ...(config.retrieval.rewrite === 'model' ? { rewriter: createRewriter(config, log) } : {}),
    ...(options.concordanceStore ? { concordance: options.concordanceStore } : {}),
  });
  const ingestion = new IngestionService(store, encoder, embedding, {
    rootDir: config.rootDir,
    maxFileBytes: config.ingestion.maxFileBytes,
    maxChunkChars: config.ingestion.maxChunkChars,
    embedderCeiling: config.embeddings.ceiling,
    ...(enrichment ? { enrichment: enrichment.lookup } : {}),
    syncedArticlesDir: join(config.dataDir, 'sync', 'legi'),
  });
  return {
    catalog, store, encoder, embedding, retriever, ingestion, statistics, enrichment, concordance: options.concordanceStore,
    async close() {
      await enrichment?.store?.close();
      await options.concordanceStore?.close();
      await store.close();
    },
  };
}

/** `log`: where the embedded store reports a damaged index file (rebuilt). */
export function createStore(config: Config, log: (message: string) => void = () => {}): VectorStore {
  if (config.vectorStore.kind === 'qdrant') {
    const { url, apiKey, collectionPrefix } = config.vectorStore.qdrant;
    return new QdrantStore({ url: url as string, collectionPrefix, ...(apiKey ? { apiKey } : {}) });
  }
  return new SqliteVectorStore(join(config.dataDir, 'knowledge.sqlite'), INDEX_FORMAT, log);
}

/** Shipped team entries plus, when given, the store of curators' and machine entries. */
function createEnrichment(config: Config, store: EnrichmentStore | undefined): Knowledge['enrichment'] {
  if (config.retrieval.enrichment === 'off') return undefined;
  const lookup = new EnrichmentLookup(new ShippedEnrichment(), store, config.retrieval.enrichment === 'all');
  return { lookup, ...(store ? { store } : {}) };
}

/** The cross-encoder from configuration, when one is configured. */
export function createCrossEncoder(config: Config): CrossEncoderSettings | undefined {
  const { provider, url, model, apiKey, ceiling, depth, timeoutMs } = config.reranker;
  if (provider === 'none' || !url) return undefined;
  return { model: new HttpRerankingModel({ protocol: provider, baseUrl: url, model, ...(apiKey ? { apiKey } : {}) }), ceiling, depth, timeoutMs };
}

function createRewriter(config: Config, log: (message: string) => void): ModelQueryRewriter {
  const model = createChatModel(config.chatModel);
  if (!model) throw new Error('query rewriting needs a chat model (checked by the configuration schema)');
  return new ModelQueryRewriter(model, Math.min(config.chatModel.timeoutMs, 10_000), log);
}

async function createEmbedding(config: Config, log: (message: string) => void): Promise<EmbeddingService | undefined> {
  const endpoint = config.embeddings;
  if (endpoint.provider === 'none') return undefined;
  const embedder = new HttpEmbedder({
    baseUrl: endpoint.url ?? MISTRAL_BASE_URL,
    model: endpoint.model as string,
    ...(endpoint.apiKey ? { apiKey: endpoint.apiKey } : {}),
    maxInputsPerCall: endpoint.batchSize,
  });
  // A service down at start does not stop the process: search is lexical until it answers (probed again later).
  return EmbeddingService.start(
    embedder,
    { batchSize: endpoint.batchSize, timeoutMs: endpoint.timeoutMs, maxRetries: endpoint.maxRetries, reprobeMs: endpoint.reprobeMs },
    { probe: (signal) => embedder.probe(signal), log },
  );
}
