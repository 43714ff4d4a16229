import assert from 'node:assert/strict';
import { readAnswer, sameAnswer } from '../../../knowledge/learning/answer-matching.ts';
import { numberToWords, parseFrenchNumber } from '../../../knowledge/learning/french-numbers.ts';
import { checkItem } from '../../../knowledge/learning/quiz-check.ts';
import { generateQuiz, generateQuizCooperatively, parseEnrichment } from '../../../knowledge/learning/quiz-generator.ts';
import { BLANK, blankedSentence, highlightedSentence, kbOfItem } from '../../../knowledge/learning/quiz-item.ts';
import { analyse } from '../../../knowledge/analysis/french-analyser.ts';
import { quizChunks } from './quiz-fixtures.ts';

describe('quiz items written from the texts', () => {
  const chunks = quizChunks();
  const quiz = generateQuiz(chunks);
  const textOf = (documentId: string) => chunks.filter((chunk) => chunk.documentId === documentId).map((chunk) => chunk.text).join('\n\n');
  const itemOf = (documentId: string) => quiz.items.find((item) => item.documentId === documentId);

  it('reads French numbers written out, both ways, over 0–999', () => {
    assert.deepEqual([1, 16, 17, 21, 45, 71, 80, 91, 100, 200, 201, 999].map(numberToWords), [
      'un', 'seize', 'dix-sept', 'vingt et un', 'quarante-cinq', 'soixante et onze', 'quatre-vingts', 'quatre-vingt-onze', 'cent', 'deux cents', 'deux cent un', 'neuf cent quatre-vingt-dix-neuf',
    ]);
    for (let value = 0; value < 1000; value++) assert.equal(parseFrenchNumber(numberToWords(value) as string), value, String(value));
    assert.deepEqual(['3', '1 500', '0,5', 'Trois', 'une', 'quinze'].map(parseFrenchNumber), [3, 1500, 0.5, 3, 1, 15]);
    assert.equal(parseFrenchNumber('douanier'), undefined);
  });

  it('blanks a quantity of the sentence answering the agents’ question, with neighbours on the unit’s scale as distractors', () => {
    const item = itemOf('CD-414');
    assert.ok(item, 'an item for art. 414');
    assert.equal(item.kind, 'quantity');
    assert.equal(item.answer, 'trois ans');
    assert.equal(item.situation, 'Quelle peine de prison pour un fait de contrebande ?');
    assert.equal(item.choices[item.answerIndex], 'trois ans');
    assert.deepEqual([...item.choices].sort(), ['cinq ans', 'deux ans', 'quatre ans', 'trois ans'], 'the nearest values on the scale of years');
    assert.equal(blankedSentence(item), `Sont passibles d’un emprisonnement de ${BLANK}, de la confiscation de l’objet de fraude, et d’une amende, tout fait de contrebande.`);
    assert.equal(highlightedSentence(item), 'Sont passibles d’un emprisonnement de **trois ans**, de la confiscation de l’objet de fraude, et d’une amende, tout fait de contrebande.');
    assert.equal(item.chunk.id, 'CD-414#0');
    assert.equal(kbOfItem(item.id), 'legal');
  });

  it('never blanks what the situation question already says, and takes term distractors from sibling articles that the text never uses', () => {
    for (const item of quiz.items) {
      const given = new Set(item.situation ? analyse(item.situation).terms : []);
      assert.ok(!analyse(item.answer).terms.some((term) => given.has(term)), `${item.id}: « ${item.answer} » is in « ${item.situation} »`);
      const text = textOf(item.documentId).toLowerCase();
      for (const [index, choice] of item.choices.entries()) if (index !== item.answerIndex) assert.ok(!text.includes(choice.toLowerCase()), `${choice} is in ${item.documentId}`);
      assert.equal(new Set(item.choices.map((choice) => choice.toLowerCase())).size, 4);
    }
    const term = quiz.items.find((item) => item.kind === 'term' && item.documentId === 'CD-419');
    assert.ok(term, 'a term item for art. 419');
    assert.ok(['mainlevée', 'caution solvable', 'moyens de transport'].includes(term.answer), term.answer);
  });

  it('writes items without enrichment from the normative sentences, and the same texts give the same items twice', async () => {
    const bare = itemOf('CD-420');
    assert.equal(bare?.situation, undefined);
    assert.equal(bare?.answer, 'six ans');
    const again = await generateQuizCooperatively(chunks, 2);
    assert.deepEqual(again.items.map((item) => [item.id, item.choices, item.answerIndex]), quiz.items.map((item) => [item.id, item.choices, item.answerIndex]));
    assert.equal(quiz.documents, 7);
    assert.ok(quiz.documentsWithItems >= 6, String(quiz.documentsWithItems));
    assert.ok(quiz.items.every((item) => quiz.items.filter((other) => other.documentId === item.documentId).length <= 2));
  });

  it('checks each item against the cited text: answer in the text, no distractor in it, same text', () => {
    for (const item of quiz.items) assert.deepEqual(checkItem(item, textOf(item.documentId)), { ok: true, problems: [] }, item.id);
    const item = itemOf('CD-414')!;
    assert.deepEqual(checkItem(item, `${textOf('CD-414')} Le récidiviste encourt deux ans de plus.`).problems, ['text-changed', 'distractor-in-text']);
    assert.deepEqual(checkItem(item, textOf('CD-414').replace('trois ans', '3 ans')).problems, ['text-changed', 'answer-not-in-text']);
    assert.deepEqual(checkItem({ ...item, choices: ['xx', item.answer, 'yy', item.answer], answerIndex: 3 }, textOf('CD-414')).problems, ['distractor-in-text', 'choices-invalid'], 'the answer twice: a distractor in the text, and not four distinct choices');
  });

  it('reads the indexed enrichment back (subject, questions, terms)', () => {
    assert.deepEqual(parseEnrichment('Sujet\nQuestion 1 ?\nQuestion 2 ?\nterme a ; terme b'), { questions: ['Question 1 ?', 'Question 2 ?'], terms: ['terme a', 'terme b'] });
    assert.deepEqual(parseEnrichment('Sujet\nQuestion ?\n'), { questions: ['Question ?'], terms: [] });
    assert.deepEqual(parseEnrichment(undefined), { questions: [], terms: [] });
  });
});

