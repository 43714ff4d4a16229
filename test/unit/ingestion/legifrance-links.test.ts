import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadJsonl } from '../../../knowledge/ingestion/loaders/jsonl-loader.ts';
import { articleLink, legifranceSearchUrl, readSyncedArticleIds } from '../../../knowledge/ingestion/loaders/legifrance-links.ts';
import { makeTempDir } from '../../integration/helpers/knowledge-fixtures.ts';

const CORPUS = fileURLToPath(new URL('../../../../shared/corpus/', import.meta.url));
const ARTICLE = 'https://www.legifrance.gouv.fr/codes/article_lc/';
const SEARCH = 'https://www.legifrance.gouv.fr/search/code?tab_selection=code&searchField=NUM_ARTICLE&searchType=ALL&query=';
const CGFP = 'LEGITEXT000044416551';
const CGFP_TOC = `https://www.legifrance.gouv.fr/codes/texte_lc/${CGFP}`;

const context = { source: 'corpus/test.jsonl', displayName: 'test.jsonl', defaultClassification: 'public' as const };
const loadFile = async (file: string) => (await loadJsonl(readFileSync(file), context)).documents;

describe('Légifrance links for articles without their own LEGIARTI id', () => {
  const record = { id: 'CGFP-L621-1', code_id: CGFP, num: 'L621-1', source_url: CGFP_TOC };

  it('searches the article by its number instead of opening the code’s table of contents', () => {
    assert.deepEqual(articleLink(record), { url: `${SEARCH}L621-1`, from: 'search' });
    assert.equal(legifranceSearchUrl('67 ter B'), `${SEARCH}67%20ter%20B`, 'the number as printed, encoded');
    assert.equal(articleLink({ id: 'X', num: '60-1', source_url: 'https://www.legifrance.gouv.fr/codes/id/LEGITEXT000006071570/' }).url, `${SEARCH}60-1`, 'code id read from the link when the record has no code_id');
  });

  it('opens the article itself when its id is known: from the record first, then from the synchronised articles', () => {
    const synced = (codeId: string, number: string) => (codeId === CGFP && number === 'L. 621-1' ? 'LEGIARTI000044424999' : undefined);
    assert.deepEqual(articleLink({ ...record, legi_cid: 'LEGIARTI000044420001' }, synced), { url: `${ARTICLE}LEGIARTI000044420001`, from: 'record' });
    assert.deepEqual(articleLink({ ...record, num: 'L. 621-1' }, synced), { url: `${ARTICLE}LEGIARTI000044424999`, from: 'sync' });
    assert.deepEqual(articleLink({ ...record, num: 'L621-2' }, synced), { url: `${SEARCH}L621-2`, from: 'search' });
  });

  it('keeps a link that already names the article or another page, and keeps the table of contents when nothing better is known', () => {
    assert.equal(articleLink({ ...record, source_url: `${ARTICLE}LEGIARTI000000000001` }).url, `${ARTICLE}LEGIARTI000000000001`);
    assert.equal(articleLink({ id: 'NOTE-1', source_url: 'https://intranet.example/note' }).url, 'https://intranet.example/note');
    assert.equal(articleLink({ id: 'CGFP-L1', source_url: CGFP_TOC }).url, CGFP_TOC, 'no number: nothing to search');
    assert.equal(articleLink({ id: 'CPCMR-Emplois_classés', code_id: 'LEGITEXT000006070302', num: 'Emplois classés', source_url: 'https://www.legifrance.gouv.fr/codes/texte_lc/LEGITEXT000006070302' }).url, 'https://www.legifrance.gouv.fr/codes/texte_lc/LEGITEXT000006070302', 'a heading, not a number');
  });

  it('reads the article ids from the mirror files of `passerelle sync` (chronical id, else the version in force)', () => {
    const temp = makeTempDir('synced-ids');
    try {
      const dir = join(temp.path, 'sync', 'legi');
      assert.equal(readSyncedArticleIds(dir), undefined, 'no folder: no ids');
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, `${CGFP}.jsonl`), [
        { id: 'LEGIARTI000044424999', cid: 'LEGIARTI000044424990', code_id: CGFP, num: 'L621-1', etat: 'VIGUEUR' },
        { id: 'LEGIARTI000044425005', cid: 'not-an-id', code_id: CGFP, num: 'L621-2', etat: 'MODIFIE' },
        { id: 'LEGIARTI000044425006', cid: 'not-an-id', code_id: CGFP, num: 'L621-2', etat: 'VIGUEUR' },
      ].map((line) => JSON.stringify(line)).join('\n') + '\nnot json\n');
      const ids = readSyncedArticleIds(dir);
      assert.equal(ids?.(CGFP, 'L. 621-1'), 'LEGIARTI000044424990');
      assert.equal(ids?.(CGFP, 'L621-2'), 'LEGIARTI000044425006');
      assert.equal(ids?.('LEGITEXT000006071570', 'L621-1'), undefined, 'another code');
    } finally {
      temp.remove();
    }
  });

  it('the loader passes the synchronised ids through and puts a link it found into the content hash', async () => {
    const line = Buffer.from(`${JSON.stringify({ ...record, code: 'Code général de la fonction publique', text: 'Le fonctionnaire a droit à des congés.' })}\n`);
    const alone = (await loadJsonl(line, context)).documents[0];
    const synced = (await loadJsonl(line, { ...context, articleIds: () => 'LEGIARTI000044424999' })).documents[0];
    assert.equal(alone?.url, `${SEARCH}L621-1`);
    assert.equal(synced?.url, `${ARTICLE}LEGIARTI000044424999`);
    assert.notEqual(alone?.contentHash, synced?.contentHash, 'an id given by a sync re-indexes the record');
  });

  describe('on the shared corpus', function () {
    before(function () {
      if (!existsSync(CORPUS)) this.skip();
    });

    for (const [file, count] of [['code_general_fonction_publique.jsonl', 1284], ['code_impositions_biens_services.jsonl', 1059], ['code_pensions_civiles_militaires.jsonl', 256]] as const) {
      it(`${file}: no numbered article links to the code’s table of contents; each searches its own number`, async () => {
        const documents = await loadFile(join(CORPUS, file));
        assert.equal(documents.length, count);
        for (const document of documents.filter((found) => /\d/.test(found.article!.number))) {
          assert.doesNotMatch(document.url ?? '', /texte_lc/, document.documentId);
          assert.equal(document.url, `${SEARCH}${encodeURIComponent(document.article!.number)}`, document.documentId);
        }
        assert.ok(documents.filter((found) => !/\d/.test(found.article!.number)).length <= 1, 'only the pensions code’s « Emplois classés » heading has no number');
      });
    }

    it('code_douanes.jsonl: articles with a LEGI id open their page; the 66 without one (60-1, 67 ter B…) search their number', async () => {
      const documents = await loadFile(join(CORPUS, 'code_douanes.jsonl'));
      const searched = documents.filter((document) => document.url?.startsWith(SEARCH));
      assert.equal(searched.length, 66);
      assert.equal(documents.filter((document) => document.url?.startsWith(ARTICLE)).length, documents.length - 66);
      const byNumber = new Map(documents.map((document) => [document.article!.number, document.url]));
      assert.equal(byNumber.get('60-1'), `${SEARCH}60-1`);
      assert.equal(byNumber.get('67 ter B'), `${SEARCH}67%20ter%20B`);
      assert.equal(byNumber.get('414'), `${ARTICLE}LEGIARTI000006615940`);
    });
  });
});
