import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SparseEncoder } from '../../../knowledge/analysis/sparse-encoder.ts';
import { IngestionService } from '../../../knowledge/ingestion/ingestion-service.ts';
import { SqliteVectorStore } from '../../../knowledge/stores/embedded/sqlite-vector-store.ts';
import { makeTempDir, writeJsonl } from '../helpers/knowledge-fixtures.ts';

const HR = { kb: 'hr', ceiling: 'diffusion-restreinte' } as const;
const CGFP = 'LEGITEXT000044416551';
const article = (num: string, text: string) => ({ id: `CGFP-${num}`, code: 'Code général de la fonction publique', code_id: CGFP, num, title_path: ['Livre VI'], text, source_url: `https://www.legifrance.gouv.fr/codes/texte_lc/${CGFP}` });

describe('ingestion: article ids given by `passerelle sync` link corpus records that carry none (real embedded store)', () => {
  let temp: ReturnType<typeof makeTempDir>;
  let store: SqliteVectorStore;
  beforeEach(() => {
    temp = makeTempDir('synced-links');
    store = new SqliteVectorStore(':memory:');
  });
  afterEach(async () => {
    await store.close();
    temp.remove();
  });

  it('searches by number until a sync knows the article, then opens the article and re-indexes that record only', async () => {
    const syncDir = join(temp.path, 'data', 'sync', 'legi');
    const ingestion = new IngestionService(store, new SparseEncoder(undefined), undefined, { rootDir: temp.path, maxFileBytes: 1_000_000, maxChunkChars: 4_000, embedderCeiling: 'public', syncedArticlesDir: syncDir });
    const file = writeJsonl(join(temp.path, 'cgfp.jsonl'), [article('L621-1', 'Le fonctionnaire en activité a droit à des congés annuels.'), article('L621-2', 'Le fonctionnaire a droit à des congés de maladie.')]);
    const links = async () => {
      const hits = await store.search({ kb: 'hr', sparse: new SparseEncoder(undefined).encodeQuery('fonctionnaire congés'), filter: { maxClassification: 'diffusion-restreinte' }, limit: 5 });
      return Object.fromEntries(hits.map((hit) => [hit.chunk.documentId, hit.chunk.url]));
    };

    assert.equal((await ingestion.ingest(HR, [file])).added, 2);
    assert.deepEqual(await links(), {
      'CGFP-L621-1': 'https://www.legifrance.gouv.fr/search/code?tab_selection=code&searchField=NUM_ARTICLE&searchType=ALL&query=L621-1',
      'CGFP-L621-2': 'https://www.legifrance.gouv.fr/search/code?tab_selection=code&searchField=NUM_ARTICLE&searchType=ALL&query=L621-2',
    });

    mkdirSync(syncDir, { recursive: true });
    writeFileSync(join(syncDir, `${CGFP}.jsonl`), `${JSON.stringify({ id: 'LEGIARTI000044424999', cid: 'LEGIARTI000044424999', code: 'Code général de la fonction publique', code_id: CGFP, num: 'L621-1', etat: 'VIGUEUR' })}\n`);
    const report = await ingestion.ingest(HR, [file]);
    assert.deepEqual([report.updated, report.unchanged], [1, 1]);
    assert.equal((await links())['CGFP-L621-1'], 'https://www.legifrance.gouv.fr/codes/article_lc/LEGIARTI000044424999');
  });
});
