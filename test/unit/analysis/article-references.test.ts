import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { articleNumberLookupKeys, findArticleMentions, normaliseArticleNumber } from '../../../knowledge/analysis/article-references.ts';

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
      // Every step of the number is kept (the Code des douanes prints 67, 67 A … 67 F, 67 D-1 … 67 D-9, 67 ter A-D).
      ['67 A', '67a'],
      ['67 ter B', '67terb'],
      ['67 bis-1 A', '67bis-1a'],
      ['67 D-1', '67d-1'],
      ['65 A bis', '65abis'],
      ['59 undecies', '59undecies'],
      ['59 quaterdecies', '59quaterdecies'],
      ['158 duovicies', '158duovicies'],
      ['285 quinquies', '285quinquies'],
      ['322-00 bis', '322-00bis'],
      ['L135-6 A', 'l135-6a'],
      ['R*32 bis', 'r32bis'],
      ['article 67 B', '67b'],
    ];
    for (const [written, expected] of cases) {
      it(`"${written}" → "${expected}"`, () => assert.equal(normaliseArticleNumber(written), expected));
    }
  });

  it('is idempotent: a canonical number gives itself back', () => {
    for (const canonical of ['67a', '67terb', '67bis-1a', '67d-1', '65abis', '59quaterdecies', 'l621-1', '60bis']) assert.equal(normaliseArticleNumber(canonical), canonical);
  });

  it('looks an article up by its number, then by each shorter form (keys written by earlier releases)', () => {
    assert.deepEqual(articleNumberLookupKeys('67 ter B'), ['67terb', '67ter', '67']);
    assert.deepEqual(articleNumberLookupKeys('414'), ['414']);
  });

  describe('every article of the shared corpus keeps its own number', function () {
    const corpus = fileURLToPath(new URL('../../../../shared/corpus/', import.meta.url));
    before(function () {
      if (!existsSync(corpus)) this.skip();
    });
    for (const file of ['code_douanes.jsonl', 'code_douanes_legi_2019.jsonl', 'code_impositions_biens_services.jsonl', 'code_general_fonction_publique.jsonl', 'code_pensions_civiles_militaires.jsonl']) {
      it(`${file}: no two articles share a normalised number`, () => {
        const numbers = readFileSync(join(corpus, file), 'utf8').trim().split('\n').map((line) => (JSON.parse(line) as { num: string }).num);
        const keys = new Map<string, string>();
        for (const number of numbers) {
          const key = normaliseArticleNumber(number);
          assert.ok(!keys.has(key), `« ${number} » and « ${keys.get(key)} » both read as « ${key} »`);
          keys.set(key, number);
        }
      });
    }
  });

  describe('findArticleMentions', () => {
    it('keeps the letters and long suffixes of a number written after « article », not the verb « a »', () => {
      assert.deepEqual(findArticleMentions('Que dit l’article 67 A du code des douanes ?'), [{ number: '67a', code: 'Code des douanes' }]);
      assert.deepEqual(findArticleMentions('article 67 ter B, art. 67 D-1 et l’article 59 undecies'), [{ number: '67terb' }, { number: '67d-1' }, { number: '59undecies' }]);
      assert.deepEqual(findArticleMentions('l’article 67 bis-1 A'), [{ number: '67bis-1a' }]);
      assert.deepEqual(findArticleMentions('l’article 67 a été modifié'), [{ number: '67' }]);
      assert.deepEqual(findArticleMentions('articles 60 À 67 bis'), [{ number: '60' }]);
    });

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
