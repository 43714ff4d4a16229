import assert from 'node:assert/strict';
import { findArticleMentions, normaliseArticleNumber } from '../../../knowledge/analysis/article-references.ts';

describe('analysis: article references', () => {
  describe('normaliseArticleNumber', () => {
    const cases: Array<[string, string]> = [
      ['60 bis', '60bis'],
      ['60bis', '60bis'],
      ['60 BIS', '60bis'],
      ['L. 621-1', 'l621-1'],
      ['L621-1', 'l621-1'],
      ['L 621-1', 'l621-1'],
      ['R*152-1', 'r152-1'],
      ['323-1', '323-1'],
      ['414', '414'],
      ['67 quater', '67quater'],
    ];
    for (const [written, expected] of cases) {
      it(`"${written}" → "${expected}"`, () => assert.equal(normaliseArticleNumber(written), expected));
    }
  });

  describe('findArticleMentions', () => {
    it('finds "article 414" without a code', () => {
      assert.deepEqual(findArticleMentions('Que prévoit l’article 414 ?'), [{ number: '414' }]);
    });

    it('finds "art. 60 bis du code des douanes" with its code', () => {
      assert.deepEqual(findArticleMentions('Que dit l’art. 60 bis du code des douanes ?'), [{ number: '60bis', code: 'Code des douanes' }]);
    });

    it('recognises codes by full name or acronym, whatever the case and accents', () => {
      assert.deepEqual(findArticleMentions("l'article L. 621-1 du Code général de la fonction publique"), [
        { number: 'l621-1', code: 'Code général de la fonction publique' },
      ]);
      assert.deepEqual(findArticleMentions('article L621-1 du CGFP'), [{ number: 'l621-1', code: 'Code général de la fonction publique' }]);
      assert.deepEqual(findArticleMentions('ARTICLE 302 du CIBS'), [{ number: '302', code: 'Code des impositions sur les biens et services' }]);
    });

    it('gives each mention the code written after it, not the code of a later mention', () => {
      assert.deepEqual(findArticleMentions("l'article L. 621-1 du CGFP et l'article 60 du code des douanes"), [
        { number: 'l621-1', code: 'Code général de la fonction publique' },
        { number: '60', code: 'Code des douanes' },
      ]);
      assert.deepEqual(findArticleMentions("l'article 414 et l'article L. 621-1 du CGFP"), [
        { number: '414' },
        { number: 'l621-1', code: 'Code général de la fonction publique' },
      ]);
    });

    it('takes the first number of a range and lists each article once', () => {
      assert.deepEqual(findArticleMentions('articles 60 à 67 bis ; voir aussi l’article 60'), [{ number: '60' }]);
    });

    it('finds several mentions in order', () => {
      assert.deepEqual(
        findArticleMentions('article 323-1 puis art 414'),
        [{ number: '323-1' }, { number: '414' }],
      );
    });

    it('finds nothing in a question that names no article', () => {
      assert.deepEqual(findArticleMentions('Combien de temps dure une retenue douanière ? 24 heures ?'), []);
      assert.deepEqual(findArticleMentions('les articles de sport'), []);
    });
  });
});
