/**
 * Fake Qdrant speaking the subset of the REST API that `@qdrant/js-client-rest` (1.16) sends for
 * collection management, payload indexes and points (upsert, delete, set payload, retrieve, scroll, count,
 * query with prefetch and fusion), so `QdrantStore` can be exercised without a server.
 *
 * Semantics follow Qdrant 1.16, in memory, on one shard:
 * - sparse vectors with `modifier: "idf"` are scored Σ q_i · idf(i) · d_i with
 *   idf(i) = ln(1 + (N − n_i + 0.5) / (n_i + 0.5)), N = points holding that sparse vector in the collection,
 *   n_i = those of them holding dimension i; only points sharing a dimension with the query are returned
 *   (Qdrant walks posting lists, so a point with no common dimension is never a candidate);
 * - Cosine vectors are normalised when stored, the score is their dot product;
 * - RRF scores Σ 1 / (k + position) with position counted from 0 and k = 2 unless `{ rrf: { k } }` says
 *   otherwise (Qdrant's `reciprocal_rank_fusion.rs`; its docs write 1/(k + r) with r from 0);
 * - a root filter is applied to every prefetch as well as to the fused result;
 * - vectors and scores are float32, as Qdrant stores and returns them: compare scores with a tolerance;
 * - ties are broken by point id so that results are deterministic (Qdrant gives no such guarantee).
 *
 * Anything outside the subset answers 400 "Fake Qdrant: unsupported …" rather than pretending, so a store
 * starting to rely on more of the API fails loudly here instead of silently against production.
 *
 * @module
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Options of {@link startFakeQdrant}. */
export interface FakeQdrantOptions {
  /** When set, every request must carry the `api-key` header with this value or gets a 401. */
  apiKey?: string;
  /** Version reported by `GET /`. Default "1.16.2". */
  version?: string;
}

/** One request as received, for assertions (body parsed as JSON when there was one). */
export interface RecordedQdrantRequest {
  method: string;
  /** Path without the query string, e.g. `/collections/passerelle_kb/points/query`. */
  path: string;
  /** Query-string parameters, e.g. `{ wait: 'true' }`. */
  query: Record<string, string>;
  body: unknown;
}

export interface FakeQdrant {
  /** Base URL, `http://127.0.0.1:<random port>`. */
  url: string;
  /** Every request received, oldest first (failed ones included). */
  readonly requests: RecordedQdrantRequest[];
  /** Stops listening and drops open connections. */
  close(): Promise<void>;
  /** The next request (whatever it is) gets this HTTP status with a Qdrant-shaped error body. Calls queue up. */
  failNext(status: number): void;
}

type Json = unknown;
type PointId = number | string;

interface SparseValue {
  indices: number[];
  values: number[];
}

interface DenseConfig {
  size: number;
  distance: 'Cosine' | 'Dot' | 'Euclid' | 'Manhattan';
}

interface SparseConfig {
  modifier: 'none' | 'idf';
}

interface StoredPoint {
  id: PointId;
  dense: Map<string, number[]>;
  sparse: Map<string, SparseValue>;
  payload: Record<string, Json>;
}

interface Collection {
  /** Dense vectors by name; the unnamed vector is stored under "". */
  dense: Map<string, DenseConfig>;
  sparse: Map<string, SparseConfig>;
  /** Raw `vectors` as given at creation, echoed by collection info. */
  vectorsConfig: Json;
  payloadSchema: Map<string, { data_type: string; params?: Json }>;
  points: Map<string, StoredPoint>;
}