describe('reading an agent’s answer', () => {
  const choices = ['un an', 'deux ans', 'trois ans', 'quatre ans'];

  it('takes a number or a letter as the choice', () => {
    assert.deepEqual(readAnswer('3', choices), { kind: 'choice', index: 2 });
    assert.deepEqual(readAnswer(' 2. ', choices), { kind: 'choice', index: 1 });
    assert.deepEqual(readAnswer('réponse 4', choices), { kind: 'choice', index: 3 });
    assert.deepEqual(readAnswer('B', choices), { kind: 'choice', index: 1 });
    assert.deepEqual(readAnswer('7', choices), { kind: 'other', text: '7' });
  });

  it('matches free text: quantities in digits or words, articles and accents aside, one typo', () => {
    assert.deepEqual(readAnswer('3 ans', choices), { kind: 'choice', index: 2 });
    assert.deepEqual(readAnswer('Trois années', choices), { kind: 'choice', index: 2 });
    assert.equal(sameAnswer('la mainlevee', 'mainlevée'), true);
    assert.equal(sameAnswer('confiscasion', 'confiscation'), true);
    assert.equal(sameAnswer('caution solvables', 'caution solvable'), true);
    assert.equal(sameAnswer('cinq ans', 'trois ans'), false);
    assert.equal(sameAnswer('3 mois', 'trois ans'), false);
    assert.deepEqual(readAnswer('je ne sais pas', choices), { kind: 'other', text: 'je ne sais pas' });
  });
});
