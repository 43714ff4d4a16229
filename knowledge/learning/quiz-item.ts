import { createHash } from 'node:crypto';
import type { Chunk } from '../types.ts';

/**
 * A quiz item: a sentence of a code article (or of any document of a base) quoted verbatim with one key
 * element blanked — a quantity ("trois ans", "quinze jours") or a key term ("zone franche") — four choices,
 * and, when the base's enrichment has one, a question agents ask that the sentence answers. Written offline
 * from the texts (quiz-generator.ts), checked against the cited text (quiz-check.ts), never from an
 * evaluation set.
 */
export interface QuizItem {
  /** `${kb}:${12 hex digits}`: stable while the sentence and its answer stay the same. */
  id: string;
  kb: string;
  documentId: string;
  /** The chunk holding the sentence: what the item cites. */
  chunk: Chunk;
  /** What is blanked: a quantity (number and unit) or a key term. */
  kind: 'quantity' | 'term';
  /** An agents' question the sentence answers (from the base's enrichment), when there is one. */
  situation?: string;
  /** The sentence as written in the text. */
  sentence: string;
  /** Where the expected answer stands in `sentence` (characters). */
  blank: { start: number; length: number };
  /** The expected answer, as written in the text: `sentence.slice(blank.start, blank.start + blank.length)`. */
  answer: string;
  /** Four distinct choices, the answer among them, in the order shown. */
  choices: string[];
  /** Index of the answer in `choices`. */
  answerIndex: number;
  /** `textHash` of the whole document text the item was written from. */
  textHash: string;
}

export function quizItemId(kb: string, documentId: string, sentence: string, answer: string): string {
  return `${kb}:${createHash('sha256').update([documentId, sentence, answer].join('\n')).digest('hex').slice(0, 12)}`;
}

/** The base of an item id. */
export function kbOfItem(itemId: string): string {
  return itemId.slice(0, Math.max(0, itemId.lastIndexOf(':')));
}

/** The blank as shown. */
export const BLANK = '_____';

/** Longest excerpt shown around the blank, characters. */
const MAX_SHOWN_CHARS = 360;

/** The sentence with its blank, clipped around the blank when long ("[…]" marks what is left out). */
export function blankedSentence(item: Pick<QuizItem, 'sentence' | 'blank'>): string {
  const { sentence, blank } = item;
  let from = 0;
  let to = sentence.length;
  if (sentence.length > MAX_SHOWN_CHARS) {
    const room = Math.floor((MAX_SHOWN_CHARS - blank.length) / 2);
    from = Math.max(0, blank.start - room);
    to = Math.min(sentence.length, blank.start + blank.length + room);
    if (from > 0) from = wordStart(sentence, from);
    if (to < sentence.length) to = wordEnd(sentence, to, blank.start + blank.length);
  }
  const before = sentence.slice(from, blank.start);
  const after = sentence.slice(blank.start + blank.length, to);
  return `${from > 0 ? '[…] ' : ''}${before}${BLANK}${after}${to < sentence.length ? ' […]' : ''}`;
}

/** The sentence with the answer in bold, for the explanation. */
export function highlightedSentence(item: Pick<QuizItem, 'sentence' | 'blank'>): string {
  const { sentence, blank } = item;
  const end = blank.start + blank.length;
  return `${sentence.slice(0, blank.start)}**${sentence.slice(blank.start, end)}**${sentence.slice(end)}`;
}

function wordStart(text: string, at: number): number {
  const space = text.indexOf(' ', at);
  return space < 0 ? at : space + 1;
}

function wordEnd(text: string, at: number, minimum: number): number {
  const space = text.lastIndexOf(' ', at);
  return space <= minimum ? at : space;
}
