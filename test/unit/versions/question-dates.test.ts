import assert from 'node:assert/strict';
import { dayBefore, findQuestionDate, isIsoDay, withoutDatePhrase } from '../../../knowledge/versions/question-dates.ts';

describe('dates named in a question', () => {
  const dateOf = (question: string) => findQuestionDate(question)?.date;

  it('reads a day in words or digits, "1er" included', () => {
    assert.equal(dateOf("Que disait l'article 414 au 1er juillet 2019 ?"), '2019-07-01');
    assert.equal(dateOf('le texte en vigueur le 3 mars 2020'), '2020-03-03');
    assert.equal(dateOf('au 01/07/2019'), '2019-07-01');
    assert.equal(dateOf('au 2019-07-01'), '2019-07-01');
    assert.equal(dateOf('Quelle amende au 1ER FÉVRIER 2021 ?'), '2021-02-01');
  });

  it('reads a year or a month as a day inside it, and "avant" as the day before', () => {
    assert.equal(dateOf('les sanctions de la contrebande en 2019'), '2019-07-01');
    assert.equal(dateOf('en juillet 2019, article 60'), '2019-07-15');
    assert.equal(dateOf('avant le 1er janvier 2020, quelle amende ?'), '2019-12-31');
    assert.equal(dateOf('avant 2020'), '2019-12-31');
  });

  it('reads "avant la réforme" without a date, and leaves "depuis 2019" to the comparison of versions', () => {
    assert.deepEqual(findQuestionDate("l'article 414 avant la réforme"), { kind: 'before-reform', phrase: 'avant la reforme' });
    assert.equal(findQuestionDate("qu'est-ce qui a changé à l'article 414 depuis 2019 ?"), undefined);
  });

  it('ignores impossible days, article numbers and law numbers', () => {
    assert.equal(findQuestionDate('le 31/02/2019 article 2'), undefined);
    assert.equal(findQuestionDate("l'article 2019 du code"), undefined);
    assert.equal(findQuestionDate('la loi n° 2019-486 du code'), undefined);
  });

  it('takes the date words out of the question searched, keeping the rest as written', () => {
    const question = "Que disait l'article 414 au 1er juillet 2019 ?";
    assert.equal(withoutDatePhrase(question, findQuestionDate(question)!), "Que disait l'article 414 ?");
    assert.equal(withoutDatePhrase('en 2019', findQuestionDate('en 2019')!), 'en 2019', 'nothing else left: the question stays');
  });

  it('checks ISO days and steps back one day across months and years', () => {
    assert.equal(isIsoDay('2024-02-29'), true);
    assert.equal(isIsoDay('2023-02-29'), false);
    assert.equal(isIsoDay('2019-7-1'), false);
    assert.equal(dayBefore('2020-01-01'), '2019-12-31');
  });
});
