import assert from 'node:assert/strict';
import sinon from 'sinon';
import { SparseEncoder } from '../../../knowledge/analysis/sparse-encoder.ts';
import { CorpusStatistics, styleFeatures, type BaseStatistics } from '../../../knowledge/corpus-statistics.ts';
import { languageModelScores, styleScores } from '../../../knowledge/router.ts';
import { SqliteVectorStore } from '../../../knowledge/stores/embedded/sqlite-vector-store.ts';
import type { Chunk } from '../../../knowledge/types.ts';

const model = (counts: Record<string, number>): BaseStatistics => {
  const terms = new Map(Object.entries(counts));
  return { terms, total: [...terms.values()].reduce((sum, count) => sum + count, 0), words: new Map(), style: new Map(), styleTotal: 0, chunks: 1 };
};

/** A base whose only statistics are the style of these typical questions. */
const styled = (questions: string[]): BaseStatistics => {
  const style = new Map<string, number>();
  for (const feature of questions.flatMap(styleFeatures)) style.set(feature, (style.get(feature) ?? 0) + 1);
  return { ...model({}), style, styleTotal: [...style.values()].reduce((sum, count) => sum + count, 0) };
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

  it('reads the wording of a question, function words and pronouns included, as word prefixes and pairs', () => {
    assert.deepEqual(styleFeatures('Mon chef m’ordonne, article 414 ?'), ['mon', 'chef', 'm', 'ordonn', 'articl', 'mon_chef', 'chef_m', 'm_ordonn', 'ordonn_articl']);
    assert.deepEqual(styleFeatures('   '), []);
  });

  it('scores the base whose typical questions are asked that way highest, whatever the subject words', () => {
    const legal = styled(['On peut fouiller le camion du transporteur ?', 'Le voyageur refuse la fouille, on fait quoi ?', 'Le transitaire peut-il corriger sa déclaration ?']);
    const hr = styled(['Mon chef me demande de partir, je suis obligé ?', 'Je suis en congé, mon chef peut me rappeler ?', 'Ai-je droit à mon traitement si je suis malade ?']);
    const vocabulary = new Set([...legal.style.keys(), ...hr.style.keys()]).size;
    const [forLegal, forHr] = styleScores(styleFeatures('mon chef me demande de laisser passer un camion, je suis obligé ?'), [legal, hr], vocabulary, 0.5);
    assert.equal(forHr, 1);
    assert.ok((forLegal as number) < 0.5, String(forLegal));
    const [legalAgain, hrAgain] = styleScores(styleFeatures('on peut fouiller le voyageur ?'), [legal, hr], vocabulary, 0.5);
    assert.ok((legalAgain as number) > (hrAgain as number));
  });

  it('leaves a base without typical questions neutral (the others’ mean) and says nothing when no feature is known', () => {
    const legal = styled(['On peut fouiller le camion ?']);
    const hr = styled(['Mon chef peut refuser mon congé ?']);
    const procedures = model({ proced: 4 });
    const vocabulary = new Set([...legal.style.keys(), ...hr.style.keys()]).size;
    const [forLegal, forHr, forProcedures] = styleScores(styleFeatures('mon chef peut refuser ?'), [legal, hr, procedures], vocabulary, 0.5) as [number, number, number];
    assert.equal(forHr, 1);
    assert.ok(Math.abs(forProcedures - (forLegal + forHr) / 2) < 1e-9);
    assert.deepEqual(styleScores(styleFeatures('xyzzy plugh'), [legal, hr], vocabulary, 0.5), [0, 0]);
    assert.deepEqual(styleScores(styleFeatures('mon chef'), [legal, procedures], vocabulary, 0.5), [0, 0], 'one modelled base: nothing to compare');
  });

  it('builds the style model from the enrichment’s question lines only, once per document, and keeps it in the stored statistics', async () => {
    const store = new SqliteVectorStore(':memory:');
    const encoder = new SparseEncoder(undefined);
    const enrichment = 'Droit de grève des agents publics\nJe peux faire grève ?\ngrève, préavis';
    const second = { ...chunk('hr', 'L114-1', 'suite du texte', enrichment), id: 'L114-1#1', part: 1, parts: 2 };
    const first = { ...chunk('hr', 'L114-1', 'Les fonctionnaires exercent le droit de grève.', enrichment), parts: 2 };
    await store.upsert('hr', [first, second].map((entry) => ({ chunk: entry, sparse: encoder.encodeDocument({ headings: '', body: entry.text }) })), []);
    const statistics = await new CorpusStatistics(store).of('hr');
    assert.deepEqual([...statistics.style.keys()].sort(), ['faire', 'faire_greve', 'greve', 'je', 'je_peux', 'peux', 'peux_faire'].sort());
    assert.equal(statistics.styleTotal, 7);
    assert.equal(statistics.style.get('je'), 1, 'the second passage of the same document adds nothing');
    // A second process reads the stored statistics, style included, without listing the chunks again.
    const stored = await store.readDerived('hr', 'corpus-statistics:2:3:1');
    assert.deepEqual((JSON.parse(stored.data ?? '{}') as { style?: unknown }).style, [...statistics.style]);
    const listChunks = sinon.spy(store, 'listChunks');
    const again = await new CorpusStatistics(store).of('hr');
    assert.equal(listChunks.callCount, 0);
    assert.deepEqual([...again.style], [...statistics.style]);
    assert.equal(again.styleTotal, 7);
    await store.close();
  });
});
