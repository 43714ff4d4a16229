import assert from 'node:assert/strict';
import { SparseEncoder } from '../../knowledge/analysis/sparse-encoder.ts';
import { loadDefaultLexicon } from '../../knowledge/analysis/lexicon.ts';
import { documentFields } from '../../knowledge/ingestion/ingestion-service.ts';
import type { VectorStore } from '../../knowledge/ports/vector-store.ts';
import type { ArticleInfo, Chunk, Classification, DocumentRecord, IndexedChunk } from '../../knowledge/types.ts';

/**
 * The behaviour every VectorStore must have. Registered once per implementation by vector-store.test.ts;
 * each test gets a fresh, uniquely named base.
 */
export function vectorStoreContract(name: string, open: () => Promise<VectorStore>): void {
  describe(`VectorStore contract: ${name}`, function () {
    this.timeout(30_000);
    let store: VectorStore;
    let kb: string;
    const encoder = new SparseEncoder(loadDefaultLexicon());
    const filter = { maxClassification: 'diffusion-restreinte' as Classification };

    beforeEach(async () => {
      store = await open();
      kb = `t${Date.now().toString(36)}${Math.random().toString(36).slice(2, 7)}`;
    });
    afterEach(async () => {
      await store.dropBase(kb).catch(() => undefined);
      await store.close();
    });

    function chunk(documentId: string, text: string, extra: Partial<Chunk> = {}): Chunk {
      return {
        id: `${documentId}#${extra.part ?? 0}`,
        kb,
        documentId,
        source: extra.source ?? 'source.jsonl',
        kind: 'article',
        title: `Code des douanes, art. ${documentId}`,
        headingPath: ['Titre test'],
        text,
        classification: 'public',
        part: 0,
        parts: 1,
        contentHash: `hash-${documentId}`,
        ...extra,
      };
    }

    function indexed(chunks: Chunk[], dense?: (chunk: Chunk) => Float32Array): IndexedChunk[] {
      return chunks.map((c) => ({ chunk: c, sparse: encoder.encodeDocument(documentFields(c)), ...(dense ? { dense: dense(c) } : {}) }));
    }

    function records(chunks: Chunk[]): DocumentRecord[] {
      const byDocument = new Map<string, DocumentRecord>();
      for (const c of chunks) {
        const record = byDocument.get(c.documentId) ?? { kb, documentId: c.documentId, source: c.source, contentHash: c.contentHash, chunkCount: 0 };
        record.chunkCount++;
        byDocument.set(c.documentId, record);
      }
      return [...byDocument.values()];
    }

    async function put(chunks: Chunk[], dimensions?: number, dense?: (chunk: Chunk) => Float32Array) {
      await store.ensureBase(kb, dimensions);
      await store.upsert(kb, indexed(chunks, dense), records(chunks));
    }

    const corpus = () => [
      chunk('A1', 'Les agents des douanes peuvent procéder à la visite des marchandises, des moyens de transport et des personnes.'),
      chunk('A2', 'La déclaration en détail doit être déposée dans un bureau de douane ouvert à ces opérations.'),
      chunk('A3', 'Les marchandises saisies sont déposées au bureau de douane le plus proche du lieu de la saisie.'),
      chunk('A4', 'Le transit permet de transporter des marchandises sous douane en suspension des droits et taxes.'),
    ];

    it('is empty and answers every read on a base never written', async () => {
      assert.equal(await store.count(kb), 0);
      assert.deepEqual(await store.listDocuments(kb), []);
      assert.deepEqual(await store.search({ kb, sparse: encoder.encodeQuery('visite'), filter, limit: 5 }), []);
      assert.deepEqual(await store.findArticle({ kb, number: '60', filter }), []);
      assert.deepEqual(await store.getChunks(kb, ['x#0']), []);
    });

    it('ranks lexically with IDF: the chunk sharing the rare terms comes first', async () => {
      await put(corpus());
      const hits = await store.search({ kb, sparse: encoder.encodeQuery('Où dépose-t-on une déclaration en détail ?'), filter, limit: 3 });
      assert.equal(hits[0]?.chunk.documentId, 'A2');
      assert.ok(hits.every((hit, index) => index === 0 || (hits[index - 1]?.score ?? 0) >= hit.score), 'scores are sorted');
      const visit = await store.search({ kb, sparse: encoder.encodeQuery('visite des personnes'), filter, limit: 1 });
      assert.equal(visit[0]?.chunk.documentId, 'A1');
      assert.equal(visit.length, 1, 'limit is honoured');
    });

    it('returns the whole chunk payload with its citation fields', async () => {
      const withUrl = chunk('A9', 'Texte de l’article quatre-vingt-dix-neuf sur la saisie.', {
        url: 'https://www.legifrance.gouv.fr/codes/article_lc/LEGIARTI0000',
        article: { code: 'Code des douanes', number: '99 bis', validFrom: '2000-01-01' },
        headingPath: ['Titre X', 'Chapitre Y'],
      });
      await put([withUrl]);
      const [hit] = await store.search({ kb, sparse: encoder.encodeQuery('saisie'), filter, limit: 1 });
      assert.deepEqual(hit?.chunk, withUrl);
      assert.deepEqual(await store.getChunks(kb, ['A9#0']), [withUrl]);
    });

    it('upsert replaces a chunk with the same id', async () => {
      await put([chunk('A1', 'ancien texte sur les navires')]);
      await put([chunk('A1', 'nouveau texte sur les aéronefs', { contentHash: 'hash-2' })]);
      assert.equal(await store.count(kb), 1);
      assert.deepEqual(await store.search({ kb, sparse: encoder.encodeQuery('navires'), filter, limit: 5 }), []);
      const [hit] = await store.search({ kb, sparse: encoder.encodeQuery('aéronefs'), filter, limit: 5 });
      assert.equal(hit?.chunk.text, 'nouveau texte sur les aéronefs');
      assert.equal((await store.listDocuments(kb))[0]?.contentHash, 'hash-2');
    });

    it('deleteDocuments removes every chunk and the record of those documents only', async () => {
      const parts = [0, 1, 2].map((part) => chunk('LONG', `partie ${part} du long article sur les entrepôts`, { id: `LONG#${part}`, part, parts: 3 }));
      await put([...parts, ...corpus()]);
      assert.equal((await store.listDocuments(kb)).find((record) => record.documentId === 'LONG')?.chunkCount, 3);
      await store.deleteDocuments(kb, ['LONG', 'A4']);
      assert.equal(await store.count(kb), 3);
      assert.deepEqual((await store.listDocuments(kb)).map((record) => record.documentId).sort(), ['A1', 'A2', 'A3']);
      assert.deepEqual(await store.search({ kb, sparse: encoder.encodeQuery('entrepôts'), filter, limit: 5 }), []);
    });

    it('lists documents of one source', async () => {
      await put([chunk('S1', 'un', { source: 'a.jsonl' }), chunk('S2', 'deux', { source: 'b.md' }), chunk('S3', 'trois', { source: 'a.jsonl' })]);
      assert.deepEqual((await store.listDocuments(kb, 'a.jsonl')).map((record) => record.documentId).sort(), ['S1', 'S3']);
    });

    it('filters by classification ceiling inside the store', async () => {
      await put([
        chunk('P', 'consigne de contrôle des voyageurs', { classification: 'public' }),
        chunk('R', 'consigne de contrôle des voyageurs renforcée', { classification: 'diffusion-restreinte' }),
      ]);
      const publicOnly = await store.search({ kb, sparse: encoder.encodeQuery('consigne contrôle voyageurs'), filter: { maxClassification: 'public' }, limit: 5 });
      assert.deepEqual(publicOnly.map((hit) => hit.chunk.documentId), ['P']);
      const all = await store.search({ kb, sparse: encoder.encodeQuery('consigne contrôle voyageurs'), filter: { maxClassification: 'diffusion-restreinte' }, limit: 5 });
      assert.equal(all.length, 2);
    });

    it('filters by date in force, keeping chunks whose validity is unknown', async () => {
      await put([
        chunk('OLD', 'amende pour fausse déclaration', { article: { code: 'Code des douanes', number: '1', validFrom: '1990-01-01', validTo: '2010-01-01' } }),
        chunk('NOW', 'amende pour fausse déclaration actuelle', { article: { code: 'Code des douanes', number: '2', validFrom: '2010-01-01' } }),
        chunk('UNK', 'amende pour fausse déclaration, date inconnue'),
      ]);
      const ids = async (inForceAt: string) =>
        (await store.search({ kb, sparse: encoder.encodeQuery('amende fausse déclaration'), filter: { ...filter, inForceAt }, limit: 5 })).map((hit) => hit.chunk.documentId).sort();
      assert.deepEqual(await ids('2024-01-15'), ['NOW', 'UNK']);
      assert.deepEqual(await ids('2000-06-01'), ['OLD', 'UNK']);
    });

    it('finds an article by number whatever its spelling, restricted to a code when asked', async () => {
      await put([
        chunk('CD-60_bis', 'texte du 60 bis', { article: { code: 'Code des douanes', number: '60 bis' } }),
        chunk('CD-60', 'texte du 60', { article: { code: 'Code des douanes', number: '60' } }),
        chunk('CIBS-60_bis', 'autre code', { article: { code: 'Code des impositions sur les biens et services', number: '60 bis' } }),
      ]);
      const both = await store.findArticle({ kb, number: '60bis', filter });
      assert.deepEqual(both.map((c) => c.documentId).sort(), ['CD-60_bis', 'CIBS-60_bis']);
      const customs = await store.findArticle({ kb, number: '60 bis', code: 'Code des douanes', filter });
      assert.deepEqual(customs.map((c) => c.documentId), ['CD-60_bis']);
    });

    it('finds an article by its whole number: « 67 A » and « 67 ter B » are not 67 and 67 ter', async () => {
      await put([
        chunk('CD-67', 'texte du 67', { article: { code: 'Code des douanes', number: '67' } }),
        chunk('CD-67_A', 'texte du 67 A', { article: { code: 'Code des douanes', number: '67 A' } }),
        chunk('CD-67_ter', 'texte du 67 ter', { article: { code: 'Code des douanes', number: '67 ter' } }),
        chunk('CD-67_ter_B', 'texte du 67 ter B', { article: { code: 'Code des douanes', number: '67 ter B' } }),
        chunk('CD-67_D-1', 'texte du 67 D-1', { article: { code: 'Code des douanes', number: '67 D-1' } }),
      ]);
      const found = async (number: string) => (await store.findArticle({ kb, number, filter })).map((c) => c.documentId);
      assert.deepEqual(await found('67'), ['CD-67']);
      assert.deepEqual(await found('67 A'), ['CD-67_A']);
      assert.deepEqual(await found('67a'), ['CD-67_A']);
      assert.deepEqual(await found('67 ter'), ['CD-67_ter']);
      assert.deepEqual(await found('67terb'), ['CD-67_ter_B']);
      assert.deepEqual(await found('67 D-1'), ['CD-67_D-1']);
    });

    it('fuses dense and lexical rankings when a query vector is given', async () => {
      const axis = (index: number) => {
        const vector = new Float32Array(4);
        vector[index] = 1;
        return vector;
      };
      const dense = (c: Chunk) => axis(Number(c.documentId.slice(1)) - 1);
      await put(corpus(), 4, dense);
      // No shared word with A4, but its vector is the query's: dense retrieval must bring it in.
      const hits = await store.search({ kb, sparse: encoder.encodeQuery('zzz inconnu'), dense: axis(3), filter, limit: 2 });
      assert.equal(hits[0]?.chunk.documentId, 'A4');
      const mixed = await store.search({ kb, sparse: encoder.encodeQuery('visite des personnes'), dense: axis(0), filter, limit: 4 });
      assert.equal(mixed[0]?.chunk.documentId, 'A1', 'agreeing signals win');
    });

    it('refuses a dense size different from the base’s', async () => {
      await store.ensureBase(kb, 4);
      await assert.rejects(() => store.ensureBase(kb, 8), (error: Error & { code?: string }) => error.code === 'STORE_DIMENSION_MISMATCH');
    });

    it('lists every chunk of a base, or of one code', async () => {
      await put([
        chunk('C1', 'un', { article: { code: 'Code des douanes', number: '1' } }),
        chunk('C2', 'deux', { article: { code: 'Code des douanes', number: '2' } }),
        chunk('X1', 'autre', { article: { code: 'Autre code', number: '1' } }),
      ]);
      assert.deepEqual((await store.listChunks(kb)).map((c) => c.documentId).sort(), ['C1', 'C2', 'X1']);
      assert.deepEqual((await store.listChunks(kb, { code: 'Code des douanes' })).map((c) => c.documentId).sort(), ['C1', 'C2']);
      assert.deepEqual(await store.listChunks(`${kb}-absent`), []);
    });

    describe('versions of an article', () => {
      const douanes = 'Code des douanes';
      const v2019 = () =>
        chunk('V2019', 'Sont passibles de la confiscation les marchandises de fraude et une amende comprise entre une et deux fois la valeur.', {
          article: { code: douanes, number: '414', identity: 'LEGIARTI000006615632', versionId: 'LEGIARTI000006615633', validFrom: '2012-01-01', observedAt: '2019-07-01' },
        });
      const v2024 = () =>
        chunk('V2024', 'Sont passibles de la confiscation les marchandises de fraude et une amende comprise entre une et trois fois la valeur.', {
          article: { code: douanes, number: '414', identity: 'LEGIARTI000006615632', versionId: 'V2024', observedAt: '2024-01-15', validFrom: '2024-01-15' },
        });
      const searchAt = async (inForceAt: string | undefined) =>
        (await store.search({ kb, sparse: encoder.encodeQuery('confiscation amende valeur fraude'), filter: { ...filter, ...(inForceAt ? { inForceAt } : {}) }, limit: 5 })).map((hit) => hit.chunk.documentId).sort();
      const articleAt = async (inForceAt: string | undefined) =>
        (await store.findArticle({ kb, number: '414', filter: { ...filter, ...(inForceAt ? { inForceAt } : {}) } })).map((found) => found.documentId).sort();

      it('keeps several versions of one article side by side, and no date filter sees them all', async () => {
        await put([v2019(), v2024()]);
        assert.deepEqual(await searchAt(undefined), ['V2019', 'V2024']);
        assert.deepEqual(await articleAt(undefined), ['V2019', 'V2024']);
        assert.deepEqual((await store.listChunks(kb, { code: douanes })).map((found) => found.article?.versionId).sort(), ['LEGIARTI000006615633', 'V2024']);
      });

      it('closes a version with updateArticles: the date filter then selects one version per date', async () => {
        await put([v2019(), v2024()]);
        // Before the update the 2019 text has no end: both versions are in force today.
        assert.deepEqual(await searchAt('2026-01-01'), ['V2019', 'V2024']);
        const closed = { ...(v2019().article as ArticleInfo), validTo: '2024-01-15', uncertainTo: '2019-07-01', versions: 2 };
        await store.updateArticles(kb, [{ documentId: 'V2019', article: closed }, { documentId: 'UNKNOWN', article: closed }]);
        assert.deepEqual(await searchAt('2026-01-01'), ['V2024']);
        assert.deepEqual(await searchAt('2019-07-01'), ['V2019']);
        assert.deepEqual(await articleAt('2026-01-01'), ['V2024']);
        assert.deepEqual(await articleAt('2019-07-01'), ['V2019']);
        assert.deepEqual(await articleAt('2024-01-14'), ['V2019'], 'the end day is excluded, the day before is not');
        const [stored] = await store.getChunks(kb, ['V2019#0']);
        assert.deepEqual(stored?.article, closed, 'the chunk carries its new dates');
        assert.equal(stored?.text, v2019().text, 'the text is untouched');
        assert.equal(await store.count(kb), 2);
        assert.deepEqual((await store.listDocuments(kb)).map((record) => record.contentHash).sort(), ['hash-V2019', 'hash-V2024']);
      });

      it('re-dates every part of a document, and a re-upsert brings the declared dates back', async () => {
        const parts = [0, 1].map((part) => chunk('LONG', `Partie ${part} des marchandises de fraude et de la confiscation`, { id: `LONG#${part}`, part, parts: 2, article: { code: douanes, number: '415', identity: 'X|415', versionId: 'LONG' } }));
        await put(parts);
        await store.updateArticles(kb, [{ documentId: 'LONG', article: { code: douanes, number: '415', identity: 'X|415', versionId: 'LONG', validTo: '2000-01-01' } }]);
        assert.deepEqual(await searchAt('2026-01-01'), []);
        assert.deepEqual((await store.getChunks(kb, ['LONG#0', 'LONG#1'])).map((found) => found.article?.validTo), ['2000-01-01', '2000-01-01']);
        await put(parts);
        assert.deepEqual(await searchAt('2026-01-01'), ['LONG', 'LONG']);
      });

      it('ignores updates on a base never written', async () => {
        await store.updateArticles(`${kb}-absent`, [{ documentId: 'V2019', article: { code: douanes, number: '414' } }]);
        assert.equal(await store.count(`${kb}-absent`), 0);
      });
    });

    it('dropBase removes everything', async () => {
      await put(corpus());
      await store.dropBase(kb);
      assert.equal(await store.count(kb), 0);
      assert.deepEqual(await store.listDocuments(kb), []);
    });
  });
}
