import assert from 'node:assert/strict';
import { Lexicon } from '../../../knowledge/analysis/lexicon.ts';
import { SparseEncoder } from '../../../knowledge/analysis/sparse-encoder.ts';
import { KnowledgeCatalog } from '../../../knowledge/catalog.ts';
import type { HybridQuery, VectorStore } from '../../../knowledge/ports/vector-store.ts';
import { DEFAULT_RERANKER_SETTINGS, Reranker } from '../../../knowledge/reranker.ts';
import { Retriever } from '../../../knowledge/retriever.ts';
import { KnowledgeBaseSchema } from '../../../config/schema.ts';
import type { Chunk, SearchHit } from '../../../knowledge/types.ts';

function chunk(documentId: string, text: string, headingPath: string[] = ['Titre XII : Contentieux']): Chunk {
  return {
    id: `${documentId}#0`, kb: 'legal', documentId, source: 'code.jsonl', kind: 'article', title: `Code des douanes, art. ${documentId}`,
    headingPath, text, classification: 'public', part: 0, parts: 1, contentHash: `hash-${documentId}`,
  };
}

const lexicon = Lexicon.fromYaml('entries:\n  - { from: cadeau, to: [gratification] }');
const ids = (hits: Array<{ chunk: Chunk }>) => hits.map((hit) => hit.chunk.documentId);

describe('retrieval: re-ranker (store-agnostic)', () => {
  const reranker = new Reranker(lexicon);

  it('turns a question into concepts: one per content word, stop words out, lexicon synonyms attached', () => {
    const concepts = reranker.concepts('Un agent peut-il accepter un cadeau, un cadeau ?');
    assert.deepEqual(concepts.map((concept) => concept.term), ['agent', 'accept', 'cadeau']);
    assert.deepEqual([...(concepts[2]?.synonyms ?? [])], ['gratif']);
    assert.equal(concepts[1]?.prefix, '~accep');
  });

  it('puts first the passage that holds every concept, side by side, over one that repeats a single word', () => {
    const candidates: SearchHit[] = [
      { chunk: chunk('REPEAT', 'Le délai de recours court. Le délai est de deux mois ; le délai est prorogé. Le délai ne court pas le dimanche.'), score: 10 },
      { chunk: chunk('ALL', 'Le recours contre la décision de retenue est formé dans un délai de quinze jours.'), score: 8 },
    ];
    const reranked = reranker.rerank('Dans quel délai former un recours contre une retenue ?', candidates);
    assert.deepEqual(ids(reranked), ['ALL', 'REPEAT']);
  });

  it('credits synonyms from the lexicon and word prefixes, less than the words typed', () => {
    const candidates: SearchHit[] = [
      { chunk: chunk('OTHER', 'Les agents des douanes acceptent les déclarations déposées.'), score: 10 },
      { chunk: chunk('SYNONYM', 'Il est interdit aux agents des douanes de recevoir quelque gratification.'), score: 9 },
    ];
    assert.deepEqual(ids(reranker.rerank('Un agent peut-il recevoir un cadeau ?', candidates)), ['SYNONYM', 'OTHER']);
  });

  it('keeps scores on the store scale, sorted, raised by at most 1 + coverageWeight + proximityWeight', () => {
    const candidates: SearchHit[] = [
      { chunk: chunk('A', 'La saisie des marchandises est constatée par procès-verbal.'), score: 4 },
      { chunk: chunk('B', 'Les marchandises sont déposées au bureau.'), score: 3 },
      { chunk: chunk('C', 'Texte sans rapport.'), score: 1 },
    ];
    const reranked = reranker.rerank('procès-verbal de saisie des marchandises', candidates);
    const { coverageWeight, proximityWeight } = DEFAULT_RERANKER_SETTINGS;
    reranked.forEach((hit, index) => {
      const original = candidates.find((candidate) => candidate.chunk.id === hit.chunk.id) as SearchHit;
      assert.ok(hit.score >= original.score && hit.score <= original.score * (1 + coverageWeight + proximityWeight) + 1e-9);
      if (index > 0) assert.ok((reranked[index - 1] as SearchHit).score >= hit.score);
    });
    assert.equal(reranked[0]?.chunk.documentId, 'A');
  });

  it('re-ranks only the first `depth` candidates; the others follow in the store order, unchanged', () => {
    const shallow = new Reranker(lexicon, { depth: 2 });
    const candidates: SearchHit[] = [
      { chunk: chunk('X', 'délai'), score: 3 },
      { chunk: chunk('Y', 'recours'), score: 2.9 },
      { chunk: chunk('Z', 'délai de recours contre la retenue'), score: 1 },
    ];
    const reranked = shallow.rerank('délai de recours contre la retenue', candidates);
    assert.equal(reranked[2], candidates[2]);
  });

  it('leaves the order alone when there is nothing to compare (one candidate, no content word, no score)', () => {
    const one: SearchHit[] = [{ chunk: chunk('A', 'texte'), score: 1 }];
    assert.equal(reranker.rerank('texte', one), one);
    const two: SearchHit[] = [{ chunk: chunk('A', 'texte'), score: 1 }, { chunk: chunk('B', 'autre texte'), score: 0.5 }];
    assert.equal(reranker.rerank('le la les ?', two), two);
    const zero: SearchHit[] = [{ chunk: chunk('A', 'texte'), score: 0 }, { chunk: chunk('B', 'texte'), score: 0 }];
    assert.equal(reranker.rerank('texte', zero), zero);
  });

  it('reads a body that opens by saying what its subject is as a definition, for « c’est quoi » questions only', () => {
    const candidates: SearchHit[] = [
      { chunk: chunk('USES', 'Le fonctionnaire en détachement est soumis aux règles régissant la fonction qu’il exerce par l’effet de son détachement.'), score: 5 },
      { chunk: chunk('DEFINES', 'Le détachement est la position du fonctionnaire placé hors de son corps d’origine mais continuant à bénéficier de ses droits.'), score: 5 },
    ];
    assert.deepEqual(ids(reranker.rerank('c’est quoi un détachement ?', candidates)), ['DEFINES', 'USES']);
    assert.deepEqual(ids(new Reranker(lexicon, { definitionWeight: 0 }).rerank('c’est quoi un détachement ?', candidates)), ['USES', 'DEFINES']);
  });

  it('puts a body that only refers to other provisions after one that answers, by `referralFactor`', () => {
    const candidates: SearchHit[] = [
      { chunk: chunk('REFERRAL', 'Les règles relatives à la taxe sur le permis de conduire des bateaux de plaisance sont déterminées par les dispositions du livre Ier et par celles de la présente section.'), score: 10 },
      { chunk: chunk('RULE', 'Le montant de la taxe sur le permis de conduire des bateaux de plaisance est fixé à 70 euros pour la délivrance du permis.'), score: 8 },
    ];
    const question = 'taxe permis bateau combien ?';
    assert.deepEqual(ids(reranker.rerank(question, candidates)), ['RULE', 'REFERRAL']);
    assert.deepEqual(ids(new Reranker(lexicon, { referralFactor: 1 }).rerank(question, candidates)), ['REFERRAL', 'RULE']);
    // A rule fixed by decree is a rule of its own, not a pointer to the code's other provisions.
    const decree: SearchHit[] = [{ ...candidates[0]!, chunk: chunk('DECREE', 'Les modalités d’exercice du travail à temps partiel sont fixées par décret en Conseil d’État.') }, candidates[1]!];
    const reranked = reranker.rerank('temps partiel modalités', decree);
    assert.equal(reranked.find((hit) => hit.chunk.documentId === 'DECREE')!.score >= 10, true);
  });

  it('counts article references in the body positions (proximity stays aligned after "article 414")', () => {
    const candidates: SearchHit[] = [
      { chunk: chunk('FAR', 'Retenue prévue à l’article 323-1. ' + 'mot '.repeat(20) + 'durée'), score: 5 },
      { chunk: chunk('NEAR', 'Selon l’article 323-1, la durée de la retenue est de vingt-quatre heures.'), score: 5 },
    ];
    assert.deepEqual(ids(reranker.rerank('durée de la retenue', candidates)), ['NEAR', 'FAR']);
  });
});

