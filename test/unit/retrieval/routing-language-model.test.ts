import assert from 'node:assert/strict';
import { SparseEncoder } from '../../../knowledge/analysis/sparse-encoder.ts';
import { CorpusStatistics, type BaseStatistics } from '../../../knowledge/corpus-statistics.ts';
import { languageModelScores } from '../../../knowledge/router.ts';
import { SqliteVectorStore } from '../../../knowledge/stores/embedded/sqlite-vector-store.ts';
import type { Chunk } from '../../../knowledge/types.ts';

const model = (counts: Record<string, number>): BaseStatistics => {
  const terms = new Map(Object.entries(counts));
  return { terms, total: [...terms.values()].reduce((sum, count) => sum + count, 0), words: new Map(), chunks: 1 };
};

function chunk(kb: string, id: string, text: string, enrichment?: string): Chunk {
  return {
    id: `${id}#0`, kb, documentId: id, source: 's.jsonl', kind: 'article', title: id, headingPath: [], text, classification: 'public', part: 0, parts: 1, contentHash: id,
    ...(enrichment ? { enrichment: { text: enrichment, origin: 'team' as const, status: 'approved' as const } } : {}),
  };
}

describe('routing: base language models and corpus statistics', () => {
  it('lets the words proper to a base decide, and a shared word weigh little', () => {
    const legal = model({ douan: 500, agent: 300, grev: 1, visit: 200 });
    const hr = model({ agent: 300, grev: 40, cong: 300, douan: 5 });
    const [forLegal, forHr] = languageModelScores(['agent', 'grev'], [legal, hr], 5, 0.5) as number[];
    assert.ok((forHr as number) > (forLegal as number));
    const [visitLegal, visitHr] = languageModelScores(['agent', 'visit'], [legal, hr], 5, 0.5) as number[];
    assert.ok((visitLegal as number) > (visitHr as number));
    assert.equal(languageModelScores(['inconnu'], [legal, hr], 5, 0.5), undefined);
  });

  it('does not make a tiny base a safe compromise: it wins only with the words it holds', () => {
    // A realistic joint vocabulary (tens of thousands of terms): the smoothing mass dwarfs the tiny base's text.
    const vocabulary = 40_000;
    const big = model({ douan: 5_000, marchand: 3_000, declar: 2_000, visit: 1_000 });
    const tiny = model({ fich: 3, proced: 4 });
    const [bigScore, tinyScore] = languageModelScores(['douan', 'fich'], [big, tiny], vocabulary, 0.5) as number[];
    assert.ok((bigScore as number) > (tinyScore as number));
    const [bigOwn, tinyOwn] = languageModelScores(['fich', 'proced'], [big, tiny], vocabulary, 0.5) as number[];
    assert.ok((tinyOwn as number) > (bigOwn as number));
  });

  it('reads each base’s words (enrichment counted more) and rebuilds them when the base changes', async () => {
    const store = new SqliteVectorStore(':memory:');
    const encoder = new SparseEncoder(undefined);
    const put = (kb: string, chunks: Chunk[]) => store.upsert(kb, chunks.map((entry) => ({ chunk: entry, sparse: encoder.encodeDocument({ headings: '', body: entry.text }) })), []);
    await put('hr', [chunk('hr', 'L114-1', 'Les fonctionnaires exercent le droit de grève.', 'faire grève')]);
    let clock = 0;
    const statistics = new CorpusStatistics(store, { enrichmentWeight: 3, recheckMs: 1_000 }, () => clock);
    const first = await statistics.of('hr');
    assert.equal(first.terms.get('grev'), 1 + 3);
    assert.equal(first.words.get('greve'), 2);
    await put('hr', [chunk('hr', 'L612-1', 'Le temps partiel sur autorisation : l’autorisation est accordée ; le refus d’autorisation est motivé.')]);
    assert.equal(await statistics.of('hr'), first, 'within the recheck interval the statistics are kept');
    clock = 2_000;
    const second = await statistics.of('hr');
    assert.notEqual(second, first);
    assert.equal(second.chunks, 2);
    const speller = await statistics.speller(['hr']);
    assert.deepEqual(speller.corrections('le temps partiel sur autorisaton').map((correction) => correction.to), ['autorisation']);
    await store.close();
  });
});
