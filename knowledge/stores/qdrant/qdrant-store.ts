import { createHash } from 'node:crypto';
import { QdrantClient, type Schemas } from '@qdrant/js-client-rest';
import { PasserelleError } from '../../../bots/errors.ts';
import { articleNumberLookupKeys, normaliseArticleNumber } from '../../analysis/article-references.ts';
import type { ArticleQuery, ArticleUpdate, HybridQuery, SearchFilter, VectorStore } from '../../ports/vector-store.ts';
import {
  classificationRank,
  type Chunk,
  type DocumentRecord,
  type IndexedChunk,
  type SearchHit,
  type SparseVector,
} from '../../types.ts';
import { RRF_K } from '../rank-fusion.ts';
import { collectionOf, formatOfCollection, incompatibleFormat, INDEX_FORMAT } from '../index-format.ts';
import { isoToDay, UNKNOWN_END_DAY, UNKNOWN_START_DAY } from '../validity.ts';

/**
 * VectorStore on a Qdrant server (≥ 1.16: parametrised RRF). One collection per knowledge base, named
 * `${collectionPrefix}${kb}`, holding one point per chunk with two named vectors: sparse "lexical" (Qdrant's
 * `idf` modifier supplies the IDF of the port's contract, computed over the collection) and, when the base
 * has an embedder, dense "dense" (Cosine). Document records live on each document's part-0 point: no other
 * database is needed, so a Qdrant backup is a complete backup.
 */

export interface QdrantStoreOptions {
  /**
   * Server URL, e.g. "http://localhost:6333". Read as a URL: without a port the scheme's default applies
   * (80/443, not Qdrant's 6333), and a path is kept as a prefix (Qdrant behind a reverse proxy).
   */
  url: string;
  /** Sent as the `api-key` header on every request. */
  apiKey?: string;
  /** Prepended to the knowledge-base name to name its collection. Default "passerelle_". */
  collectionPrefix?: string;
  /** Per-request timeout in milliseconds; beyond it the call fails with STORE_UNAVAILABLE. Default 30 000. */
  timeoutMs?: number;
  /** Index format this store reads and writes (index-format.ts); tests only. Default INDEX_FORMAT. */
  indexFormat?: number;
}

/** Default of {@link QdrantStoreOptions.timeoutMs}, in milliseconds. */
export const DEFAULT_QDRANT_TIMEOUT_MS = 30_000;
/** Default of {@link QdrantStoreOptions.collectionPrefix}. */
export const DEFAULT_COLLECTION_PREFIX = 'passerelle_';

const DENSE = 'dense';
const LEXICAL = 'lexical';

/**
 * The port's RRF is Σ 1/(RRF_K + rank) with rank counted from 1 (rank-fusion.ts). Qdrant computes
 * Σ 1/(k + position) with position counted from 0, and k = 2 when a plain `fusion: "rrf"` is sent; so
 * k = RRF_K + 1 reproduces the port's scores exactly, hence the embedded store's order.
 */
const QDRANT_RRF_K = RRF_K + 1;
/** Each arm of a hybrid query feeds max(limit × 4, 50) candidates to the fusion. */
const PREFETCH_FACTOR = 4;
const PREFETCH_MIN = 50;

/** Page size for scrolls, retrieves and id-list filters. */
const PAGE = 256;

/**
 * Namespace of the UUIDv5 point ids derived from chunk ids. Changing it orphans every point already stored:
 * upserts would duplicate instead of replacing.
 */
const POINT_ID_NAMESPACE = 'a8762f52-71f4-4bdc-a6ab-dcc497d58788';

/** Flat payload fields used by filters, with the Qdrant index type each gets. */
const PAYLOAD_INDEXES = {
  document_id: 'keyword',
  source: 'keyword',
  classification_rank: 'integer',
  article_number: 'keyword',
  article_code: 'keyword',
  valid_from_day: 'integer',
  valid_to_day: 'integer',
  part: 'integer',
  content_hash: 'keyword',
  chunk_count: 'integer',
} as const satisfies Record<string, Schemas['PayloadSchemaType']>;