interface Scored {
  point: StoredPoint;
  score: number;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const DISTANCES = new Set(['Cosine', 'Dot', 'Euclid', 'Manhattan']);
const PAYLOAD_TYPES = new Set(['keyword', 'integer', 'float', 'geo', 'text', 'bool', 'datetime', 'uuid']);
const RANGE_TYPES = new Set(['integer', 'float', 'datetime']);
const DEFAULT_RRF_K = 2;
const UUID = /^(?:urn:uuid:)?\{?([0-9a-f]{8})-?([0-9a-f]{4})-?([0-9a-f]{4})-?([0-9a-f]{4})-?([0-9a-f]{12})\}?$/i;

/** Starts the fake on 127.0.0.1 with a random port. */
export async function startFakeQdrant(options: FakeQdrantOptions = {}): Promise<FakeQdrant> {
  const collections = new Map<string, Collection>();
  const failures: number[] = [];
  const requests: RecordedQdrantRequest[] = [];
  let operationId = 0;
  const version = options.version ?? '1.16.2';

  const server = createServer((request, response) => {
    void handle(request, response);
  });

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const started = process.hrtime.bigint();
    const url = new URL(request.url ?? '/', 'http://fake');
    const method = (request.method ?? 'GET').toUpperCase();
    let body: unknown;
    try {
      const raw = await readBody(request);
      const record: RecordedQdrantRequest = {
        method,
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
        body: undefined,
      };
      requests.push(record);
      if (raw.length > 0) {
        try {
          body = JSON.parse(raw);
        } catch (error) {
          throw new HttpError(400, `Format error in JSON body: ${(error as Error).message}`);
        }
        record.body = body;
      }
      const failure = failures.shift();
      if (failure !== undefined) throw new HttpError(failure, `Fake Qdrant: injected failure ${failure}`);
      if (options.apiKey !== undefined && request.headers['api-key'] !== options.apiKey) {
        throw new HttpError(401, 'Must provide an API key or an Authorization bearer token');
      }
      const result = route(method, url.pathname.split('/').filter(Boolean).map(decodeURIComponent), body);
      send(response, 200, { result, status: 'ok', time: elapsed(started) });
    } catch (error) {
      const status = error instanceof HttpError ? error.status : 500;
      const message = error instanceof Error ? error.message : String(error);
      send(response, status, { status: { error: message }, time: elapsed(started) });
    }
  }

  function route(method: string, segments: string[], body: unknown): Json {
    const [root, name, sub, action, extra] = segments;
    if (segments.length === 0 && method === 'GET') return rootInfo();
    if (root !== 'collections') throw notFound();
    if (name === undefined) {
      if (method === 'GET') return { collections: [...collections.keys()].map((n) => ({ name: n })) };
      throw notFound();
    }
    if (sub === undefined) {
      if (method === 'GET') return collectionInfo(requireCollection(name));
      if (method === 'PUT') return createCollection(name, body);
      if (method === 'DELETE') return collections.delete(name);
      throw notFound();
    }
    if (sub === 'exists' && action === undefined && method === 'GET') return { exists: collections.has(name) };
    if (sub === 'index' && action === undefined && method === 'PUT') return createIndex(requireCollection(name), body);
    if (sub === 'points' && extra === undefined) {
      const collection = requireCollection(name);
      if (action === undefined && method === 'PUT') return upsert(collection, body);
      if (action === undefined && method === 'POST') return retrieve(collection, body);
      if (action === 'delete' && method === 'POST') return deletePoints(collection, body);
      if (action === 'payload' && method === 'POST') return setPayload(collection, body);
      if (action === 'scroll' && method === 'POST') return scroll(collection, body);
      if (action === 'count' && method === 'POST') return { count: filtered(collection, objectField(body, 'filter')).length };
      if (action === 'query' && method === 'POST') return { points: query(collection, asObject(body, 'query request')) };
    }
    throw new HttpError(400, `Fake Qdrant: unsupported ${method} /${segments.join('/')}`);
  }

  function rootInfo(): Json {
    return { title: 'qdrant - vector search engine', version, commit: 'fake' };
  }

  function requireCollection(name: string): Collection {
    const collection = collections.get(name);
    if (!collection) throw new HttpError(404, `Not found: Collection \`${name}\` doesn't exist!`);
    return collection;
  }

  function completed(): Json {
    operationId += 1;
    return { operation_id: operationId, status: 'completed' };
  }

  // ---------------------------------------------------------------- collections

