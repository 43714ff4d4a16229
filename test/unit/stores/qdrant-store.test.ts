import assert from 'node:assert/strict';
import { PasserelleError } from '../../../bots/errors.ts';
import { SqliteVectorStore } from '../../../knowledge/stores/embedded/sqlite-vector-store.ts';
import { pointId, QdrantStore } from '../../../knowledge/stores/qdrant/qdrant-store.ts';
import type { ArticleInfo, Chunk, Classification, DocumentRecord, IndexedChunk, SparseVector } from '../../../knowledge/types.ts';
import type { SearchFilter, VectorStore } from '../../../knowledge/ports/vector-store.ts';
import { startFakeQdrant, type FakeQdrant } from '../../fakes/qdrant-server.ts';

const PUBLIC: SearchFilter = { maxClassification: 'public' };
const ALL: SearchFilter = { maxClassification: 'interdit-ia' };
/** Qdrant answers float32 scores. */
const FLOAT32 = 1e-6;

interface ChunkSpec {
  documentId: string;
  part?: number;
  parts?: number;
  source?: string;
  text?: string;
  classification?: Classification;
  article?: ArticleInfo;
  terms?: Record<number, number>;
  dense?: number[];
}

function indexed(spec: ChunkSpec): IndexedChunk {
  const part = spec.part ?? 0;
  const chunk: Chunk = {
    id: `${spec.documentId}#${part}`,
    kb: 'kb',
    documentId: spec.documentId,
    source: spec.source ?? 'source.md',
    kind: spec.article ? 'article' : 'section',
    title: spec.documentId,
    headingPath: ['Titre'],
    text: spec.text ?? `texte de ${spec.documentId}`,
    classification: spec.classification ?? 'public',
    part,
    parts: spec.parts ?? 1,
    contentHash: `hash-${spec.documentId}`,
    ...(spec.article ? { article: spec.article } : {}),
  };
  const entries = Object.entries(spec.terms ?? {}).map(([index, value]) => [Number(index), value] as const);
  const sparse: SparseVector = { indices: entries.map(([i]) => i), values: entries.map(([, v]) => v) };
  return spec.dense ? { chunk, sparse, dense: Float32Array.from(spec.dense) } : { chunk, sparse };
}

function record(documentId: string, chunkCount = 1, source = 'source.md'): DocumentRecord {
  return { kb: 'kb', documentId, source, contentHash: `hash-${documentId}`, chunkCount };
}

function sparse(terms: Record<number, number>): SparseVector {
  const entries = Object.entries(terms);
  return { indices: entries.map(([i]) => Number(i)), values: entries.map(([, v]) => v) };
}

/** Chunk ids grouped by equal score (float32 tolerance), best group first, each group sorted. */
function tieGroups(hits: Array<{ chunk: Chunk; score: number }>): string[][] {
  const groups: Array<{ score: number; ids: string[] }> = [];
  for (const hit of hits) {
    const last = groups.at(-1);
    if (last && Math.abs(last.score - hit.score) < 1e-6) last.ids.push(hit.chunk.id);
    else groups.push({ score: hit.score, ids: [hit.chunk.id] });
  }
  return groups.map((g) => g.ids.sort());
}

const idf = (total: number, containing: number) => Math.log(1 + (total - containing + 0.5) / (containing + 0.5));

async function rejection(promise: Promise<unknown>): Promise<PasserelleError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof PasserelleError, `expected a PasserelleError, got ${String(error)}`);
    return error;
  }
  assert.fail('expected a rejection');
}