/** What a store needs to know about an existing collection. */
interface BaseShape {
  /** Size of the "dense" vector, undefined for a lexical-only base. */
  denseSize: number | undefined;
  indexedFields: Set<string>;
}

type Filter = Schemas['Filter'];
type Condition = Schemas['Condition'];

export class QdrantStore implements VectorStore {
  readonly name = 'qdrant';
  readonly maxUpsertBatch = 256;

  private readonly client: QdrantClient;
  private readonly prefix: string;
  /**
   * Shapes of collections seen to exist. Only existence is cached, never absence (another process may create
   * a base at any time); an entry is dropped whenever Qdrant answers 404 for it.
   */
  private readonly bases = new Map<string, BaseShape>();

  constructor(options: QdrantStoreOptions) {
    const url = URL.canParse(options.url) ? new URL(options.url) : undefined;
    if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
      throw new PasserelleError('CONFIG_INVALID', { problems: `URL Qdrant invalide : ${options.url}` });
    }
    const path = url.pathname.replace(/\/+$/, '');
    this.client = new QdrantClient({
      url: url.origin,
      port: url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80,
      ...(path ? { prefix: path } : {}),
      ...(options.apiKey !== undefined ? { apiKey: options.apiKey } : {}),
      timeout: options.timeoutMs ?? DEFAULT_QDRANT_TIMEOUT_MS,
      // The check is a fire-and-forget request that only logs to the console.
      checkCompatibility: false,
    });
    this.prefix = options.collectionPrefix ?? DEFAULT_COLLECTION_PREFIX;
    this.format = options.indexFormat ?? INDEX_FORMAT;
  }

  private readonly format: number;
  /** Bases checked for a collection of another format, and when (the check lists the collections). */
  private readonly formatChecked = new Map<string, number>();

  /** A base without a collection of this format: refused when it has one of another format (re-index needed). */
  private async refuseOtherFormat(kb: string): Promise<void> {
    const checked = this.formatChecked.get(kb);
    if (checked !== undefined && Date.now() - checked < 30_000) return;
    const listed = await this.client.getCollections().catch((error: unknown) => {
      if (statusOf(error) === 404) return undefined; // nothing listed there (a proxy path): nothing to compare
      throw storeError(error);
    });
    const collections = listed?.collections ?? [];
    const other = collections.map((collection) => formatOfCollection(this.prefix, kb, collection.name)).find((format) => format !== undefined && format !== this.format);
    if (other !== undefined) throw incompatibleFormat(kb, other, this.format);
    this.formatChecked.set(kb, Date.now());
  }

  async ensureBase(kb: string, dimensions: number | undefined): Promise<void> {
    if (dimensions !== undefined && !(Number.isInteger(dimensions) && dimensions > 0)) {
      throw new PasserelleError('INTERNAL', {}, { cause: new Error(`invalid embedding dimensions: ${dimensions}`) });
    }
    const collection = this.collectionName(kb);
    let shape = await this.fetchShape(kb);
    if (!shape) {
      try {
        await this.client.createCollection(collection, {
          vectors: dimensions === undefined ? {} : { [DENSE]: { size: dimensions, distance: 'Cosine' } },
          sparse_vectors: { [LEXICAL]: { modifier: 'idf' } },
          // Qdrant computes IDF per shard: one shard keeps it over the whole base, as the contract wants.
          shard_number: 1,
        });
      } catch (error) {
        // Another process created it in between: its shape is checked below like any existing base.
        if (!isAlreadyExists(error)) throw storeError(error);
      }
      shape = await this.fetchShape(kb);
      if (!shape) throw new PasserelleError('STORE_UNAVAILABLE', {}, { cause: new Error(`collection ${collection} vanished after creation`) });
    }
    if (dimensions !== undefined && shape.denseSize === undefined) {
      // Qdrant cannot add a vector to an existing collection: an empty lexical-only base is recreated with
      // it; one holding chunks needs a reindex (its points would lack the dense vector anyway).
      const points = await this.count(kb);
      if (points > 0) throw new PasserelleError('STORE_DIMENSION_MISMATCH', { kb, stored: 0, actual: dimensions });
      await this.dropBase(kb);
      return this.ensureBase(kb, dimensions);
    }
    if (dimensions !== undefined && shape.denseSize !== dimensions) {
      throw new PasserelleError('STORE_DIMENSION_MISMATCH', { kb, stored: shape.denseSize ?? 0, actual: dimensions });
    }
    for (const [field, type] of Object.entries(PAYLOAD_INDEXES)) {
      if (shape.indexedFields.has(field)) continue;
      await this.call(kb, () => this.client.createPayloadIndex(collection, { field_name: field, field_schema: type, wait: true }));
      shape.indexedFields.add(field);
    }
    this.bases.set(kb, shape);
  }

  async upsert(kb: string, chunks: IndexedChunk[], documents: DocumentRecord[]): Promise<void> {
    if (chunks.length === 0 && documents.length === 0) return;
    let shape = await this.shape(kb);
    if (!shape) {
      // Writing creates the base, as the embedded store does; its dense size is that of the chunks.
      await this.ensureBase(kb, chunks.find((c) => c.dense)?.dense?.length);
      shape = await this.shape(kb);
      if (!shape) return;
    }
    for (const { dense } of chunks) {
      if (dense && dense.length !== shape.denseSize) {
        throw new PasserelleError('STORE_DIMENSION_MISMATCH', { kb, stored: shape.denseSize ?? 0, actual: dense.length });
      }
    }
    const collection = this.collectionName(kb);
    const records = new Map(documents.map((d) => [d.documentId, d]));
    const recorded = new Set<string>();
    for (let start = 0; start < chunks.length; start += this.maxUpsertBatch) {
      const batch = chunks.slice(start, start + this.maxUpsertBatch);
      const points = batch.map((indexed) => {
        const record = indexed.chunk.part === 0 ? records.get(indexed.chunk.documentId) : undefined;
        if (record) recorded.add(record.documentId);
        return toPoint(kb, indexed, record);
      });
      await this.write(kb, () => this.client.upsert(collection, { wait: true, points }));
    }
    // Records whose part-0 chunk was written in an earlier call: update it in place (no-op if absent).
    for (const record of documents) {
      if (recorded.has(record.documentId)) continue;
      await this.write(kb, () =>
        this.client.setPayload(collection, {
          wait: true,
          payload: { content_hash: record.contentHash, chunk_count: record.chunkCount },
          filter: { must: [matchValue('document_id', record.documentId), matchValue('part', 0)] },
        }),
      );
    }
  }

  async deleteDocuments(kb: string, documentIds: string[]): Promise<void> {
    const ids = [...new Set(documentIds)];
    const collection = this.collectionName(kb);
    for (let start = 0; start < ids.length; start += PAGE) {
      const slice = ids.slice(start, start + PAGE);
      const done = await this.read(kb, () =>
        this.client.delete(collection, { wait: true, filter: { must: [{ key: 'document_id', match: { any: slice } }] } }),
      );
      if (done === undefined) return;
    }
  }

  async updateArticles(kb: string, updates: ArticleUpdate[]): Promise<void> {
    if (updates.length === 0 || !(await this.shape(kb))) return;
    const collection = this.collectionName(kb);
    for (const { documentId, article } of updates) {
      // The chunk payload differs per part: each point is rewritten with its own chunk and the new dates.
      const points = await this.scrollAll(kb, { must: [matchValue('document_id', documentId)] }, ['chunk']);
      for (const point of points) {
        const chunk = chunkOf(point.payload);
        if (!chunk) continue;
        await this.write(kb, () =>
          this.client.setPayload(collection, {
            wait: true,
            points: [point.id],
            payload: {
              chunk: { ...chunk, article },
              valid_from_day: isoToDay(article.validFrom, UNKNOWN_START_DAY),
              valid_to_day: isoToDay(article.validTo, UNKNOWN_END_DAY),
              article_number: normaliseArticleNumber(article.number),
              article_code: article.code,
            },
          }),
        );
      }
    }
  }

  async listDocuments(kb: string, source?: string): Promise<DocumentRecord[]> {
    const must: Condition[] = [matchValue('part', 0)];
    if (source !== undefined) must.push(matchValue('source', source));
    const points = await this.scrollAll(kb, { must }, ['document_id', 'source', 'content_hash', 'chunk_count']);
    const records: DocumentRecord[] = [];
    for (const { payload } of points) {
      if (!payload) continue;
      const { document_id, source: from, content_hash, chunk_count } = payload;
      if (typeof document_id !== 'string' || typeof from !== 'string') continue;
      records.push({
        kb,
        documentId: document_id,
        source: from,
        contentHash: typeof content_hash === 'string' ? content_hash : '',
        chunkCount: typeof chunk_count === 'number' ? chunk_count : 0,
      });
    }
    return records.sort((a, b) => compare(a.documentId, b.documentId));
  }

  async search(query: HybridQuery): Promise<SearchHit[]> {
    if (!(query.limit > 0)) return [];
    const sparse = normaliseSparse(query.sparse);
    const dense = query.dense && query.dense.length > 0 ? query.dense : undefined;
    if (sparse.indices.length === 0 && !dense) return [];
    const shape = await this.shape(query.kb);
    if (!shape) return [];
    const filter: Filter = { must: searchConditions(query.filter) };
    const collection = this.collectionName(query.kb);
    // A base indexed without embeddings is searched lexically even if the asker has an embedder.
    const useDense = dense !== undefined && shape.denseSize !== undefined;
    if (useDense && dense.length !== shape.denseSize) {
      throw new PasserelleError('STORE_DIMENSION_MISMATCH', { kb: query.kb, stored: shape.denseSize ?? 0, actual: dense.length });
    }
    let result: Schemas['QueryResponse'] | undefined;
    if (!useDense) {
      if (sparse.indices.length === 0) return [];
      result = await this.read(query.kb, () =>
        this.client.query(collection, { query: sparse, using: LEXICAL, filter, limit: query.limit, with_payload: ['chunk'] }),
      );
    } else {
      const limit = Math.max(query.limit * PREFETCH_FACTOR, PREFETCH_MIN);
      const prefetch: Schemas['Prefetch'][] = [];
      if (sparse.indices.length > 0) prefetch.push({ query: sparse, using: LEXICAL, filter, limit });
      prefetch.push({ query: Array.from(dense), using: DENSE, filter, limit });
      result = await this.read(query.kb, () =>
        this.client.query(collection, {
          prefetch,
          query: { rrf: { k: QDRANT_RRF_K } },
          filter,
          limit: query.limit,
          with_payload: ['chunk'],
        }),
      );
    }
    const hits: SearchHit[] = [];
    for (const point of result?.points ?? []) {
      const chunk = chunkOf(point.payload);
      // Sparse scores are dot products of positive weights: zero means no term in common.
      if (chunk && point.score > 0) hits.push({ chunk, score: point.score });
    }
    // Qdrant leaves the order of equal scores unspecified; the chunk id makes it reproducible.
    return hits.sort((a, b) => b.score - a.score || compare(a.chunk.id, b.chunk.id));
  }

  async findArticle(query: ArticleQuery): Promise<Chunk[]> {
    // Every shorter form too: a base indexed by an earlier release keyed "67 A" as "67" (article-references.ts).
    const must: Condition[] = [{ key: 'article_number', match: { any: articleNumberLookupKeys(query.number) } }];
    const wanted = normaliseArticleNumber(query.number);
    if (query.code !== undefined) must.push(matchValue('article_code', query.code));
    must.push(...searchConditions(query.filter));
    const points = await this.scrollAll(query.kb, { must }, ['chunk']);
    const chunks = points.map((p) => chunkOf(p.payload)).filter((c): c is Chunk => c !== undefined && c.article !== undefined && normaliseArticleNumber(c.article.number) === wanted);
    // The embedded store's order: by code, then part; the document id only settles what it leaves open.
    return chunks.sort(
      (a, b) => compare(a.article?.code ?? '', b.article?.code ?? '') || a.part - b.part || compare(a.documentId, b.documentId),
    );
  }

  async listChunks(kb: string, filter: { code?: string } = {}): Promise<Chunk[]> {
    const must: Condition[] = filter.code === undefined ? [] : [matchValue('article_code', filter.code)];
    const points = await this.scrollAll(kb, { must }, ['chunk']);
    return points.map((p) => chunkOf(p.payload)).filter((c): c is Chunk => c !== undefined);
  }

  async getChunks(kb: string, ids: string[]): Promise<Chunk[]> {
    const unique = [...new Set(ids)];
    if (unique.length === 0) return [];
    const collection = this.collectionName(kb);
    const byId = new Map<string, Chunk>();
    for (let start = 0; start < unique.length; start += PAGE) {
      const slice = unique.slice(start, start + PAGE);
      const records = await this.read(kb, () =>
        this.client.retrieve(collection, { ids: slice.map(pointId), with_payload: ['chunk'], with_vector: false }),
      );
      if (records === undefined) return [];
      for (const record of records) {
        const chunk = chunkOf(record.payload);
        if (chunk) byId.set(chunk.id, chunk);
      }
    }
    return ids.flatMap((id) => {
      const chunk = byId.get(id);
      return chunk ? [chunk] : [];
    });
  }

  /** Drops the base's collection, and those of other formats (the explicit re-index replaces them). */
  async dropBase(kb: string): Promise<void> {
    this.bases.delete(kb);
    this.formatChecked.delete(kb);
    const { collections } = await this.client.getCollections().catch((error: unknown) => {
      throw storeError(error);
    });
    for (const { name } of collections) {
      if (formatOfCollection(this.prefix, kb, name) === undefined) continue;
      await this.client.deleteCollection(name).catch((error: unknown) => {
        if (statusOf(error) !== 404) throw storeError(error);
      });
    }
  }

  async count(kb: string): Promise<number> {
    const result = await this.read(kb, () => this.client.count(this.collectionName(kb), { exact: true }));
    return result?.count ?? 0;
  }

  /** Nothing to release: the HTTP client's idle keep-alive sockets do not hold the process open. */
  async close(): Promise<void> {
    this.bases.clear();
  }

  private collectionName(kb: string): string {
    return collectionOf(this.prefix, kb, this.format);
  }

  /** The base's shape, from cache or Qdrant; undefined when the collection does not exist. */
  private async shape(kb: string): Promise<BaseShape | undefined> {
    return this.bases.get(kb) ?? (await this.fetchShape(kb));
  }

  private async fetchShape(kb: string): Promise<BaseShape | undefined> {
    const info = await this.read(kb, () => this.client.getCollection(this.collectionName(kb)));
    if (!info) return undefined;
    const shape = shapeOf(this.collectionName(kb), info);
    this.bases.set(kb, shape);
    return shape;
  }

  private async scrollAll(kb: string, filter: Filter, fields: string[]): Promise<Schemas['Record'][]> {
    const collection = this.collectionName(kb);
    const points: Schemas['Record'][] = [];
    let offset: Schemas['ExtendedPointId'] | undefined;
    do {
      const page = await this.read(kb, () =>
        this.client.scroll(collection, { filter, limit: PAGE, with_payload: fields, with_vector: false, ...(offset !== undefined ? { offset } : {}) }),
      );
      if (!page) return [];
      points.push(...page.points);
      const next = page.next_page_offset;
      offset = typeof next === 'string' || typeof next === 'number' ? next : undefined;
    } while (offset !== undefined);
    return points;
  }

  /** Runs a request; a missing collection gives undefined (a base never written reads as empty). */
  private async read<T>(kb: string, action: () => Promise<T>): Promise<T | undefined> {
    try {
      return await action();
    } catch (error) {
      if (statusOf(error) === 404) {
        this.bases.delete(kb);
        await this.refuseOtherFormat(kb);
        return undefined;
      }
      throw storeError(error);
    }
  }

  /** Runs a write; if the collection was dropped meanwhile, it is recreated once with the known shape. */
  private async write<T>(kb: string, action: () => Promise<T>): Promise<T> {
    const known = this.bases.get(kb);
    const first = await this.read(kb, action);
    if (first !== undefined) return first;
    await this.ensureBase(kb, known?.denseSize);
    return this.call(kb, action);
  }

  private async call<T>(kb: string, action: () => Promise<T>): Promise<T> {
    try {
      return await action();
    } catch (error) {
      if (statusOf(error) === 404) this.bases.delete(kb);
      throw storeError(error);
    }
  }
}