  function createCollection(name: string, body: unknown): Json {
    if (collections.has(name)) throw new HttpError(409, `Wrong input: Collection \`${name}\` already exists!`);
    if (!/^[^/\\:*?"<>|\0]{1,255}$/.test(name)) throw new HttpError(400, `Wrong input: invalid collection name ${name}`);
    const request = asObject(body ?? {}, 'create collection');
    const dense = new Map<string, DenseConfig>();
    const vectors = request['vectors'] ?? {};
    if (isObject(vectors) && 'size' in vectors) {
      dense.set('', denseConfig(vectors, ''));
    } else if (isObject(vectors)) {
      for (const [vectorName, config] of Object.entries(vectors)) dense.set(vectorName, denseConfig(config, vectorName));
    } else {
      throw new HttpError(400, 'Format error in JSON body: vectors');
    }
    const sparse = new Map<string, SparseConfig>();
    const sparseVectors = request['sparse_vectors'] ?? {};
    if (!isObject(sparseVectors)) throw new HttpError(400, 'Format error in JSON body: sparse_vectors');
    for (const [vectorName, config] of Object.entries(sparseVectors)) {
      const params = asObject(config ?? {}, `sparse vector ${vectorName}`);
      const modifier = params['modifier'] ?? 'none';
      if (modifier !== 'none' && modifier !== 'idf') throw new HttpError(400, `Format error in JSON body: modifier ${String(modifier)}`);
      if (dense.has(vectorName)) throw new HttpError(400, `Wrong input: vector name ${vectorName} used twice`);
      sparse.set(vectorName, { modifier });
    }
    collections.set(name, { dense, sparse, vectorsConfig: vectors, payloadSchema: new Map(), points: new Map() });
    return true;
  }

  function denseConfig(value: unknown, vectorName: string): DenseConfig {
    const params = asObject(value, `vector ${vectorName}`);
    const size = params['size'];
    const distance = params['distance'];
    if (typeof size !== 'number' || !Number.isInteger(size) || size < 1) {
      throw new HttpError(400, `Validation error in JSON body: [vectors.${vectorName}.size: value ${String(size)} invalid, must be 1 or larger]`);
    }
    if (typeof distance !== 'string' || !DISTANCES.has(distance)) throw new HttpError(400, `Format error in JSON body: distance ${String(distance)}`);
    return { size, distance: distance as DenseConfig['distance'] };
  }

  function collectionInfo(collection: Collection): Json {
    const sparseVectors = Object.fromEntries([...collection.sparse].map(([n, c]) => [n, c.modifier === 'idf' ? { modifier: 'idf' } : {}]));
    const payloadSchema = Object.fromEntries(
      [...collection.payloadSchema].map(([field, schema]) => [
        field,
        { ...schema, points: [...collection.points.values()].filter((p) => valuesAt(p.payload, field).length > 0).length },
      ]),
    );
    return {
      status: 'green',
      optimizer_status: 'ok',
      indexed_vectors_count: 0,
      points_count: collection.points.size,
      segments_count: 1,
      config: {
        params: {
          vectors: collection.vectorsConfig,
          shard_number: 1,
          replication_factor: 1,
          write_consistency_factor: 1,
          on_disk_payload: true,
          sparse_vectors: sparseVectors,
        },
        hnsw_config: { m: 16, ef_construct: 100, full_scan_threshold: 10000, max_indexing_threads: 0, on_disk: false },
        optimizer_config: {
          deleted_threshold: 0.2,
          vacuum_min_vector_number: 1000,
          default_segment_number: 0,
          flush_interval_sec: 5,
        },
        wal_config: { wal_capacity_mb: 32, wal_segments_ahead: 0 },
        quantization_config: null,
      },
      payload_schema: payloadSchema,
    };
  }

  function createIndex(collection: Collection, body: unknown): Json {
    const request = asObject(body, 'create index');
    const field = request['field_name'];
    if (typeof field !== 'string' || field.length === 0) throw new HttpError(400, 'Format error in JSON body: field_name');
    const schema = request['field_schema'];
    const type = typeof schema === 'string' ? schema : isObject(schema) ? schema['type'] : undefined;
    if (typeof type !== 'string' || !PAYLOAD_TYPES.has(type)) {
      throw new HttpError(400, `Wrong input: field_schema ${JSON.stringify(schema)} is not a payload schema type`);
    }
    collection.payloadSchema.set(field, isObject(schema) ? { data_type: type, params: schema } : { data_type: type });
    return completed();
  }

  // ---------------------------------------------------------------- points: writes

  function upsert(collection: Collection, body: unknown): Json {
    const request = asObject(body, 'upsert');
    if ('batch' in request) throw new HttpError(400, 'Fake Qdrant: unsupported batch upsert (send `points`)');
    const list = request['points'];
    if (!Array.isArray(list)) throw new HttpError(400, 'Format error in JSON body: points');
    // Validate everything first: Qdrant rejects the whole request on one bad point.
    const points = list.map((item) => parsePoint(collection, item));
    for (const point of points) collection.points.set(idKey(point.id), point);
    return completed();
  }

  function parsePoint(collection: Collection, value: unknown): StoredPoint {
    const item = asObject(value, 'point');
    const id = parseId(item['id']);
    const payload = item['payload'] ?? {};
    if (!isObject(payload)) throw new HttpError(400, 'Format error in JSON body: payload must be an object');
    const point: StoredPoint = { id, dense: new Map(), sparse: new Map(), payload: structuredClone(payload) };
    const vector = item['vector'];
    if (Array.isArray(vector)) {
      storeVector(collection, point, '', vector);
    } else if (isObject(vector)) {
      for (const [vectorName, input] of Object.entries(vector)) storeVector(collection, point, vectorName, input);
    } else {
      throw new HttpError(400, 'Format error in JSON body: vector');
    }
    return point;
  }

  function storeVector(collection: Collection, point: StoredPoint, vectorName: string, input: unknown): void {
    const denseConfig = collection.dense.get(vectorName);
    const sparseConfig = collection.sparse.get(vectorName);
    if (denseConfig) {
      const vector = denseVector(input, denseConfig.size);
      point.dense.set(vectorName, denseConfig.distance === 'Cosine' ? normalise(vector) : vector);
    } else if (sparseConfig) {
      point.sparse.set(vectorName, sparseVector(input));
    } else {
      throw new HttpError(400, `Wrong input: Not existing vector name error: ${vectorName}`);
    }
  }

  function deletePoints(collection: Collection, body: unknown): Json {
    for (const point of selectPoints(collection, asObject(body, 'delete points'), false)) collection.points.delete(idKey(point.id));
    return completed();
  }

  function setPayload(collection: Collection, body: unknown): Json {
    const request = asObject(body, 'set payload');
    const payload = request['payload'];
    if (!isObject(payload)) throw new HttpError(400, 'Format error in JSON body: payload');
    if (request['key'] !== undefined && request['key'] !== null) throw new HttpError(400, 'Fake Qdrant: unsupported set payload `key`');
    for (const point of selectPoints(collection, request, true)) Object.assign(point.payload, structuredClone(payload));
    return completed();
  }

  /** Points named by `points` (ids) or `filter`; `strict`: a missing id is a 404, as set_payload does. */
  function selectPoints(collection: Collection, request: Record<string, unknown>, strict: boolean): StoredPoint[] {
    if (Array.isArray(request['points'])) {
      const found: StoredPoint[] = [];
      for (const raw of request['points']) {
        const id = parseId(raw);
        const point = collection.points.get(idKey(id));
        if (point) found.push(point);
        else if (strict) throw new HttpError(404, `Not found: No point with id ${String(id)} found`);
      }
      return found;
    }
    if (isObject(request['filter'])) return filtered(collection, request['filter']);
    throw new HttpError(400, 'Format error in JSON body: expected `points` or `filter`');
  }

  // ---------------------------------------------------------------- points: reads

  function retrieve(collection: Collection, body: unknown): Json {
    const request = asObject(body, 'retrieve');
    const ids = request['ids'];
    if (!Array.isArray(ids)) throw new HttpError(400, 'Format error in JSON body: ids');
    const seen = new Set<string>();
    const records: Json[] = [];
    for (const raw of ids) {
      const key = idKey(parseId(raw));
      const point = collection.points.get(key);
      if (!point || seen.has(key)) continue;
      seen.add(key);
      records.push(record(collection, point, request['with_payload'] ?? true, request['with_vector'] ?? false));
    }
    return records;
  }

  function scroll(collection: Collection, body: unknown): Json {
    const request = asObject(body ?? {}, 'scroll');
    const limit = positiveInteger(request['limit'] ?? 10, 'limit');
    let points = filtered(collection, objectField(request, 'filter'));
    const orderBy = request['order_by'];
    if (orderBy !== undefined && orderBy !== null) {
      const spec = typeof orderBy === 'string' ? { key: orderBy } : asObject(orderBy, 'order_by');
      const key = spec['key'];
      if (typeof key !== 'string') throw new HttpError(400, 'Format error in JSON body: order_by.key');
      const index = collection.payloadSchema.get(key);
      if (!index || !RANGE_TYPES.has(index.data_type)) {
        throw new HttpError(400, `Bad request: No range index for \`order_by\` key: \`${key}\`. Please create one to use \`order_by\`.`);
      }
      if (request['offset'] !== undefined && request['offset'] !== null) {
        throw new HttpError(400, 'Bad request: Cannot use an `offset` when using `order_by`');
      }
      const sign = spec['direction'] === 'desc' ? -1 : 1;
      const keyed = points.flatMap((point) =>
        valuesAt(point.payload, key)
          .filter((v): v is number => typeof v === 'number')
          .slice(0, 1)
          .map((value) => ({ point, value })),
      );
      keyed.sort((a, b) => sign * (a.value - b.value) || compareIds(a.point.id, b.point.id));
      const page = keyed.slice(0, limit);
      return {
        points: page.map(({ point, value }) => ({ ...record(collection, point, request['with_payload'] ?? true, request['with_vector'] ?? false), order_value: value })),
        next_page_offset: null,
      };
    }
    points = points.sort((a, b) => compareIds(a.id, b.id));
    const offset = request['offset'];
    if (offset !== undefined && offset !== null) {
      const from = parseId(offset);
      points = points.filter((p) => compareIds(p.id, from) >= 0);
    }
    const page = points.slice(0, limit);
    const next = points[limit];
    return {
      points: page.map((p) => record(collection, p, request['with_payload'] ?? true, request['with_vector'] ?? false)),
      next_page_offset: next ? next.id : null,
    };
  }

  function query(collection: Collection, request: Record<string, unknown>): Json[] {
    if ('lookup_from' in request && request['lookup_from'] != null) throw new HttpError(400, 'Fake Qdrant: unsupported lookup_from');
    const limit = positiveInteger(request['limit'] ?? 10, 'limit');
    const offset = nonNegativeInteger(request['offset'] ?? 0, 'offset');
    const scored = runQuery(collection, request, undefined, limit + offset);
    return scored.slice(offset, offset + limit).map(({ point, score }) => ({
      ...record(collection, point, request['with_payload'] ?? false, request['with_vector'] ?? false),
      version: 0,
      score,
    }));
  }

  /** One query stage: prefetches (if any) then the stage's own query, filter and threshold. */
  function runQuery(collection: Collection, stage: Record<string, unknown>, inherited: unknown, limit: number): Scored[] {
    const ownFilter = objectField(stage, 'filter');
    const filters = [inherited, ownFilter].filter((f) => f !== undefined);
    const passes = (point: StoredPoint) => filters.every((f) => matchesFilter(point, f));
    const prefetchField = stage['prefetch'];
    const prefetches = prefetchField === undefined || prefetchField === null ? [] : Array.isArray(prefetchField) ? prefetchField : [prefetchField];
    const queryField = stage['query'];
    const using = typeof stage['using'] === 'string' ? stage['using'] : '';
    let scored: Scored[];
    if (prefetches.length > 0) {
      // Qdrant propagates the root filter into every prefetch.
      const inheritedForChildren = combineFilters(inherited, ownFilter);
      const lists = prefetches.map((p) => {
        const child = asObject(p, 'prefetch');
        return runQuery(collection, child, inheritedForChildren, positiveInteger(child['limit'] ?? 10, 'prefetch limit'));
      });
      if (isObject(queryField) && ('fusion' in queryField || 'rrf' in queryField)) {
        scored = fuse(lists, queryField);
      } else if (queryField === undefined || queryField === null) {
        if (lists.length !== 1) throw new HttpError(400, 'Wrong input: query is required with several prefetches');
        scored = lists[0] ?? [];
      } else {
        const candidates = new Map<string, StoredPoint>();
        for (const list of lists) for (const { point } of list) candidates.set(idKey(point.id), point);
        scored = scoreNearest(collection, [...candidates.values()], queryField, using);
      }
      scored = scored.filter((s) => passes(s.point));
    } else {
      if (queryField === undefined || queryField === null) {
        scored = [...collection.points.values()].filter(passes).sort((a, b) => compareIds(a.id, b.id)).map((point) => ({ point, score: 0 }));
      } else if (isObject(queryField) && ('fusion' in queryField || 'rrf' in queryField)) {
        throw new HttpError(400, 'Wrong input: fusion requires prefetches');
      } else {
        scored = scoreNearest(collection, [...collection.points.values()].filter(passes), queryField, using);
      }
    }
    const threshold = stage['score_threshold'];
    if (typeof threshold === 'number') scored = scored.filter((s) => s.score >= threshold);
    return scored.slice(0, limit);
  }

  function scoreNearest(collection: Collection, points: StoredPoint[], queryField: unknown, using: string): Scored[] {
    let input = queryField;
    if (isObject(input) && 'nearest' in input) {
      if (input['mmr'] != null) throw new HttpError(400, 'Fake Qdrant: unsupported mmr');
      input = input['nearest'];
    }
    const denseConfig = collection.dense.get(using);
    const sparseConfig = collection.sparse.get(using);
    if (!denseConfig && !sparseConfig) throw new HttpError(400, `Wrong input: Not existing vector name error: ${using}`);
    if (isObject(input) && 'indices' in input) {
      if (!sparseConfig) throw new HttpError(400, `Wrong input: Conversion between sparse and regular vectors failed`);
      return scoreSparse(collection, points, using, sparseVector(input), sparseConfig);
    }
    if (Array.isArray(input)) {
      if (!denseConfig) throw new HttpError(400, `Wrong input: Conversion between sparse and regular vectors failed`);
      return scoreDense(points, using, denseVector(input, denseConfig.size), denseConfig);
    }
    throw new HttpError(400, `Fake Qdrant: unsupported query ${JSON.stringify(queryField).slice(0, 80)}`);
  }

  function scoreSparse(collection: Collection, points: StoredPoint[], using: string, queryVector: SparseValue, config: SparseConfig): Scored[] {
    let weights = queryVector.values;
    if (config.modifier === 'idf') {
      // Statistics over the whole collection, whatever the filter: the IDF belongs to the base.
      const holders = [...collection.points.values()].map((p) => p.sparse.get(using)).filter((v): v is SparseValue => v !== undefined);
      const total = holders.length;
      weights = queryVector.indices.map((dimension, i) => {
        const containing = holders.filter((v) => v.indices.includes(dimension)).length;
        return (queryVector.values[i] ?? 0) * Math.log(1 + (total - containing + 0.5) / (containing + 0.5));
      });
    }
    const queryWeights = new Map(queryVector.indices.map((dimension, i) => [dimension, weights[i] ?? 0]));
    const scored: Scored[] = [];
    for (const point of points) {
      const vector = point.sparse.get(using);
      if (!vector) continue;
      let overlap = false;
      let score = 0;
      vector.indices.forEach((dimension, i) => {
        const weight = queryWeights.get(dimension);
        if (weight === undefined) return;
        overlap = true;
        score += weight * (vector.values[i] ?? 0);
      });
      if (overlap) scored.push({ point, score: Math.fround(score) });
    }
    return sortScored(scored);
  }

  function scoreDense(points: StoredPoint[], using: string, queryVector: number[], config: DenseConfig): Scored[] {
    const q = config.distance === 'Cosine' ? normalise(queryVector) : queryVector;
    const scored: Scored[] = [];
    for (const point of points) {
      const vector = point.dense.get(using);
      if (!vector) continue;
      let score: number;
      if (config.distance === 'Cosine' || config.distance === 'Dot') score = vector.reduce((sum, v, i) => sum + v * (q[i] ?? 0), 0);
      else if (config.distance === 'Euclid') score = -Math.sqrt(vector.reduce((sum, v, i) => sum + (v - (q[i] ?? 0)) ** 2, 0));
      else score = -vector.reduce((sum, v, i) => sum + Math.abs(v - (q[i] ?? 0)), 0);
      scored.push({ point, score: Math.fround(score) });
    }
    // Qdrant returns Euclid/Manhattan as positive distances, ascending; only the ordering matters here.
    return sortScored(scored).map((s) => (config.distance === 'Euclid' || config.distance === 'Manhattan' ? { ...s, score: -s.score } : s));
  }

  function fuse(lists: Scored[][], queryField: Record<string, unknown>): Scored[] {
    let k = DEFAULT_RRF_K;
    if ('fusion' in queryField) {
      if (queryField['fusion'] !== 'rrf') throw new HttpError(400, `Fake Qdrant: unsupported fusion ${String(queryField['fusion'])}`);
    } else {
      const params = asObject(queryField['rrf'] ?? {}, 'rrf');
      if (params['weights'] != null) throw new HttpError(400, 'Fake Qdrant: unsupported rrf weights');
      if (params['k'] !== undefined && params['k'] !== null) k = positiveInteger(params['k'], 'rrf.k');
    }
    const fused = new Map<string, Scored>();
    for (const list of lists) {
      list.forEach(({ point }, position) => {
        const key = idKey(point.id);
        const entry = fused.get(key) ?? { point, score: 0 };
        entry.score += 1 / (position + k);
        fused.set(key, entry);
      });
    }
    return sortScored([...fused.values()].map((s) => ({ point: s.point, score: Math.fround(s.score) })));
  }

  // ---------------------------------------------------------------- filters

  function filtered(collection: Collection, filter: unknown): StoredPoint[] {
    const points = [...collection.points.values()];
    return filter === undefined ? points : points.filter((p) => matchesFilter(p, filter));
  }

  function matchesFilter(point: StoredPoint, filterValue: unknown): boolean {
    if (filterValue === undefined || filterValue === null) return true;
    const filter = asObject(filterValue, 'filter');
    const list = (value: unknown): unknown[] => (value === undefined || value === null ? [] : Array.isArray(value) ? value : [value]);
    const must = list(filter['must']);
    const should = list(filter['should']);
    const mustNot = list(filter['must_not']);
    if (filter['min_should'] != null) throw new HttpError(400, 'Fake Qdrant: unsupported min_should');
    if (!must.every((c) => matchesCondition(point, c))) return false;
    if (should.length > 0 && !should.some((c) => matchesCondition(point, c))) return false;
    return !mustNot.some((c) => matchesCondition(point, c));
  }

  function matchesCondition(point: StoredPoint, value: unknown): boolean {
    const condition = asObject(value, 'condition');
    if ('must' in condition || 'should' in condition || 'must_not' in condition) return matchesFilter(point, condition);
    if ('has_id' in condition) {
      const ids = condition['has_id'];
      if (!Array.isArray(ids)) throw new HttpError(400, 'Format error in JSON body: has_id');
      return ids.some((id) => idKey(parseId(id)) === idKey(point.id));
    }
    if ('is_empty' in condition) return valuesAt(point.payload, keyOf(condition['is_empty'])).length === 0;
    if ('is_null' in condition) {
      const key = keyOf(condition['is_null']);
      return lookup(point.payload, key) === null;
    }
    if ('nested' in condition || 'has_vector' in condition) throw new HttpError(400, 'Fake Qdrant: unsupported condition');
    const key = condition['key'];
    if (typeof key !== 'string') throw new HttpError(400, 'Format error in JSON body: condition without key');
    const values = valuesAt(point.payload, key);
    let matched = true;
    let tested = false;
    if (condition['match'] != null) {
      tested = true;
      matched &&= matchValue(values, asObject(condition['match'], 'match'));
    }
    if (condition['range'] != null) {
      tested = true;
      const range = asObject(condition['range'], 'range');
      matched &&= values.some((v) => typeof v === 'number' && inRange(v, range));
    }
    if (condition['values_count'] != null || condition['geo_radius'] != null || condition['geo_bounding_box'] != null || condition['geo_polygon'] != null) {
      throw new HttpError(400, 'Fake Qdrant: unsupported field condition');
    }
    if (!tested) throw new HttpError(400, `Format error in JSON body: condition on ${key} tests nothing`);
    return matched;
  }

  function matchValue(values: unknown[], match: Record<string, unknown>): boolean {
    if ('value' in match) return values.some((v) => v === match['value']);
    if ('any' in match) {
      const any = match['any'];
      if (!Array.isArray(any)) throw new HttpError(400, 'Format error in JSON body: match.any');
      return values.some((v) => any.includes(v));
    }
    if ('except' in match) {
      const except = match['except'];
      if (!Array.isArray(except)) throw new HttpError(400, 'Format error in JSON body: match.except');
      return values.length === 0 || values.some((v) => !except.includes(v));
    }
    if ('text' in match) {
      const text = match['text'];
      return typeof text === 'string' && values.some((v) => typeof v === 'string' && v.includes(text));
    }
    throw new HttpError(400, `Fake Qdrant: unsupported match ${JSON.stringify(match)}`);
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    failNext(status: number) {
      failures.push(status);
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

// ------------------------------------------------------------------ helpers without server state

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    request.on('data', (part: Buffer) => parts.push(part));
    request.on('end', () => resolve(Buffer.concat(parts).toString('utf8')));
    request.on('error', reject);
  });
}

function send(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  response.end(text);
}

function elapsed(started: bigint): number {
  return Number(process.hrtime.bigint() - started) / 1e9;
}

function notFound(): HttpError {
  return new HttpError(404, 'Not found');
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function asObject(value: unknown, what: string): Record<string, unknown> {
  if (!isObject(value)) throw new HttpError(400, `Format error in JSON body: ${what} must be an object`);
  return value;
}

function objectField(body: unknown, field: string): unknown {
  if (!isObject(body)) return undefined;
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  return asObject(value, field);
}

function positiveInteger(value: unknown, what: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new HttpError(400, `Validation error in JSON body: [${what}: value ${String(value)} invalid, must be 1 or larger]`);
  }
  return value;
}

function nonNegativeInteger(value: unknown, what: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) throw new HttpError(400, `Validation error in JSON body: ${what}`);
  return value;
}

function keyOf(value: unknown): string {
  const key = asObject(value, 'condition')['key'];
  if (typeof key !== 'string') throw new HttpError(400, 'Format error in JSON body: key');
  return key;
}

/** Point ids are unsigned integers or UUIDs; UUIDs are answered in lower-case hyphenated form. */
function parseId(value: unknown): PointId {
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return value;
  if (typeof value === 'string') {
    const match = UUID.exec(value);
    if (match) return match.slice(1).join('-').toLowerCase();
  }
  throw new HttpError(400, `Format error in JSON body: Unable to parse point id ${JSON.stringify(value)}`);
}

function idKey(id: PointId): string {
  return typeof id === 'number' ? `n:${id}` : `u:${id}`;
}

/** Qdrant orders numeric ids before UUIDs, each ascending. */
function compareIds(a: PointId, b: PointId): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'number') return -1;
  if (typeof b === 'number') return 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

