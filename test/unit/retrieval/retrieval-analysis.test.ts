import assert from 'node:assert/strict';
import { analyse } from '../../../knowledge/analysis/french-analyser.ts';
import { isFrenchWord } from '../../../knowledge/analysis/french-words.ts';
import { SparseEncoder, termId } from '../../../knowledge/analysis/sparse-encoder.ts';
import { Speller, withinOneEdit } from '../../../knowledge/analysis/speller.ts';
import { Reranker } from '../../../knowledge/reranker.ts';
import type { Chunk, SearchHit, SparseVector } from '../../../knowledge/types.ts';

function chunk(documentId: string, text: string, enrichment?: string): Chunk {
  return {
    id: `${documentId}#0`, kb: 'legal', documentId, source: 'code.jsonl', kind: 'article', title: `art. ${documentId}`,
    headingPath: ['Titre Ier'], text, classification: 'public', part: 0, parts: 1, contentHash: `hash-${documentId}`,
    ...(enrichment ? { enrichment: { text: enrichment, origin: 'team' as const, status: 'approved' as const } } : {}),
  };
}

function dot(query: SparseVector, document: SparseVector): number {
  const weights = new Map(document.indices.map((index, i) => [index, document.values[i] ?? 0]));
  return query.indices.reduce((sum, index, i) => sum + (query.values[i] ?? 0) * (weights.get(index) ?? 0), 0);
}

describe('retrieval: negation, enrichment field, spelling, definitions', () => {
  it('marks the term after a negation, across a few function words, so "sans déclaration" meets "pas de déclaration"', () => {
    assert.deepEqual(analyse('importation sans déclaration').negations, ['!declar']);
    assert.deepEqual(analyse("il n'y a pas de déclaration").negations, ['!declar']);
    assert.deepEqual(analyse('la déclaration en détail').negations, []);
    const encoder = new SparseEncoder(undefined);
    const negative = encoder.encodeDocument({ headings: '', body: 'Marchandises importées sans déclaration.' });
    const positive = encoder.encodeDocument({ headings: '', body: 'Marchandises importées avec déclaration.' });
    const query = encoder.encodeQuery('importé pas de déclaration');
    assert.ok(dot(query, negative) > dot(query, positive));
  });

  it('indexes the enrichment as a field of its own: agents’ words find the article, under their own term ids', () => {
    const encoder = new SparseEncoder(undefined);
    const enriched = encoder.encodeDocument({ headings: '', body: 'La visite des personnes exclut toute fouille intégrale.', enrichment: 'fouille à nu ; déshabiller' });
    const plain = encoder.encodeDocument({ headings: '', body: 'La visite des personnes exclut toute fouille intégrale.' });
    const query = encoder.encodeQuery('on peut déshabiller un voyageur ?');
    assert.equal(dot(query, plain), 0);
    assert.ok(dot(query, enriched) > 0);
    // The body's term and the enrichment's same word are distinct dimensions (own IDF, own length norm).
    assert.ok(enriched.indices.includes(termId('e:deshabill')));
    assert.ok(!plain.indices.includes(termId('e:deshabill')));
    const off = new SparseEncoder(undefined, { ...encoder.parameters, enrichmentWeight: 0 });
    assert.equal(dot(off.encodeQuery('on peut déshabiller un voyageur ?'), enriched), 0);
  });

  it('pairs the enrichment’s words within a line or a term, never across two questions or two terms', () => {
    const encoder = new SparseEncoder(undefined);
    const vector = encoder.encodeDocument({ headings: '', body: 'Texte.', enrichment: 'Durée de la retenue\nPeut-on fouiller le véhicule ?\nfouille ; véhicule de tourisme' });
    const has = (term: string) => vector.indices.includes(termId(`e:${term}`));
    assert.ok(has('fouill+vehicul'), 'a pair inside a question');
    assert.ok(has('vehicul+tourism'), 'a pair inside a term');
    assert.ok(!has('retenu+fouill') && !has('vehicul+fouill'), 'no pair across lines');
    const separated = encoder.encodeDocument({ headings: '', body: 'Texte.', enrichment: 'fouille ; véhicule' });
    assert.ok(!separated.indices.includes(termId('e:fouill+vehicul')), 'no pair across « ; »');
  });

  it('corrects typos and abbreviations against the bases’ own words, and leaves real French words alone', () => {
    const vocabulary = new Map<string, number>([
      ['difference', 40], ['salaire', 90], ['declaration', 400], ['declarations', 120], ['declarant', 60], ['decla', 0],
      ['valide', 50], ['remorque', 12],
    ]);
    vocabulary.delete('decla');
    const speller = new Speller(vocabulary, (term) => term === 'vol');
    const read = (text: string) => speller.corrections(text).map((correction) => `${correction.from}>${correction.to}:${correction.kind}`);
    assert.deepEqual(read('la diffrence de slaire'), ['diffrence>difference:typo', 'slaire>salaire:typo']);
    assert.deepEqual(read('sa décla est fausse'), ['decla>declaration:abbreviation']);
    assert.deepEqual(read('la remorqe du camion'), ['remorqe>remorque:typo']);
    assert.deepEqual(read('une valise volée'), [], 'valise is French, volée has a known stem: neither is a typo');
    assert.ok(withinOneEdit('remorqe', 'remorque') && withinOneEdit('slaire', 'salaire') && !withinOneEdit('valise', 'valeur'));
    assert.ok(isFrenchWord('valise') && isFrenchWord('douanier') && !isFrenchWord('diffrence'));
    // The deletion index is built at the first unknown word that is not French, not before (a replica's first answer).
    const lazy = new Speller(vocabulary, (term) => term === 'vol');
    assert.deepEqual(lazy.corrections('la declaration du salaire, une valise volée'), []);
    assert.equal(lazy.built, false);
    assert.deepEqual(lazy.corrections('la diffrence'), [{ from: 'diffrence', to: 'difference', kind: 'typo' }]);
    assert.equal(lazy.built, true);
  });

  it('raises the defining article when the question asks what something is, not otherwise', () => {
    const reranker = new Reranker(undefined, { coverageWeight: 0, proximityWeight: 0 });
    const candidates: SearchHit[] = [
      { chunk: chunk('USES', 'La contrebande est punie d’un emprisonnement et de la confiscation des moyens de transport.'), score: 10 },
      { chunk: chunk('DEFINES', 'On entend par contrebande les importations ou exportations en dehors des bureaux de douane.'), score: 9 },
    ];
    assert.deepEqual(reranker.rerank("c'est quoi la contrebande ?", candidates).map((hit) => hit.chunk.documentId), ['DEFINES', 'USES']);
    assert.deepEqual(reranker.rerank('la contrebande est punie de quoi ?', candidates).map((hit) => hit.chunk.documentId), ['USES', 'DEFINES']);
  });

  it('counts the enrichment’s words in a passage’s coverage, never in its text', () => {
    const reranker = new Reranker(undefined, { proximityWeight: 0, definitionWeight: 0 });
    const candidates: SearchHit[] = [
      { chunk: chunk('OTHER', 'Le voyageur présente ses bagages au service.'), score: 10 },
      { chunk: chunk('ENRICHED', 'La visite des personnes exclut toute fouille intégrale.', 'voyageur ; déshabiller ; fouille à nu'), score: 9 },
    ];
    assert.deepEqual(reranker.rerank('déshabiller un voyageur', candidates).map((hit) => hit.chunk.documentId), ['ENRICHED', 'OTHER']);
    assert.ok(!candidates[1]?.chunk.text.includes('déshabiller'));
  });
});
