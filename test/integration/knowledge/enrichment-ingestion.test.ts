import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { textHash, type EnrichmentEntry } from '../../../knowledge/enrichment/enrichment.ts';
import { EnrichmentLookup } from '../../../knowledge/enrichment/enrichment-lookup.ts';
import { ShippedEnrichment } from '../../../knowledge/enrichment/shipped-enrichment.ts';
import { IngestionService } from '../../../knowledge/ingestion/ingestion-service.ts';
import { SparseEncoder } from '../../../knowledge/analysis/sparse-encoder.ts';
import { SqliteVectorStore } from '../../../knowledge/stores/embedded/sqlite-vector-store.ts';
import { ARTICLES, makeTempDir, writeJsonl } from '../helpers/knowledge-fixtures.ts';

const LEGAL = { kb: 'legal', ceiling: 'diffusion-restreinte' } as const;

describe('enrichment at ingestion (real embedded store)', () => {
  let temp: ReturnType<typeof makeTempDir>;
  let store: SqliteVectorStore;
  const encoder = new SparseEncoder(undefined);
  const written = new Map<string, EnrichmentEntry>();
  const entry = (text: string, subject: string, terms: string[]): EnrichmentEntry => ({
    id: ARTICLES.visite!.id, text_sha256: textHash(text), subject, questions: ['on peut fouiller un camping-car ?'], terms, origin: 'curator', status: 'approved',
  });
  const ingestion = () =>
    new IngestionService(store, encoder, undefined, {
      rootDir: temp.path, maxFileBytes: 1_000_000, maxChunkChars: 4_000, embedderCeiling: 'public',
      enrichment: new EnrichmentLookup(new ShippedEnrichment(join(temp.path, 'none')), { get: async (_kb, id) => written.get(id) }, true),
    });
  const search = async (question: string) =>
    (await store.search({ kb: 'legal', sparse: encoder.encodeQuery(question), filter: { maxClassification: 'diffusion-restreinte' }, limit: 5 })).map((hit) => hit.chunk.documentId);

  beforeEach(() => {
    temp = makeTempDir('enrichment');
    mkdirSync(join(temp.path, 'none'));
    store = new SqliteVectorStore(':memory:');
    written.clear();
  });
  afterEach(async () => {
    await store.close();
    temp.remove();
  });

  it('indexes the entry written for the article’s text: agents’ words find it; the chunk’s text stays the law’s', async () => {
    const file = writeJsonl(join(temp.path, 'code.jsonl'), [ARTICLES.visite, ARTICLES.contrebande]);
    assert.deepEqual(await search('fouiller un camping-car'), []);
    written.set(ARTICLES.visite!.id, entry(ARTICLES.visite!.text, 'Visite des véhicules', ['camping-car', 'fouille']));
    const report = await ingestion().ingest(LEGAL, [file]);
    assert.equal(report.added, 2);
    assert.deepEqual(await search('fouiller un camping-car'), ['CD-60']);
    const [chunk] = await store.getChunks('legal', ['CD-60#0']);
    assert.equal(chunk?.text, ARTICLES.visite!.text);
    assert.deepEqual(chunk?.enrichment, { text: 'Visite des véhicules\non peut fouiller un camping-car ?\ncamping-car ; fouille', origin: 'curator', status: 'approved' });
  });

  it('re-indexes only the document whose entry changed, and ignores an entry written for another text', async () => {
    const file = writeJsonl(join(temp.path, 'code.jsonl'), [ARTICLES.visite, ARTICLES.contrebande]);
    await ingestion().ingest(LEGAL, [file]);
    written.set(ARTICLES.visite!.id, entry(ARTICLES.visite!.text, 'Visite', ['camping-car']));
    const second = await ingestion().ingest(LEGAL, [file]);
    assert.deepEqual([second.updated, second.unchanged], [1, 1]);
    const third = await ingestion().ingest(LEGAL, [file]);
    assert.deepEqual([third.updated, third.unchanged], [0, 2]);
    written.set(ARTICLES.visite!.id, entry('Une version antérieure du texte.', 'Visite', ['caravane']));
    const fourth = await ingestion().ingest(LEGAL, [file]);
    assert.equal(fourth.updated, 1, 'the stale entry no longer applies: the article goes back to its plain form');
    assert.deepEqual(await search('caravane'), []);
    const [chunk] = await store.getChunks('legal', ['CD-60#0']);
    assert.equal(chunk?.enrichment, undefined);
  });
});