function sortScored(scored: Scored[]): Scored[] {
  return scored.sort((a, b) => b.score - a.score || compareIds(a.point.id, b.point.id));
}

function denseVector(value: unknown, size: number): number[] {
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'number' && Number.isFinite(v))) {
    throw new HttpError(400, 'Format error in JSON body: dense vector must be an array of numbers');
  }
  if (value.length !== size) throw new HttpError(400, `Wrong input: Vector dimension error: expected dim: ${size}, got ${value.length}`);
  return value.map((v) => Math.fround(v as number));
}

function sparseVector(value: unknown): SparseValue {
  const vector = asObject(value, 'sparse vector');
  const { indices, values } = vector;
  if (!Array.isArray(indices) || !Array.isArray(values)) throw new HttpError(400, 'Format error in JSON body: sparse vector');
  if (indices.length !== values.length) {
    throw new HttpError(400, 'Validation error in JSON body: [indices: must be the same length as values]');
  }
  if (!indices.every((i) => typeof i === 'number' && Number.isInteger(i) && i >= 0 && i <= 0xffffffff)) {
    throw new HttpError(400, 'Format error in JSON body: sparse indices must be u32');
  }
  if (new Set(indices).size !== indices.length) throw new HttpError(400, 'Validation error in JSON body: [indices: must be unique]');
  if (!values.every((v) => typeof v === 'number' && Number.isFinite(v))) throw new HttpError(400, 'Format error in JSON body: sparse values');
  return { indices: [...(indices as number[])], values: (values as number[]).map((v) => Math.fround(v)) };
}

