import { join } from 'node:path';
import { loadDefaultLexicon } from "./analysis/lexicon.js";
import { SparseEncoder } from "./analysis/sparse-encoder.js";
import { KnowledgeCatalog } from "./catalog.js";
import { HttpEmbedder, MISTRAL_BASE_URL } from "./embedders/http-embedder.js";
import { CorpusStatistics } from "./corpus-statistics.js";
import { EmbeddingService } from "./embedding-service.js";
import { EnrichmentLookup } from "./enrichment/enrichment-lookup.js";
import { ShippedEnrichment } from "./enrichment/shipped-enrichment.js";
import { IngestionService } from "./ingestion/ingestion-service.js";
import { createChatModel } from "./models/langchain-chat-model.js";
import { ModelQueryRewriter } from "./query-rewriter.js";
import { HttpRerankingModel } from "./rerankers/http-reranking-model.js";
import { Retriever } from "./retriever.js";
import { SqliteVectorStore } from "./stores/embedded/sqlite-vector-store.js";
import { QdrantStore } from "./stores/qdrant/qdrant-store.js";
export async function createKnowledge(config, log = () => { }, options = {}) {
    const catalog = new KnowledgeCatalog(config.knowledgeBases);
    const store = createStore(config);
    const encoder = new SparseEncoder(loadDefaultLexicon());
    const embedding = await createEmbedding(config);
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
    });
    const ingestion = new IngestionService(store, encoder, embedding, {
        rootDir: config.rootDir,
        maxFileBytes: config.ingestion.maxFileBytes,
        maxChunkChars: config.ingestion.maxChunkChars,
        embedderCeiling: config.embeddings.ceiling,
        ...(enrichment ? { enrichment: enrichment.lookup } : {}),
    });
    return {
        catalog, store, encoder, embedding, retriever, ingestion, statistics, enrichment,
        async close() {
            await enrichment?.store?.close();
            await store.close();
        },
    };
}
export function createStore(config) {
    if (config.vectorStore.kind === 'qdrant') {
        const { url, apiKey, collectionPrefix } = config.vectorStore.qdrant;
        return new QdrantStore({ url: url, collectionPrefix, ...(apiKey ? { apiKey } : {}) });
    }
    return new SqliteVectorStore(join(config.dataDir, 'knowledge.sqlite'));
}
/** Shipped team entries plus, when given, the store of curators' and machine entries. */
function createEnrichment(config, store) {
    if (config.retrieval.enrichment === 'off')
        return undefined;
    const lookup = new EnrichmentLookup(new ShippedEnrichment(), store, config.retrieval.enrichment === 'all');
    return { lookup, ...(store ? { store } : {}) };
}
/** The cross-encoder from configuration, when one is configured. */
export function createCrossEncoder(config) {
    const { provider, url, model, apiKey, ceiling, depth, timeoutMs } = config.reranker;
    if (provider === 'none' || !url)
        return undefined;
    return { model: new HttpRerankingModel({ protocol: provider, baseUrl: url, model, ...(apiKey ? { apiKey } : {}) }), ceiling, depth, timeoutMs };
}
function createRewriter(config, log) {
    const model = createChatModel(config.chatModel);
    if (!model)
        throw new Error('query rewriting needs a chat model (checked by the configuration schema)');
    return new ModelQueryRewriter(model, Math.min(config.chatModel.timeoutMs, 10_000), log);
}
async function createEmbedding(config) {
    const endpoint = config.embeddings;
    if (endpoint.provider === 'none')
        return undefined;
    const embedder = new HttpEmbedder({
        baseUrl: endpoint.url ?? MISTRAL_BASE_URL,
        model: endpoint.model,
        ...(endpoint.apiKey ? { apiKey: endpoint.apiKey } : {}),
        maxInputsPerCall: endpoint.batchSize,
    });
    await embedder.probe(AbortSignal.timeout(endpoint.timeoutMs));
    return new EmbeddingService(embedder, { batchSize: endpoint.batchSize, timeoutMs: endpoint.timeoutMs, maxRetries: endpoint.maxRetries });
}
