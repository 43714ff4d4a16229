import assert from 'node:assert/strict';
import { findChangeQuestion } from '../../../knowledge/versions/change-question.ts';

describe('questions about what changed in an article', () => {
  it('reads the article and the dates of "depuis" and "entre … et …"', () => {
    assert.deepEqual(findChangeQuestion("qu'est-ce qui a changé à l'article 414 depuis 2019 ?"), { number: '414', from: '2019-07-01' });
    assert.deepEqual(findChangeQuestion('Qu’est-ce qui a changé à l’article 414 depuis le 1er juillet 2019 ?'), { number: '414', from: '2019-07-01' });
    assert.deepEqual(findChangeQuestion("quelles modifications de l'article 60 entre 2019 et 2024 ?"), { number: '60', from: '2019-07-01', to: '2024-07-01' });
    assert.deepEqual(findChangeQuestion("l'article L. 621-1 du CGFP a-t-il été modifié ?"), { number: 'l621-1', code: 'Code général de la fonction publique' });
  });

  it('leaves other questions alone: no article named, or no change asked', () => {
    assert.equal(findChangeQuestion("que dit l'article 414 ?"), undefined);
    assert.equal(findChangeQuestion('quels changements depuis 2019 ?'), undefined);
    assert.equal(findChangeQuestion('la personne a changé de domicile, article 414'), undefined);
  });
});