function normalise(vector: number[]): number[] {
  const norm = Math.sqrt(vector.reduce((sum, v) => sum + v * v, 0));
  return norm === 0 ? vector : vector.map((v) => Math.fround(v / norm));
}

function inRange(value: number, range: Record<string, unknown>): boolean {
  const bound = (name: string) => (typeof range[name] === 'number' ? (range[name] as number) : undefined);
  const gt = bound('gt');
  const gte = bound('gte');
  const lt = bound('lt');
  const lte = bound('lte');
  return (gt === undefined || value > gt) && (gte === undefined || value >= gte) && (lt === undefined || value < lt) && (lte === undefined || value <= lte);
}

/** Value at a dotted path (`a.b`); `undefined` when absent. */
function lookup(payload: Record<string, unknown>, key: string): unknown {
  let current: unknown = payload;
  for (const part of key.split('.')) {
    if (!isObject(current)) return undefined;
    current = current[part];
  }
  return current;
}

/** Values a condition sees: arrays are flattened, as Qdrant matches "any element"; null counts as empty. */
function valuesAt(payload: Record<string, unknown>, key: string): unknown[] {
  const value = lookup(payload, key);
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value.filter((v) => v !== null) : [value];
}

function combineFilters(a: unknown, b: unknown): unknown {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return { must: [a, b] };
}