describe('QdrantStore (against the fake Qdrant)', () => {
  let fake: FakeQdrant;
  let store: QdrantStore;

  beforeEach(async () => {
    fake = await startFakeQdrant();
    store = new QdrantStore({ url: fake.url });
  });

  afterEach(async () => {
    await store.close();
    await fake.close();
  });

  describe('ensureBase', () => {
    it('creates one collection per base with named dense and idf sparse vectors and payload indexes', async () => {
      await store.ensureBase('kb', 4);
      const create = fake.requests.find((r) => r.method === 'PUT' && r.path === '/collections/passerelle_kb');
      assert.deepEqual(create?.body, {
        vectors: { dense: { size: 4, distance: 'Cosine' } },
        sparse_vectors: { lexical: { modifier: 'idf' } },
        shard_number: 1,
      });
      const indexes = fake.requests.filter((r) => r.path === '/collections/passerelle_kb/index');
      assert.deepEqual(
        Object.fromEntries(indexes.map((r) => [(r.body as { field_name: string }).field_name, (r.body as { field_schema: string }).field_schema])),
        {
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
        },
      );
      assert.ok(indexes.every((r) => r.query['wait'] === 'true'));
    });

    it('creates a lexical-only collection without dense vector and is idempotent', async () => {
      await store.ensureBase('kb', undefined);
      await store.ensureBase('kb', undefined);
      const creates = fake.requests.filter((r) => r.method === 'PUT' && r.path === '/collections/passerelle_kb');
      assert.equal(creates.length, 1);
      assert.deepEqual(creates[0]?.body, { vectors: {}, sparse_vectors: { lexical: { modifier: 'idf' } }, shard_number: 1 });
      // A second store (another process) finds the indexes already there.
      const other = new QdrantStore({ url: fake.url });
      const before = fake.requests.length;
      await other.ensureBase('kb', undefined);
      assert.deepEqual(fake.requests.slice(before).map((r) => `${r.method} ${r.path}`), ['GET /collections/passerelle_kb']);
    });

    it('rejects an unusable URL as CONFIG_INVALID', () => {
      for (const url of ['localhost:6333', 'ftp://qdrant', 'not a url']) {
        assert.throws(() => new QdrantStore({ url }), (error: unknown) => error instanceof PasserelleError && error.code === 'CONFIG_INVALID');
      }
    });

    it('uses the collection prefix', async () => {
      const prefixed = new QdrantStore({ url: fake.url, collectionPrefix: 'test_' });
      await prefixed.ensureBase('douane', undefined);
      assert.ok(fake.requests.some((r) => r.method === 'PUT' && r.path === '/collections/test_douane'));
    });

    it('refuses another dense size with STORE_DIMENSION_MISMATCH {kb, stored, actual}', async () => {
      await store.ensureBase('kb', 3);
      const error = await rejection(store.ensureBase('kb', 4));
      assert.equal(error.code, 'STORE_DIMENSION_MISMATCH');
      assert.deepEqual({ ...error.details }, { kb: 'kb', stored: 3, actual: 4 });
      // Seen from a fresh process too (nothing cached).
      const fresh = await rejection(new QdrantStore({ url: fake.url }).ensureBase('kb', 5));
      assert.deepEqual({ ...fresh.details }, { kb: 'kb', stored: 3, actual: 5 });
    });

    it('gives an empty lexical-only base a dense vector, but not one holding chunks', async () => {
      await store.ensureBase('kb', undefined);
      await store.ensureBase('kb', 3);
      await store.upsert('kb', [indexed({ documentId: 'a', terms: { 1: 1 }, dense: [1, 0, 0] })], [record('a')]);
      assert.equal(await store.count('kb'), 1);

      await store.ensureBase('lex', undefined);
      await store.upsert('lex', [indexed({ documentId: 'a', terms: { 1: 1 } })], []);
      const error = await rejection(store.ensureBase('lex', 3));
      assert.equal(error.code, 'STORE_DIMENSION_MISMATCH');
      assert.deepEqual({ ...error.details }, { kb: 'lex', stored: 0, actual: 3 });
    });
  });

  describe('upsert, count, getChunks', () => {
    it('stores chunks under deterministic UUIDs with the flat payload, waiting for every write', async () => {
      await store.ensureBase('kb', undefined);
      const article = { code: 'Code des douanes', number: '60 bis', validFrom: '2020-01-01', validTo: '2999-01-01' };
      await store.upsert('kb', [indexed({ documentId: 'cd-60bis', classification: 'interne', article, terms: { 7: 0.5 } })], [record('cd-60bis')]);
      const upsert = fake.requests.find((r) => r.method === 'PUT' && r.path === '/collections/passerelle_kb/points');
      assert.equal(upsert?.query['wait'], 'true');
      const [point] = (upsert?.body as { points: Array<{ id: string; vector: unknown; payload: Record<string, unknown> }> }).points;
      assert.equal(point?.id, pointId('cd-60bis#0'));
      assert.match(point?.id ?? '', /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      assert.deepEqual(point?.vector, { lexical: { indices: [7], values: [0.5] } });
      const { chunk, ...flat } = point?.payload ?? {};
      assert.equal((chunk as Chunk).id, 'cd-60bis#0');
      assert.deepEqual(flat, {
        document_id: 'cd-60bis',
        source: 'source.md',
        classification_rank: 1,
        valid_from_day: Date.UTC(2020, 0, 1) / 86_400_000,
        valid_to_day: Date.UTC(2999, 0, 1) / 86_400_000,
        part: 0,
        content_hash: 'hash-cd-60bis',
        chunk_count: 1,
        article_number: '60bis',
        article_code: 'Code des douanes',
      });
    });

    it('replaces a chunk with the same id, and returns chunks in the order asked', async () => {
      await store.ensureBase('kb', undefined);
      await store.upsert('kb', [indexed({ documentId: 'a', text: 'old' }), indexed({ documentId: 'b' })], []);
      await store.upsert('kb', [indexed({ documentId: 'a', text: 'new' })], []);
      assert.equal(await store.count('kb'), 2);
      const chunks = await store.getChunks('kb', ['b#0', 'missing#0', 'a#0']);
      assert.deepEqual(chunks.map((c) => [c.id, c.text]), [['b#0', 'texte de b'], ['a#0', 'new']]);
      assert.deepEqual(await store.getChunks('kb', []), []);
    });

    it('splits writes into batches of maxUpsertBatch points', async () => {
      await store.ensureBase('kb', undefined);
      const chunks = Array.from({ length: 300 }, (_, i) => indexed({ documentId: `d${i}`, terms: { [i]: 1 } }));
      await store.upsert('kb', chunks, []);
      const upserts = fake.requests.filter((r) => r.method === 'PUT' && r.path.endsWith('/points'));
      assert.deepEqual(upserts.map((r) => (r.body as { points: unknown[] }).points.length), [256, 44]);
      assert.equal(await store.count('kb'), 300);
    });

    it('creates the base on first write when ensureBase was not called', async () => {
      await store.upsert('fresh', [indexed({ documentId: 'a', terms: { 1: 1 }, dense: [0, 1] })], [record('a')]);
      assert.equal(await store.count('fresh'), 1);
      const error = await rejection(store.upsert('fresh', [indexed({ documentId: 'b', dense: [0, 1, 2] })], []));
      assert.equal(error.code, 'STORE_DIMENSION_MISMATCH');
      assert.deepEqual({ ...error.details }, { kb: 'fresh', stored: 2, actual: 3 });
    });

    it('accepts signed or repeated sparse indices (read as u32, summed)', async () => {
      await store.ensureBase('kb', undefined);
      const chunk = indexed({ documentId: 'a' });
      await store.upsert('kb', [{ ...chunk, sparse: { indices: [-1, 5, 5], values: [1, 0.25, 0.5] } }], []);
      const hits = await store.search({ kb: 'kb', sparse: { indices: [0xffffffff], values: [1] }, filter: PUBLIC, limit: 5 });
      assert.deepEqual(hits.map((h) => h.chunk.id), ['a#0']);
    });
  });

  describe('search', () => {
    beforeEach(async () => {
      await store.ensureBase('kb', 3);
      // Term 1 is rare (1 of 4 chunks), term 2 common (3 of 4).
      await store.upsert(
        'kb',
        [
          indexed({ documentId: 'rare', terms: { 1: 0.8, 2: 0.5 }, dense: [0, 0, 1] }),
          indexed({ documentId: 'common1', terms: { 2: 1.2 }, dense: [1, 0, 0] }),
          indexed({ documentId: 'common2', terms: { 2: 0.9, 3: 1 }, dense: [0.9, 0.1, 0] }),
          indexed({ documentId: 'other', terms: { 4: 1 }, dense: [0, 1, 0] }),
        ],
        [record('rare'), record('common1'), record('common2'), record('other')],
      );
    });

    it('ranks lexically by query weight × IDF over the base × document weight', async () => {
      const hits = await store.search({ kb: 'kb', sparse: sparse({ 1: 1, 2: 1 }), filter: PUBLIC, limit: 10 });
      assert.deepEqual(hits.map((h) => h.chunk.id), ['rare#0', 'common1#0', 'common2#0']);
      const expected = [0.8 * idf(4, 1) + 0.5 * idf(4, 3), 1.2 * idf(4, 3), 0.9 * idf(4, 3)];
      hits.forEach((hit, i) => assert.ok(Math.abs(hit.score - (expected[i] ?? 0)) < FLOAT32, `${hit.score} vs ${expected[i]}`));
      const request = fake.requests.find((r) => r.path.endsWith('/points/query'));
      assert.equal((request?.body as { using: string }).using, 'lexical');
    });

    it('honours the limit, and returns nothing for an empty query', async () => {
      const hits = await store.search({ kb: 'kb', sparse: sparse({ 2: 1 }), filter: PUBLIC, limit: 1 });
      assert.deepEqual(hits.map((h) => h.chunk.id), ['common1#0']);
      const before = fake.requests.length;
      assert.deepEqual(await store.search({ kb: 'kb', sparse: { indices: [], values: [] }, filter: PUBLIC, limit: 5 }), []);
      assert.equal(fake.requests.length, before, 'no request for an empty query');
    });

    it('fuses lexical and dense rankings by RRF (Σ 1/(60 + rank), rank from 1)', async () => {
      const hits = await store.search({ kb: 'kb', sparse: sparse({ 1: 1, 2: 1 }), dense: Float32Array.from([1, 0, 0]), filter: PUBLIC, limit: 3 });
      // lexical: rare, common1, common2; dense: common1, common2, then rare and other (orthogonal: 3 or 4).
      const rrf = (...ranks: number[]) => ranks.reduce((sum, r) => sum + 1 / (60 + r), 0);
      assert.deepEqual(hits.map((h) => h.chunk.id), ['common1#0', 'rare#0', 'common2#0']);
      assert.ok(Math.abs((hits[0]?.score ?? 0) - rrf(2, 1)) < FLOAT32);
      assert.ok(Math.abs((hits[2]?.score ?? 0) - rrf(3, 2)) < FLOAT32);
      const body = fake.requests.find((r) => r.path.endsWith('/points/query'))?.body as {
        prefetch: Array<{ using: string; limit: number; filter: unknown }>;
        query: unknown;
        limit: number;
      };
      assert.deepEqual(body.prefetch.map((p) => [p.using, p.limit]), [['lexical', 50], ['dense', 50]]);
      assert.ok(body.prefetch.every((p) => p.filter !== undefined), 'filters applied inside each arm, before limits');
      assert.deepEqual(body.query, { rrf: { k: 61 } });
      assert.equal(body.limit, 3);
    });

    it('searches densely alone when the query has no lexical terms', async () => {
      const hits = await store.search({ kb: 'kb', sparse: { indices: [], values: [] }, dense: Float32Array.from([0, 1, 0]), filter: PUBLIC, limit: 1 });
      assert.deepEqual(hits.map((h) => h.chunk.id), ['other#0']);
    });

    it('refuses a query embedding of another size', async () => {
      const error = await rejection(store.search({ kb: 'kb', sparse: sparse({ 1: 1 }), dense: Float32Array.from([1, 0]), filter: PUBLIC, limit: 3 }));
      assert.equal(error.code, 'STORE_DIMENSION_MISMATCH');
      assert.deepEqual({ ...error.details }, { kb: 'kb', stored: 3, actual: 2 });
    });

    it('ranks as the embedded store (same scores, same order up to exact ties)', async () => {
      const embedded = new SqliteVectorStore(':memory:');
      try {
        const chunks = [
          indexed({ documentId: 'rare', terms: { 1: 0.8, 2: 0.5 }, dense: [0, 0.2, 1] }),
          indexed({ documentId: 'common1', terms: { 2: 1.2, 5: 0.3 }, dense: [1, 0, 0] }),
          indexed({ documentId: 'common2', terms: { 2: 0.9, 3: 1 }, dense: [0.9, 0.1, 0] }),
          indexed({ documentId: 'other', terms: { 4: 1, 5: 0.7 }, dense: [0, 1, 0.3] }),
        ];
        const stores: VectorStore[] = [embedded, store];
        for (const s of stores) {
          await s.dropBase('parity');
          await s.ensureBase('parity', 3);
          await s.upsert('parity', chunks, []);
        }
        const queries = [
          { sparse: sparse({ 1: 1, 2: 1 }) },
          { sparse: sparse({ 2: 1, 5: 0.6 }) },
          { sparse: sparse({ 1: 1, 4: 0.5 }), dense: Float32Array.from([0.1, 1, 0.2]) },
          { sparse: sparse({ 5: 1 }), dense: Float32Array.from([1, 0.1, 0]) },
        ];
        for (const q of queries) {
          const [reference, qdrant] = await Promise.all(stores.map((s) => s.search({ kb: 'parity', filter: PUBLIC, limit: 10, ...q })));
          // Equal RRF sums (ranks 1+2 against 2+1) are ordered differently by each store: compare tie groups.
          assert.deepEqual(tieGroups(qdrant ?? []), tieGroups(reference ?? []));
          qdrant?.forEach((hit, i) => assert.ok(Math.abs(hit.score - (reference?.[i]?.score ?? NaN)) < 1e-5));
        }
      } finally {
        await embedded.close();
      }
    });
  });

  describe('filters', () => {
    const CD = 'Code des douanes';
    beforeEach(async () => {
      await store.ensureBase('kb', 3);
      await store.upsert(
        'kb',
        [
          indexed({ documentId: 'pub', classification: 'public', terms: { 1: 1 }, dense: [1, 0, 0] }),
          indexed({ documentId: 'int', classification: 'interne', terms: { 1: 1 }, dense: [1, 0, 0] }),
          indexed({ documentId: 'dr', classification: 'diffusion-restreinte', terms: { 1: 1 }, dense: [1, 0, 0] }),
          indexed({ documentId: 'old', terms: { 1: 1 }, dense: [1, 0, 0], article: { code: CD, number: '1', validFrom: '2000-01-01', validTo: '2020-01-01' } }),
          indexed({ documentId: 'new', terms: { 1: 1 }, dense: [1, 0, 0], article: { code: CD, number: '1', validFrom: '2020-01-01', validTo: '2999-01-01' } }),
        ],
        [],
      );
    });

    const ids = (hits: Array<{ chunk: Chunk }>) => hits.map((h) => h.chunk.id).sort();

    it('keeps only chunks at or below the classification ceiling, lexical and hybrid', async () => {
      for (const dense of [undefined, Float32Array.from([1, 0, 0])]) {
        const base = { kb: 'kb', sparse: sparse({ 1: 1 }), limit: 10, ...(dense ? { dense } : {}) };
        assert.deepEqual(ids(await store.search({ ...base, filter: { maxClassification: 'public' } })), ['new#0', 'old#0', 'pub#0']);
        assert.deepEqual(ids(await store.search({ ...base, filter: { maxClassification: 'interne' } })), ['int#0', 'new#0', 'old#0', 'pub#0']);
        assert.equal((await store.search({ ...base, filter: ALL })).length, 5);
      }
    });

    it('keeps chunks in force at the date (end exclusive) and those of unknown validity', async () => {
      const at = (inForceAt: string) => store.search({ kb: 'kb', sparse: sparse({ 1: 1 }), filter: { maxClassification: 'public', inForceAt }, limit: 10 });
      assert.deepEqual(ids(await at('2010-06-01')), ['old#0', 'pub#0']);
      assert.deepEqual(ids(await at('2020-01-01')), ['new#0', 'pub#0']);
      assert.deepEqual(ids(await at('1990-01-01')), ['pub#0']);
      const hybrid = await store.search({ kb: 'kb', sparse: sparse({ 1: 1 }), dense: Float32Array.from([1, 0, 0]), filter: { maxClassification: 'public', inForceAt: '2010-06-01' }, limit: 10 });
      assert.deepEqual(ids(hybrid), ['old#0', 'pub#0']);
    });

    it('applies filters before the limit', async () => {
      const hits = await store.search({ kb: 'kb', sparse: sparse({ 1: 1 }), filter: { maxClassification: 'public', inForceAt: '2010-06-01' }, limit: 1 });
      assert.equal(hits.length, 1);
    });
  });

  describe('findArticle', () => {
    const CD = 'Code des douanes';
    const CIBS = 'Code des impositions sur les biens et services';
    beforeEach(async () => {
      await store.ensureBase('kb', undefined);
      await store.upsert(
        'kb',
        [
          indexed({ documentId: 'cd-60bis', part: 1, parts: 2, article: { code: CD, number: '60 bis' } }),
          indexed({ documentId: 'cd-60bis', part: 0, parts: 2, article: { code: CD, number: '60 bis' } }),
          indexed({ documentId: 'cibs-60bis', article: { code: CIBS, number: '60bis' }, classification: 'interne' }),
          indexed({ documentId: 'cd-60', article: { code: CD, number: '60' } }),
          indexed({ documentId: 'cd-l621', article: { code: CD, number: 'L. 621-1', validFrom: '2000-01-01', validTo: '2010-01-01' } }),
        ],
        [],
      );
    });

    it('finds every part of an article by normalised number, sorted by code then part', async () => {
      const chunks = await store.findArticle({ kb: 'kb', number: '60bis', filter: ALL });
      assert.deepEqual(chunks.map((c) => c.id), ['cd-60bis#0', 'cd-60bis#1', 'cibs-60bis#0']);
      const spaced = await store.findArticle({ kb: 'kb', number: '60 bis', filter: ALL });
      assert.equal(spaced.length, 3);
    });

    it('restricts to the code named and to the filter', async () => {
      assert.deepEqual((await store.findArticle({ kb: 'kb', number: '60bis', code: CIBS, filter: ALL })).map((c) => c.id), ['cibs-60bis#0']);
      assert.deepEqual((await store.findArticle({ kb: 'kb', number: '60bis', filter: PUBLIC })).map((c) => c.id), ['cd-60bis#0', 'cd-60bis#1']);
      assert.equal((await store.findArticle({ kb: 'kb', number: 'l621-1', filter: PUBLIC })).length, 1);
      assert.equal((await store.findArticle({ kb: 'kb', number: 'l621-1', filter: { maxClassification: 'public', inForceAt: '2015-01-01' } })).length, 0);
      assert.deepEqual(await store.findArticle({ kb: 'kb', number: '999', filter: ALL }), []);
    });
  });

  describe('documents', () => {
    it('lists document records kept on part 0, by source, and forgets deleted documents entirely', async () => {
      await store.ensureBase('kb', undefined);
      await store.upsert(
        'kb',
        [
          indexed({ documentId: 'a', part: 0, parts: 2, source: 'one.md', terms: { 1: 1 } }),
          indexed({ documentId: 'a', part: 1, parts: 2, source: 'one.md', terms: { 1: 1 } }),
          indexed({ documentId: 'b', source: 'two.md', terms: { 1: 1 } }),
        ],
        [record('a', 2, 'one.md'), record('b', 1, 'two.md')],
      );
      assert.deepEqual(await store.listDocuments('kb'), [record('a', 2, 'one.md'), record('b', 1, 'two.md')]);
      assert.deepEqual(await store.listDocuments('kb', 'two.md'), [record('b', 1, 'two.md')]);
      assert.deepEqual(await store.listDocuments('kb', 'none.md'), []);

      await store.deleteDocuments('kb', ['a']);
      const deletion = fake.requests.find((r) => r.path.endsWith('/points/delete'));
      assert.equal(deletion?.query['wait'], 'true');
      assert.equal(await store.count('kb'), 1);
      assert.deepEqual(await store.getChunks('kb', ['a#0', 'a#1']), []);
      assert.deepEqual(await store.listDocuments('kb'), [record('b', 1, 'two.md')]);
      assert.deepEqual(await store.search({ kb: 'kb', sparse: sparse({ 1: 1 }), filter: PUBLIC, limit: 5 }).then((h) => h.map((x) => x.chunk.id)), ['b#0']);
      await store.deleteDocuments('kb', []);
    });

    it('pages through more documents than one scroll page', async () => {
      await store.ensureBase('kb', undefined);
      const chunks = Array.from({ length: 600 }, (_, i) => indexed({ documentId: `d${String(i).padStart(3, '0')}` }));
      await store.upsert('kb', chunks, []);
      const records = await store.listDocuments('kb');
      assert.equal(records.length, 600);
      assert.equal(records[0]?.documentId, 'd000');
      await store.deleteDocuments('kb', chunks.map((c) => c.chunk.documentId));
      assert.equal(await store.count('kb'), 0);
    });

    it('records a document whose part 0 was written by an earlier call', async () => {
      await store.ensureBase('kb', undefined);
      await store.upsert('kb', [indexed({ documentId: 'a', part: 0, parts: 2 })], []);
      await store.upsert('kb', [indexed({ documentId: 'a', part: 1, parts: 2 })], [{ ...record('a', 2), contentHash: 'final' }]);
      assert.deepEqual(await store.listDocuments('kb'), [{ ...record('a', 2), contentHash: 'final' }]);
    });
  });

  describe('a base never written', () => {
    it('reads as empty and tolerates deletes', async () => {
      assert.equal(await store.count('ghost'), 0);
      assert.deepEqual(await store.listDocuments('ghost'), []);
      assert.deepEqual(await store.search({ kb: 'ghost', sparse: sparse({ 1: 1 }), filter: PUBLIC, limit: 5 }), []);
      assert.deepEqual(await store.search({ kb: 'ghost', sparse: sparse({ 1: 1 }), dense: Float32Array.from([1]), filter: PUBLIC, limit: 5 }), []);
      assert.deepEqual(await store.findArticle({ kb: 'ghost', number: '1', filter: PUBLIC }), []);
      assert.deepEqual(await store.getChunks('ghost', ['a#0']), []);
      await store.deleteDocuments('ghost', ['a']);
      await store.dropBase('ghost');
    });

    it('reads as empty again after dropBase, even from a store that had cached it', async () => {
      await store.ensureBase('kb', undefined);
      await store.upsert('kb', [indexed({ documentId: 'a', terms: { 1: 1 } })], [record('a')]);
      const other = new QdrantStore({ url: fake.url });
      assert.equal((await other.search({ kb: 'kb', sparse: sparse({ 1: 1 }), filter: PUBLIC, limit: 5 })).length, 1);
      await store.dropBase('kb');
      assert.deepEqual(await other.search({ kb: 'kb', sparse: sparse({ 1: 1 }), filter: PUBLIC, limit: 5 }), []);
      assert.equal(await other.count('kb'), 0);
    });
  });

  describe('failures', () => {
    it('reports STORE_UNAVAILABLE (retryable) when Qdrant cannot be reached', async () => {
      const down = await startFakeQdrant();
      const url = down.url;
      await down.close();
      const unreachable = new QdrantStore({ url });
      const error = await rejection(unreachable.count('kb'));
      assert.equal(error.code, 'STORE_UNAVAILABLE');
      assert.equal(error.retryable, true);
      assert.ok(error.cause !== undefined);
      assert.equal((await rejection(unreachable.ensureBase('kb', undefined))).code, 'STORE_UNAVAILABLE');
    });

    it('reports STORE_UNAVAILABLE on 5xx and 429, INTERNAL on a rejected request', async () => {
      await store.ensureBase('kb', undefined);
      fake.failNext(503);
      assert.equal((await rejection(store.search({ kb: 'kb', sparse: sparse({ 1: 1 }), filter: PUBLIC, limit: 5 }))).code, 'STORE_UNAVAILABLE');
      fake.failNext(429);
      assert.equal((await rejection(store.count('kb'))).code, 'STORE_UNAVAILABLE');
      fake.failNext(400);
      const rejected = await rejection(store.upsert('kb', [indexed({ documentId: 'a' })], []));
      assert.equal(rejected.code, 'INTERNAL');
      assert.match(String((rejected.cause as Error).message), /Qdrant HTTP 400/);
      assert.equal(await store.count('kb'), 0);
    });

    it('times out as STORE_UNAVAILABLE', async () => {
      const { createServer } = await import('node:http');
      const silent = createServer(() => undefined);
      await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
      const { port } = silent.address() as { port: number };
      try {
        const slow = new QdrantStore({ url: `http://127.0.0.1:${port}`, timeoutMs: 100 });
        assert.equal((await rejection(slow.count('kb'))).code, 'STORE_UNAVAILABLE');
      } finally {
        silent.closeAllConnections();
        silent.close();
      }
    });

    it('sends the API key and keeps a path prefix', async () => {
      const secured = await startFakeQdrant({ apiKey: 'secret' });
      try {
        const warn = console.warn;
        console.warn = () => undefined; // the client warns about an API key over plain HTTP
        try {
          const good = new QdrantStore({ url: secured.url, apiKey: 'secret' });
          await good.ensureBase('kb', undefined);
          const bad = new QdrantStore({ url: secured.url, apiKey: 'wrong' });
          assert.equal((await rejection(bad.count('kb'))).code, 'STORE_UNAVAILABLE');
        } finally {
          console.warn = warn;
        }
        const proxied = new QdrantStore({ url: `${fake.url}/qdrant/` });
        await proxied.count('kb');
        // The count, then (the collection missing there) the listing that looks for a base of another index format.
        assert.deepEqual(fake.requests.slice(-2).map((request) => request.path), ['/qdrant/collections/passerelle_kb/points/count', '/qdrant/collections']);
      } finally {
        await secured.close();
      }
    });
  });
});

describe('fake Qdrant semantics', () => {
  let fake: FakeQdrant;
  beforeEach(async () => {
    fake = await startFakeQdrant();
  });
  afterEach(() => fake.close());

  async function call(method: string, path: string, body?: unknown): Promise<{ status: number; json: { result?: unknown; status?: unknown } }> {
    const response = await fetch(`${fake.url}${path}`, {
      method,
      headers: { 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: response.status, json: (await response.json()) as { result?: unknown } };
  }

  it('answers 404 for a missing collection and 409 for a duplicate one', async () => {
    assert.equal((await call('GET', '/collections/none')).status, 404);
    assert.equal((await call('POST', '/collections/none/points/scroll', {})).status, 404);
    assert.deepEqual((await call('GET', '/collections/none/exists')).json.result, { exists: false });
    const spec = { vectors: { d: { size: 2, distance: 'Dot' } }, sparse_vectors: { s: { modifier: 'idf' } } };
    assert.equal((await call('PUT', '/collections/c', spec)).status, 200);
    assert.equal((await call('PUT', '/collections/c', spec)).status, 409);
    assert.equal((await call('PUT', '/collections/c/points', { points: [{ id: 1, vector: { d: [1, 2, 3] } }] })).status, 400);
    assert.equal((await call('PUT', '/collections/c/points', { points: [{ id: 1, vector: { s: { indices: [1, 1], values: [1, 1] } } }] })).status, 400);
    assert.equal((await call('PUT', '/collections/c/points', { points: [{ id: 'not-a-uuid', vector: {} }] })).status, 400);
  });

  it("fuses with Qdrant's RRF: Σ 1/(k + position from 0), k = 2 by default", async () => {
    await call('PUT', '/collections/c', { vectors: { a: { size: 2, distance: 'Dot' }, b: { size: 2, distance: 'Dot' } } });
    await call('PUT', '/collections/c/points', {
      points: [
        { id: 1, vector: { a: [1, 0], b: [0, 1] } },
        { id: 2, vector: { a: [0.5, 0], b: [0, 2] } },
      ],
    });
    const prefetch = [
      { query: [1, 0], using: 'a' },
      { query: [0, 1], using: 'b' },
    ];
    const byDefault = await call('POST', '/collections/c/points/query', { prefetch, query: { fusion: 'rrf' } });
    const scores = (byDefault.json.result as { points: Array<{ id: number; score: number }> }).points.map((p) => p.score);
    assert.ok(Math.abs((scores[0] ?? 0) - (1 / 2 + 1 / 3)) < FLOAT32);
    const withK = await call('POST', '/collections/c/points/query', { prefetch, query: { rrf: { k: 61 } } });
    const kScores = (withK.json.result as { points: Array<{ score: number }> }).points.map((p) => p.score);
    assert.ok(Math.abs((kScores[0] ?? 0) - (1 / 61 + 1 / 62)) < FLOAT32);
  });

  it('injects failures one request at a time', async () => {
    fake.failNext(502);
    fake.failNext(500);
    assert.equal((await call('GET', '/')).status, 502);
    assert.equal((await call('GET', '/')).status, 500);
    assert.equal((await call('GET', '/')).status, 200);
  });
});
