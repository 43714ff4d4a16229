import assert from 'node:assert/strict';
import { Lexicon } from '../../../knowledge/analysis/lexicon.ts';
import { DEFAULT_LEXICAL_PARAMETERS, SparseEncoder, termId } from '../../../knowledge/analysis/sparse-encoder.ts';
import { stem } from '../../../knowledge/analysis/stemmer.ts';
import type { SparseVector } from '../../../knowledge/types.ts';

const weightOf = (vector: SparseVector, term: string): number => {
  const at = vector.indices.indexOf(termId(term));
  return at < 0 ? 0 : (vector.values[at] as number);
};

describe('retrieval: lexicon expansions in queries', () => {
  const lexicon = Lexicon.fromYaml(`entries:
  - { from: procureur, to: [procureur de la République, ministère public] }
  - { from: la douane, to: [administration des douanes, administration] }
  - { from: arrêt maladie, to: [congé de maladie] }`);
  const encoder = new SparseEncoder(lexicon);
  const { synonymWeight, bigramWeight } = DEFAULT_LEXICAL_PARAMETERS;

  it('reports the span each expansion stands for, and whether it only refines it', () => {
    const found = lexicon.expansionsIn('Faut-il prévenir le procureur ?');
    assert.deepEqual(found.map(({ phrase, refines, start, end }) => ({ phrase, refines, start, end })), [
      { phrase: 'procureur de la République', refines: true, start: 4, end: 5 },
      { phrase: 'ministère public', refines: false, start: 4, end: 5 },
    ]);
  });

  it('adds only the word pairs of a phrase that refines the words typed, not its other words alone', () => {
    const query = encoder.encodeQuery('prévenir le procureur');
    assert.equal(weightOf(query, stem('republique')), 0, '"République" alone would match any mention of the Republic');
    assert.equal(weightOf(query, `${stem('procureur')}+${stem('republique')}`), synonymWeight * bigramWeight);
    assert.equal(weightOf(query, stem('ministere')), synonymWeight);
  });

  it('adds every word of a phrase that brings other words ("arrêt maladie" → "congé de maladie")', () => {
    const query = encoder.encodeQuery('arrêt maladie');
    assert.equal(weightOf(query, stem('conge')), synonymWeight);
    assert.equal(weightOf(query, stem('maladie')), 1);
  });

  it('keeps a separate entry for what the refining phrase would have added ("la douane" → "administration")', () => {
    assert.equal(weightOf(encoder.encodeQuery('que peut faire la douane'), stem('administration')), synonymWeight);
  });
});

describe('retrieval: heading weights in documents', () => {
  const encoder = new SparseEncoder(undefined);
  const body = 'Les agents rédigent un procès-verbal.';

  it('weighs a word of the deepest heading more than the same word in a heading above it', () => {
    const deepest = encoder.encodeDocument({ headings: 'Titre XII : Contentieux\nParagraphe 3 : Concours d\'infractions', body });
    const upper = encoder.encodeDocument({ headings: 'Paragraphe 3 : Concours d\'infractions\nTitre XII : Contentieux', body });
    assert.ok(weightOf(deepest, stem('concours')) > weightOf(upper, stem('concours')));
    assert.ok(weightOf(deepest, stem('contentieux')) < weightOf(upper, stem('contentieux')));
  });

  it('counts the deepest heading `headingWeight × deepestHeadingFactor` times', () => {
    const plain = new SparseEncoder(undefined, { ...DEFAULT_LEXICAL_PARAMETERS, deepestHeadingFactor: 1 });
    const fields = { headings: 'Titre I\nSaisie', body: 'texte' };
    assert.ok(weightOf(encoder.encodeDocument(fields), stem('saisie')) > weightOf(plain.encodeDocument(fields), stem('saisie')));
  });

  it('makes no word pair across two heading lines', () => {
    const vector = encoder.encodeDocument({ headings: 'Titre douane\nSaisie', body: 'texte' });
    assert.equal(weightOf(vector, `${stem('douane')}+${stem('saisie')}`), 0);
  });
});