/** Deterministic point id of a chunk: UUIDv5 (RFC 9562) of the chunk id in {@link POINT_ID_NAMESPACE}. */
export function pointId(chunkId: string): string {
  const namespace = Buffer.from(POINT_ID_NAMESPACE.replace(/-/g, ''), 'hex');
  const bytes = createHash('sha1').update(namespace).update(chunkId, 'utf8').digest().subarray(0, 16);
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x50;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

function toPoint(kb: string, { chunk, sparse, dense }: IndexedChunk, record: DocumentRecord | undefined): Schemas['PointStruct'] {
  const vector: Record<string, Schemas['Vector']> = { [LEXICAL]: normaliseSparse(sparse) };
  if (dense) vector[DENSE] = Array.from(dense);
  const payload: Record<string, unknown> = {
    chunk: { ...chunk, kb },
    document_id: chunk.documentId,
    source: chunk.source,
    classification_rank: classificationRank(chunk.classification),
    valid_from_day: isoToDay(chunk.article?.validFrom, UNKNOWN_START_DAY),
    valid_to_day: isoToDay(chunk.article?.validTo, UNKNOWN_END_DAY),
    part: chunk.part,
    content_hash: record?.contentHash ?? chunk.contentHash,
    chunk_count: record?.chunkCount ?? chunk.parts,
  };
  if (chunk.article) {
    payload['article_number'] = normaliseArticleNumber(chunk.article.number);
    payload['article_code'] = chunk.article.code;
  }
  return { id: pointId(chunk.id), vector, payload };
}

/**
 * Qdrant wants u32 indices, each once: indices are read as unsigned 32-bit and repeated ones are summed,
 * so any encoder's output is accepted and scored as the sum it means.
 */
function normaliseSparse(vector: SparseVector): SparseVector {
  const merged = new Map<number, number>();
  vector.indices.forEach((index, i) => {
    const value = vector.values[i];
    if (value === undefined || !Number.isFinite(value)) return;
    const key = index >>> 0;
    merged.set(key, (merged.get(key) ?? 0) + value);
  });
  const indices = [...merged.keys()].sort((a, b) => a - b);
  return { indices, values: indices.map((index) => merged.get(index) ?? 0) };
}

function searchConditions(filter: SearchFilter): Condition[] {
  const conditions: Condition[] = [{ key: 'classification_rank', range: { lte: classificationRank(filter.maxClassification) } }];
  if (filter.inForceAt !== undefined) {
    // Same reading of the date as every store (validity.ts), unreadable dates included.
    const day = isoToDay(filter.inForceAt, 0);
    conditions.push({ key: 'valid_from_day', range: { lte: day } }, { key: 'valid_to_day', range: { gt: day } });
  }
  return conditions;
}

function matchValue(key: string, value: string | number): Condition {
  return { key, match: { value } };
}

function chunkOf(payload: Schemas['Record']['payload']): Chunk | undefined {
  const chunk = payload?.['chunk'];
  if (typeof chunk !== 'object' || chunk === null || typeof (chunk as { id?: unknown }).id !== 'string') return undefined;
  return chunk as Chunk;
}

function shapeOf(collection: string, info: Schemas['CollectionInfo']): BaseShape {
  const params = info.config.params;
  const lexical = params.sparse_vectors?.[LEXICAL];
  if (!lexical || lexical.modifier !== 'idf') {
    // Not a Passerelle collection, or one whose lexical scores would lack IDF: refuse rather than rank wrongly.
    throw new PasserelleError('INTERNAL', {}, { cause: new Error(`collection ${collection} has no sparse vector "${LEXICAL}" with the idf modifier`) });
  }
  const vectors = params.vectors;
  let denseSize: number | undefined;
  if (vectors && typeof vectors === 'object' && !('size' in vectors)) {
    const dense = (vectors as Record<string, Schemas['VectorParams'] | undefined>)[DENSE];
    denseSize = typeof dense?.size === 'number' ? dense.size : undefined;
  }
  return { denseSize, indexedFields: new Set(Object.keys(info.payload_schema ?? {})) };
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function statusOf(error: unknown): number | undefined {
  const status = (error as { status?: unknown } | null)?.status;
  return typeof status === 'number' ? status : undefined;
}

function isAlreadyExists(error: unknown): boolean {
  const status = statusOf(error);
  const message = JSON.stringify((error as { data?: unknown }).data ?? '');
  return status === 409 || (status === 400 && /already exists/i.test(message));
}

/**
 * Maps a client failure onto the catalogue. Unreachable, timing out, overloaded, failing (5xx) or refusing
 * our credentials all mean the same to a user: the store cannot serve now (STORE_UNAVAILABLE). Any other
 * HTTP answer means Passerelle sent something Qdrant rejects: a bug, reported as INTERNAL with the cause.
 */
function storeError(error: unknown): PasserelleError {
  if (error instanceof PasserelleError) return error;
  const status = statusOf(error);
  if (status !== undefined) {
    if (status >= 500 || status === 408 || status === 429 || status === 401 || status === 403) {
      return new PasserelleError('STORE_UNAVAILABLE', {}, { cause: describe(error), ...retryAfter(error) });
    }
    return new PasserelleError('INTERNAL', {}, { cause: describe(error) });
  }
  const name = (error as { name?: unknown } | null)?.name;
  if (name === 'QdrantClientResourceExhaustedError') {
    const seconds = (error as { retry_after?: unknown }).retry_after;
    return new PasserelleError('STORE_UNAVAILABLE', {}, { cause: error, ...(typeof seconds === 'number' ? { retryAfterMs: seconds * 1000 } : {}) });
  }
  if (name === 'QdrantClientConfigError') return new PasserelleError('INTERNAL', {}, { cause: error });
  // Network failures (fetch failed: ECONNREFUSED, DNS, TLS, reset), timeouts and unexpected 2xx codes.
  return new PasserelleError('STORE_UNAVAILABLE', {}, { cause: error });
}

/** The client's ApiError carries the body apart from its message; keep Qdrant's own words for the log. */
function describe(error: unknown): Error {
  const data = (error as { data?: { status?: { error?: unknown } } }).data;
  const detail = typeof data?.status?.error === 'string' ? data.status.error : undefined;
  const status = statusOf(error);
  const cause = new Error(`Qdrant HTTP ${status ?? '?'}${detail ? `: ${detail}` : ''}`, { cause: error });
  return cause;
}

function retryAfter(error: unknown): { retryAfterMs?: number } {
  const headers = (error as { headers?: unknown }).headers;
  if (!(headers instanceof Headers)) return {};
  const seconds = Number(headers.get('retry-after'));
  return Number.isFinite(seconds) && seconds > 0 ? { retryAfterMs: seconds * 1000 } : {};
}