describe('retrieval: Retriever re-ranks what any store returns', () => {
  const hits: SearchHit[] = [
    { chunk: chunk('REPEAT', 'Le délai de recours court. Le délai est de deux mois ; le délai est prorogé.'), score: 10 },
    { chunk: chunk('ALL', 'Le recours contre la décision de retenue est formé dans un délai de quinze jours.'), score: 8 },
  ];
  const named = chunk('414', 'Article nommé.');
  const store = {
    name: 'stub',
    async search(query: HybridQuery) {
      return hits.slice(0, query.limit);
    },
    async findArticle() {
      return [named];
    },
  } as unknown as VectorStore;
  const catalog = new KnowledgeCatalog([KnowledgeBaseSchema.parse({ id: 'legal', name: 'Code', description: 'Code des douanes' })]);
  const retriever = (rerank?: false) =>
    new Retriever(store, new SparseEncoder(lexicon), catalog, undefined, { maxQueryLength: 4000, candidates: 60, embedderCeiling: 'public', ...(rerank === false ? { rerank } : {}) });
  const question = 'Dans quel délai former un recours contre une retenue ?';

  it('re-ranks by default, and keeps the store order with `rerank: false`', async () => {
    const on = await retriever().retrieve({ question, kb: 'legal', maxClassification: 'public' });
    assert.deepEqual(on.passages.map((passage) => passage.chunk.documentId), ['ALL', 'REPEAT']);
    const off = await retriever(false).retrieve({ question, kb: 'legal', maxClassification: 'public' });
    assert.deepEqual(off.passages.map((passage) => passage.chunk.documentId), ['REPEAT', 'ALL']);
  });

  it('still puts an article the question names first', async () => {
    const result = await retriever().retrieve({ question: `${question} (article 414)`, kb: 'legal', maxClassification: 'public' });
    assert.deepEqual(result.passages.map((passage) => passage.chunk.documentId), ['414', 'ALL', 'REPEAT']);
    assert.equal(result.passages[0]?.namedInQuestion, true);
  });
});
