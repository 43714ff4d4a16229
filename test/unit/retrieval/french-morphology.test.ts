import assert from 'node:assert/strict';
import { analyse } from '../../../knowledge/analysis/french-analyser.ts';
import { Lexicon, singular } from '../../../knowledge/analysis/lexicon.ts';
import { stem } from '../../../knowledge/analysis/stemmer.ts';

const termsOf = (text: string) => analyse(text).terms;

describe('retrieval: French morphology on folded words (-ière)', () => {
  it('leaves -ée/-ées apart from -é/-és, as measured and decided (docs/retrieval.md)', () => {
    assert.notDeepEqual(termsOf('déclarée'), termsOf('déclaré'));
    assert.deepEqual(termsOf('déclarée'), termsOf('declaree'), 'accents typed or not, the same stem');
  });

  it('gives -ière(s) the stem of -ier(s) ("douanière" = "douanier", "particulières" = "particulier")', () => {
    assert.deepEqual(termsOf('douanière'), termsOf('douanier'));
    assert.deepEqual(termsOf('douanières'), termsOf('douaniers'));
    assert.deepEqual(termsOf('particulières'), termsOf('particulier'));
    assert.deepEqual(termsOf('première'), termsOf('premier'));
  });

  it('leaves words that do not end in -ière as Snowball stems them', () => {
    assert.equal(stem('douane'), 'douan');
    assert.equal(stem('saisie'), stem('saisies'));
    assert.equal(stem('marchandise'), 'marchandis');
    assert.equal(stem('frontiere'), stem('frontières'));
  });
});

describe('retrieval: lexicon matching without the plural mark', () => {
  it('matches an entry written in the singular with a plural query word, and the other way round', () => {
    const lexicon = Lexicon.fromYaml('entries:\n  - { from: cadeau, to: [gratification] }\n  - { from: héritiers, to: [succession] }');
    assert.deepEqual(lexicon.expansionsFor(['des', 'cadeaux']), ['gratification']);
    assert.deepEqual(lexicon.expansionsFor(['un', 'heritier']), ['succession']);
  });

  it('only drops a final -s or -x from words of four letters or more', () => {
    assert.equal(singular('cadeaux'), 'cadeau');
    assert.equal(singular('douanes'), 'douane');
    assert.equal(singular('pas'), 'pas');
    assert.equal(singular('10000'), '10000');
    assert.equal(singular('60bis'), '60bis');
  });
});

describe('retrieval: stemming families Snowball splits or merges on folded words', () => {
  it('gives verbs in -ionner their noun’s stem, and keeps "usager" apart from "usage"', () => {
    assert.equal(stem('demissionner'), stem('demission'));
    assert.equal(stem('demissionne'), stem('demission'));
    assert.equal(stem('sanctionnee'), stem('sanction'));
    assert.equal(stem('usagers'), stem('usager'));
    assert.notEqual(stem('usager'), stem('usage'));
    assert.notEqual(stem('conditionnel'), stem('condition'), 'an adjective in -ionnel is not the verb');
  });
});
