import assert from 'node:assert/strict';
import { loadDefaultLexicon } from '../../../knowledge/analysis/lexicon.ts';
import { DEFAULT_LEXICAL_PARAMETERS, SparseEncoder, termId } from '../../../knowledge/analysis/sparse-encoder.ts';
import { stem } from '../../../knowledge/analysis/stemmer.ts';
import type { SparseVector } from '../../../knowledge/types.ts';

const weightOf = (vector: SparseVector, term: string): number => {
  const at = vector.indices.indexOf(termId(term));
  return at < 0 ? 0 : (vector.values[at] as number);
};

describe('analysis: sparse encoder', () => {
  const encoder = new SparseEncoder(loadDefaultLexicon());

  it('hashes terms to stable 32-bit ids', () => {
    assert.equal(termId('douane'), termId('douane'));
    assert.notEqual(termId('douane'), termId('douanes'));
    for (const term of ['a', 'declar', '60bis', 'x+y']) {
      const id = termId(term);
      assert.ok(Number.isInteger(id) && id >= 0 && id <= 0xffffffff, `${term} → ${id}`);
    }
  });

  it('is deterministic, with sorted indices aligned with positive values', () => {
    const fields = { headings: 'Retenue douanière', body: 'Le procureur de la République est informé dès le début de la retenue.' };
    const first = encoder.encodeDocument(fields);
    assert.deepEqual(encoder.encodeDocument(fields), first);
    assert.deepEqual([...first.indices].sort((x, y) => x - y), first.indices);
    assert.equal(new Set(first.indices).size, first.indices.length);
    assert.equal(first.values.length, first.indices.length);
    assert.ok(first.values.every((value) => value > 0));
    assert.deepEqual(encoder.encodeQuery('retenue douanière'), encoder.encodeQuery('retenue douanière'));
  });

  it('weighs a term found in a heading more than the same term in the body only', () => {
    const body = 'Les agents procèdent à la saisie des marchandises et rédigent un procès-verbal.';
    const withHeading = encoder.encodeDocument({ headings: 'Saisie', body });
    const withoutHeading = encoder.encodeDocument({ headings: 'Généralités', body });
    assert.ok(weightOf(withHeading, stem('saisie')) > weightOf(withoutHeading, stem('saisie')));
    const plain = new SparseEncoder(undefined, { ...DEFAULT_LEXICAL_PARAMETERS, headingWeight: 1 });
    assert.ok(weightOf(withHeading, stem('saisie')) > weightOf(plain.encodeDocument({ headings: 'Saisie', body }), stem('saisie')));
  });

  it('saturates repeated body terms (BM25): more occurrences, more weight, below k1 + 1', () => {
    const once = weightOf(encoder.encodeDocument({ headings: '', body: 'amende' }), stem('amende'));
    const thrice = weightOf(encoder.encodeDocument({ headings: '', body: 'amende amende amende' }), stem('amende'));
    assert.ok(once > 0 && thrice > once && thrice < DEFAULT_LEXICAL_PARAMETERS.k1 + 1);
  });

  it('gives typed query terms weight 1, bigrams and prefixes their lower weights', () => {
    const query = encoder.encodeQuery('déclaration détaillée');
    assert.equal(weightOf(query, stem('declaration')), 1);
    assert.equal(weightOf(query, `${stem('declaration')}+${stem('detaillee')}`), DEFAULT_LEXICAL_PARAMETERS.bigramWeight);
    assert.equal(weightOf(query, '~decla'), DEFAULT_LEXICAL_PARAMETERS.prefixWeight);
  });

  it('adds lexicon synonyms with a lower weight than the words typed', () => {
    const query = encoder.encodeQuery('garde à vue');
    const typed = weightOf(query, stem('garde'));
    const synonym = weightOf(query, stem('retenue'));
    assert.equal(typed, 1);
    assert.ok(synonym > 0, 'the synonym "retenue douanière" is in the query');
    assert.ok(synonym < typed);
    assert.equal(synonym, DEFAULT_LEXICAL_PARAMETERS.synonymWeight);
    assert.equal(weightOf(new SparseEncoder(undefined).encodeQuery('garde à vue'), stem('retenue')), 0);
  });

  it('keeps a typed term at full weight when a synonym repeats it', () => {
    const query = encoder.encodeQuery('fouille lors de la visite');
    assert.equal(weightOf(query, stem('visite')), 1);
  });

  it('encodes empty or stop-word-only text as an empty vector', () => {
    assert.deepEqual(encoder.encodeQuery(''), { indices: [], values: [] });
    assert.deepEqual(encoder.encodeQuery('le la les de ?'), { indices: [], values: [] });
    assert.deepEqual(encoder.encodeDocument({ headings: '', body: '' }), { indices: [], values: [] });
  });

  it('encodes article references as their own terms', () => {
    assert.equal(weightOf(encoder.encodeQuery('art. 60 bis'), '60bis'), 1);
  });
});
