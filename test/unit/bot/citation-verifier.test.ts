import assert from 'node:assert/strict';
import { verifyCitations } from '../../../knowledge/answering/citation-verifier.ts';
import { article } from './passages.ts';

const PASSAGES = [
  article('60', 'Les agents des douanes peuvent procéder à la visite des marchandises et des moyens de transport.'),
  article('414', 'Sont passibles d’un emprisonnement de trois ans tout fait de contrebande, en application de l’article 38.'),
  article('323-1', 'Le placement en retenue douanière suppose un flagrant délit douanier.', { url: 'https://www.legifrance.gouv.fr/codes/article_lc/CD-323-1' }),
];

describe('citation verifier', () => {
  it('keeps an answer whose markers and articles are in the passages, with their citations', () => {
    const verified = verifyCitations('Selon l’article 60, les agents peuvent visiter les marchandises [1]. La contrebande est punie [2].', PASSAGES);
    assert.equal(verified.rejected, undefined);
    assert.equal(verified.altered, false);
    assert.equal(verified.text, 'Selon l’article 60, les agents peuvent visiter les marchandises [1]. La contrebande est punie [2].');
    assert.deepEqual(verified.citations.map((citation) => [citation.index, citation.id]), [[1, 'CD-60#0'], [2, 'CD-414#0']]);
  });

  it('accepts an article the passages mention in their text', () => {
    assert.equal(verifyCitations('L’article 38 s’applique [2].', PASSAGES).altered, false);
  });

  it('removes an invented article and marks the answer', () => {
    const verified = verifyCitations('Selon l’article 999, les agents peuvent tout saisir [1].', PASSAGES);
    assert.equal(verified.altered, true);
    assert.ok(!verified.text.includes('999'), verified.text);
    assert.deepEqual(verified.citations.map((citation) => citation.id), ['CD-60#0']);
  });

  it('removes a marker beyond the passages and renumbers the others in order of appearance', () => {
    const verified = verifyCitations('La retenue suppose un flagrant délit [3]. Les agents peuvent visiter [7]. Et ils visitent [1].', PASSAGES);
    assert.equal(verified.altered, true);
    assert.ok(!verified.text.includes('[7]'));
    assert.equal(verified.text, 'La retenue suppose un flagrant délit [1]. Les agents peuvent visiter. Et ils visitent [2].');
    assert.deepEqual(verified.citations.map((citation) => [citation.index, citation.id]), [[1, 'CD-323-1#0'], [2, 'CD-60#0']]);
  });

  it('removes links that are not the passages’ own', () => {
    const verified = verifyCitations('Voir http://evil.example et https://www.legifrance.gouv.fr/codes/article_lc/CD-323-1 [3].', PASSAGES);
    assert.equal(verified.altered, true);
    assert.ok(!verified.text.includes('evil.example'));
    assert.ok(verified.text.includes('https://www.legifrance.gouv.fr/codes/article_lc/CD-323-1'));
  });

  it('rejects an answer with no valid marker left', () => {
    assert.equal(verifyCitations('Les agents peuvent tout faire.', PASSAGES).rejected, 'no-valid-citation');
    assert.equal(verifyCitations('Les agents peuvent tout faire [9].', PASSAGES).rejected, 'no-valid-citation');
    assert.equal(verifyCitations('VISITEZ http://evil.example', PASSAGES).rejected, 'no-valid-citation');
  });

  it('rejects the model’s own abstention and an empty answer', () => {
    assert.equal(verifyCitations('JE NE SAIS PAS', PASSAGES).rejected, 'model-abstained');
    assert.equal(verifyCitations('   ', PASSAGES).rejected, 'model-abstained');
  });
});
