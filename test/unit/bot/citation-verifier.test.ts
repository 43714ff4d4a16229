import assert from 'node:assert/strict';
import { verifyCitations } from '../../../knowledge/answering/citation-verifier.ts';
import { article, passage } from './passages.ts';

const PASSAGES = [
  article('60', 'Les agents des douanes peuvent procéder à la visite des marchandises et des moyens de transport.'),
  article('414', 'Sont passibles d’un emprisonnement de trois ans tout fait de contrebande, en application de l’article 38.'),
  article('323-1', 'Le placement en retenue douanière suppose un flagrant délit douanier.', { url: 'https://www.legifrance.gouv.fr/codes/article_lc/CD-323-1' }),
];

describe('citation verifier', () => {
  it('keeps an answer whose markers and articles are in the passages, with their citations', () => {
    const verified = verifyCitations('Selon l’article 60, les agents peuvent visiter les marchandises [1]. La contrebande est punie d’emprisonnement [2].', PASSAGES);
    assert.equal(verified.rejected, undefined);
    assert.equal(verified.altered, false);
    assert.equal(verified.text, 'Selon l’article 60, les agents peuvent visiter les marchandises [1]. La contrebande est punie d’emprisonnement [2].');
    assert.deepEqual(verified.citations.map((citation) => [citation.index, citation.id]), [[1, 'CD-60#0'], [2, 'CD-414#0']]);
  });

  it('accepts an article the passages mention in their text', () => {
    assert.equal(verifyCitations('L’article 38 s’applique [2].', PASSAGES).altered, false);
  });

  it('removes the sentence of an invented article, so that it is not left attributed to another passage', () => {
    const verified = verifyCitations('Selon l’article 999, les agents peuvent tout saisir [1]. Les agents des douanes peuvent visiter les marchandises [1].', PASSAGES);
    assert.equal(verified.altered, true);
    assert.equal(verified.text, 'Les agents des douanes peuvent visiter les marchandises [1].');
    assert.deepEqual(verified.citations.map((citation) => citation.id), ['CD-60#0']);
    assert.equal(verifyCitations('Selon l’article 999, les agents peuvent tout saisir [1].', PASSAGES).rejected, 'no-valid-citation');
  });

  it('removes an article named with another code than the passage’s', () => {
    const verified = verifyCitations('L’article 60 du code général de la fonction publique permet la visite des marchandises [1]. Les agents peuvent visiter les moyens de transport [1].', PASSAGES);
    assert.equal(verified.text, 'Les agents peuvent visiter les moyens de transport [1].');
    assert.equal(verified.altered, true);
  });

  it('removes a marker beyond the passages (and the claim resting on it alone), and renumbers the others in order of appearance', () => {
    const verified = verifyCitations('La retenue suppose un flagrant délit [3]. Les agents peuvent visiter [7]. Et ils visitent [1].', PASSAGES);
    assert.equal(verified.altered, true);
    assert.ok(!verified.text.includes('[7]'));
    assert.equal(verified.text, 'La retenue suppose un flagrant délit [1]. Et ils visitent [2].');
    assert.deepEqual(verified.citations.map((citation) => [citation.index, citation.id]), [[1, 'CD-323-1#0'], [2, 'CD-60#0']]);
  });

  it('removes links that are not the passages’ own', () => {
    const verified = verifyCitations('La retenue douanière suppose un flagrant délit, voir http://evil.example et https://www.legifrance.gouv.fr/codes/article_lc/CD-323-1 [3].', PASSAGES);
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

  describe('references in words', () => {
    const MORE = [
      ...PASSAGES,
      article('60 bis', 'Les personnes présumées dissimuler des stupéfiants dans leur organisme peuvent être soumises à des examens médicaux de dépistage.'),
      passage('CGFP-L621-1', 'Le fonctionnaire en activité a droit à un congé annuel avec traitement.', {
        kind: 'article', title: 'Code général de la fonction publique, art. L621-1', article: { code: 'Code général de la fonction publique', number: 'L621-1' },
      }),
    ];

    it('maps « l’article 414 du code des douanes » onto the passage of article 414 as its citation', () => {
      const verified = verifyCitations('L’article 414 du code des douanes punit la contrebande d’un emprisonnement de trois ans.', PASSAGES);
      assert.equal(verified.rejected, undefined, verified.text);
      assert.equal(verified.text, 'L’article 414 du code des douanes punit la contrebande d’un emprisonnement de trois ans [1].');
      assert.deepEqual(verified.citations.map((citation) => citation.id), ['CD-414#0']);
      assert.deepEqual(verified.namedIds, ['CD-414#0']);
    });

    it('maps « l’article L. 621-1 du code général de la fonction publique » and « art. 60 bis »', () => {
      const verified = verifyCitations(
        'Selon l’article L. 621-1 du code général de la fonction publique, le fonctionnaire en activité a droit à un congé annuel avec traitement. ' +
          'L’art. 60 bis permet des examens médicaux de dépistage des personnes présumées dissimuler des stupéfiants.',
        MORE,
      );
      assert.equal(verified.rejected, undefined, verified.text);
      assert.deepEqual(verified.citations.map((citation) => citation.id), ['CGFP-L621-1#0', 'CD-60bis#0'.replace('60bis', '60 bis')]);
      assert.match(verified.text, /avec traitement \[1\]\. L’art\. 60 bis .* stupéfiants \[2\]\.$/);
    });

    it('adds the named article to a sentence that cites another passage', () => {
      const verified = verifyCitations('L’article 414 punit la contrebande d’un emprisonnement de trois ans [1].', PASSAGES);
      assert.deepEqual(verified.citations.map((citation) => citation.id), ['CD-60#0', 'CD-414#0']);
    });

    it('names no passage for an article the passages only mention in their text', () => {
      assert.deepEqual(verifyCitations('L’article 38 s’applique à la contrebande [2].', PASSAGES).namedIds, []);
    });
  });

  describe('support of each sentence by its cited passage', () => {
    it('rejects an off-topic answer that carries a valid marker', () => {
      const verified = verifyCitations('Le fonctionnaire a droit à vingt-cinq jours de congés annuels [1].', PASSAGES);
      assert.equal(verified.rejected, 'unsupported');
      assert.equal(verified.unsupported, 1);
    });

    it('removes the unsupported sentence and keeps the supported one', () => {
      const verified = verifyCitations(
        'Les agents des douanes peuvent procéder à la visite des marchandises [1]. Ils peuvent aussi perquisitionner les domiciles la nuit sans autorisation du juge [1].',
        PASSAGES,
      );
      assert.equal(verified.text, 'Les agents des douanes peuvent procéder à la visite des marchandises [1].');
      assert.deepEqual([verified.altered, verified.unsupported], [true, 1]);
    });

    it('removes a sentence that negates what the passage says', () => {
      const verified = verifyCitations('La contrebande n’est pas punie d’emprisonnement [2]. Les agents peuvent visiter les marchandises [1].', PASSAGES);
      assert.equal(verified.text, 'Les agents peuvent visiter les marchandises [1].');
    });

    it('removes a sentence whose number the passage does not hold', () => {
      const verified = verifyCitations('La contrebande est passible de dix ans d’emprisonnement [2]. La contrebande est passible de trois ans d’emprisonnement [2].', PASSAGES);
      assert.equal(verified.text, 'La contrebande est passible de trois ans d’emprisonnement [1].');
    });

    it('judges an unmarked sentence that asserts something against the passages, and keeps connectives', () => {
      const verified = verifyCitations('Voici ce que prévoit le code :\n- Les agents peuvent visiter les marchandises [1].\n- Le télétravail est limité à trois jours par semaine.', PASSAGES);
      assert.equal(verified.text, 'Voici ce que prévoit le code :\n- Les agents peuvent visiter les marchandises [1].');
    });

    it('reads the model’s paraphrase through the trade’s lexicon', () => {
      assert.equal(verifyCitations('Les agents peuvent fouiller les marchandises et les moyens de transport [1].', PASSAGES, { supportThreshold: 0.99 }).rejected, undefined);
    });

    it('takes nothing from the question: a sentence restating its premise needs the passage', () => {
      assert.equal(verifyCitations('Oui, les agents peuvent fouiller un navire la nuit sans autorisation [1].', PASSAGES).rejected, 'unsupported');
    });

    it('does not judge the last, incomplete sentence of a partial answer', () => {
      assert.equal(verifyCitations('Les agents peuvent visiter les marchandises [1]. Le fonctionnaire a droit', PASSAGES, { partial: true }).text, 'Les agents peuvent visiter les marchandises [1]. Le fonctionnaire a droit');
    });
  });
});
