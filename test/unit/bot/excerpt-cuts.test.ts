import assert from 'node:assert/strict';
import { truncate } from '../../../knowledge/answering/citations.ts';
import { clipSentence, cutAtWord } from '../../../knowledge/answering/decisive-sentence.ts';
import { extractiveAnswer } from '../../../knowledge/answering/extractive-answerer.ts';
import { article } from './passages.ts';

/** Excerpts, titles and abstracts end between two words: never « la valeur de l'ob… […] ». */
describe('excerpts cut between words', () => {
  const words = (text: string) => new Set(text.split(/[^\p{L}\p{N}]+/u).filter(Boolean));

  it('cutAtWord never ends inside a word, an apostrophe’s word included', () => {
    assert.equal(cutAtWord('la valeur de l’objet saisi', 17), 'la valeur de');
    assert.equal(cutAtWord("la valeur de l'objet saisi", 17), 'la valeur de');
    assert.equal(cutAtWord('court', 10), 'court');
    assert.equal(cutAtWord('anticonstitutionnellement', 10), 'anticonsti', 'a single overlong word is cut where it must be');
    assert.equal(clipSentence('Les agents des douanes peuvent exiger la communication des papiers', 40), 'Les agents des douanes peuvent exiger la […]');
    assert.equal(truncate('Code général de la fonction publique, article L621-1 relatif aux congés', 50), 'Code général de la fonction publique, article…');
  });

  it('a quoted sentence longer than the quote ends on a whole word, then « […] » once', () => {
    const long = `${'Lorsque les marchandises sont saisies, les agents dressent un procès-verbal mentionnant la valeur de l’objet saisi et '.repeat(8)}fin.`;
    const source = words(long);
    const answer = extractiveAnswer('procès-verbal valeur objet saisi', [article('323', `${long} Deuxième phrase courte.`, { score: 5 })]);
    const quote = answer.text.split('\n').filter((line) => line.startsWith('> ')).join(' ').replace(/^> |\*\*/g, '');
    assert.ok(!quote.includes('…  ') && !/\w…/u.test(quote), quote);
    const last = quote.replace(/\s*\[…\]\s*$/u, '').split(/\s+/).at(-1)?.replace(/[^\p{L}\p{N}-]/gu, '') ?? '';
    assert.ok(source.has(last) || last.includes('-'), `ends on a whole word: « ${last} »`);
    assert.equal(quote.split('[…]').length - 1, 1, quote);
  });
});
