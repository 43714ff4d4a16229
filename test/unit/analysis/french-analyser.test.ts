import assert from 'node:assert/strict';
import { analyse, PREFIX_LENGTH, surfaceTokens } from '../../../knowledge/analysis/french-analyser.ts';
import { stem } from '../../../knowledge/analysis/stemmer.ts';
import { STOP_WORDS } from '../../../knowledge/analysis/stop-words.ts';

describe('analysis: French analyser', () => {
  it('drops elided articles and pronouns (l\', d\', qu\', jusqu\')', () => {
    const { terms } = analyse("l'entrepôt d'une marchandise qu'il conserve jusqu'à l'importation");
    for (const elided of ['l', 'd', 'qu', 'jusqu']) assert.ok(!terms.includes(elided), `${elided} kept in ${terms.join(' ')}`);
    assert.deepEqual(terms, [stem('entrepot'), stem('marchandise'), stem('conserve'), stem('importation')]);
  });

  it('drops stop words, including the modal and question words of agents\' questions', () => {
    assert.deepEqual(analyse('Quelles sont les sanctions que peut-on prononcer ?').terms, [stem('sanctions'), stem('prononcer')]);
    assert.deepEqual(analyse('le la les de des du et ou que qui doit peut article').terms, []);
    for (const word of ['le', 'des', 'quelles', 'doit', 'peut', 'article']) assert.ok(STOP_WORDS.has(word), word);
  });

  it('gives singular and plural, accented or not, the same Snowball stem', () => {
    const one = analyse('déclarations').terms;
    assert.deepEqual(one, analyse('déclaration').terms);
    assert.deepEqual(one, analyse('DECLARATION').terms);
    assert.equal(one.length, 1);
    assert.equal(stem('douanieres'), stem('douaniere'));
  });

  it('keeps article references as whole terms, not stemmed', () => {
    assert.deepEqual(analyse("l'article 60 bis du code").terms, ['60bis', stem('code')]);
    assert.deepEqual(analyse('article L. 621-1').terms, ['l621-1']);
  });

  it('builds bigrams of adjacent content terms, skipping stop words in between', () => {
    const { terms, bigrams } = analyse('déclaration en détail');
    assert.deepEqual(terms, [stem('declaration'), stem('detail')]);
    assert.deepEqual(bigrams, [`${stem('declaration')}+${stem('detail')}`]);
    assert.deepEqual(analyse('douane').bigrams, []);
  });

  it(`adds a ~prefix of ${PREFIX_LENGTH} letters only for words longer than that`, () => {
    assert.deepEqual(analyse('injurier injure saisi').prefixes, ['~injur', '~injur']);
    assert.deepEqual(analyse('visite').prefixes, ['~visit']);
  });

  it('ignores single letters that are not references', () => {
    assert.deepEqual(analyse('x y z').terms, []);
  });

  it('surface tokens keep stop words in order, for phrase matching', () => {
    assert.deepEqual(surfaceTokens('Garde à vue du voyageur'), ['garde', 'a', 'vue', 'du', 'voyageur']);
  });
});
