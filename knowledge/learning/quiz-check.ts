import { textHash } from '../enrichment/enrichment.ts';
import { foldKeepingLength, wordIndex } from './quiz-generator.ts';
import type { QuizItem } from './quiz-item.ts';

/**
 * The automatic check of a quiz item against the text it cites, read again from the store: the text is the
 * one the item was written from, the expected answer stands in the cited sentence and the sentence in the
 * text, no distractor appears anywhere in the text (a distractor the text also says would be a second right
 * answer), and the choices are four distinct ones with the answer where the item says. Items that fail are
 * never asked.
 */

export type ItemProblem = 'text-changed' | 'answer-not-in-text' | 'distractor-in-text' | 'choices-invalid';

export interface ItemCheck {
  ok: boolean;
  problems: ItemProblem[];
}

export function checkItem(item: QuizItem, documentText: string): ItemCheck {
  const problems: ItemProblem[] = [];
  if (textHash(documentText) !== item.textHash) problems.push('text-changed');
  const text = collapse(foldKeepingLength(documentText));
  const answerAtBlank = item.sentence.slice(item.blank.start, item.blank.start + item.blank.length) === item.answer;
  if (!answerAtBlank || item.answer.trim() === '' || !text.includes(collapse(foldKeepingLength(item.sentence))) || wordIndex(text, collapse(foldKeepingLength(item.answer))) < 0) {
    problems.push('answer-not-in-text');
  }
  const distractors = item.choices.filter((_, index) => index !== item.answerIndex);
  if (distractors.some((choice) => wordIndex(text, collapse(foldKeepingLength(choice))) >= 0)) problems.push('distractor-in-text');
  const distinct = new Set(item.choices.map((choice) => collapse(foldKeepingLength(choice))));
  if (item.choices.length !== 4 || distinct.size !== 4 || item.choices[item.answerIndex] !== item.answer) problems.push('choices-invalid');
  return { ok: problems.length === 0, problems };
}

function collapse(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}