function record(collection: Collection, point: StoredPoint, withPayload: unknown, withVector: unknown): Record<string, unknown> {
  const result: Record<string, unknown> = { id: point.id };
  const payload = selectPayload(point.payload, withPayload);
  if (payload !== undefined) result['payload'] = payload;
  const vector = selectVectors(collection, point, withVector);
  if (vector !== undefined) result['vector'] = vector;
  return result;
}

function selectPayload(payload: Record<string, unknown>, selector: unknown): Record<string, unknown> | undefined {
  if (selector === false || selector === null || selector === undefined) return undefined;
  if (selector === true) return structuredClone(payload);
  const pick = (keys: string[]) => Object.fromEntries(Object.entries(payload).filter(([k]) => keys.includes(k)));
  if (Array.isArray(selector)) return structuredClone(pick(selector.map(String)));
  if (isObject(selector)) {
    if (Array.isArray(selector['include'])) return structuredClone(pick(selector['include'].map(String)));
    if (Array.isArray(selector['exclude'])) {
      const excluded = selector['exclude'].map(String);
      return structuredClone(Object.fromEntries(Object.entries(payload).filter(([k]) => !excluded.includes(k))));
    }
  }
  throw new HttpError(400, 'Format error in JSON body: with_payload');
}

function selectVectors(collection: Collection, point: StoredPoint, selector: unknown): unknown {
  if (selector === false || selector === null || selector === undefined) return undefined;
  const names = selector === true ? undefined : Array.isArray(selector) ? selector.map(String) : undefined;
  if (selector !== true && !Array.isArray(selector)) throw new HttpError(400, 'Format error in JSON body: with_vector');
  const wanted = (name: string) => names === undefined || names.includes(name);
  if (collection.dense.has('') && collection.dense.size === 1 && collection.sparse.size === 0) return point.dense.get('');
  const out: Record<string, unknown> = {};
  for (const [name, vector] of point.dense) if (wanted(name)) out[name] = vector;
  for (const [name, vector] of point.sparse) if (wanted(name)) out[name] = vector;
  return out;
}
