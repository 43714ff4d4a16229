import { LATIN_SUFFIXES } from './article-references.ts';
import { foldText } from './normalise.ts';

/**
 * Splits text into folded word tokens and article-reference tokens. Elided articles and pronouns
 * (l', d', qu', j', n', s', c', m', t', jusqu', lorsqu', puisqu') fall apart at the apostrophe and are
 * dropped as stop words later. References stay whole: "L. 621-1" → "l621-1", "60 bis" → "60bis"; an amount
 * with thousands separators stays one number: "10 000" → "10000".
 */

export interface Token {
  text: string;
  /** True for article references and numbers. */
  reference: boolean;
}

const TOKEN_PATTERN = new RegExp(
  `(?<![a-z0-9])(?:([lrd])\\s?\\.?\\s?(?=\\d))?(\\d{1,3}(?: \\d{3})+(?![\\d-])|\\d+(?:-\\d+)*)(?:\\s?(${LATIN_SUFFIXES.join('|')})(?![a-z]))?|([a-z]+)`,
  'g',
);

export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  for (const match of foldText(text).matchAll(TOKEN_PATTERN)) {
    const [, prefix, digits, suffix, word] = match;
    if (word !== undefined) tokens.push({ text: word, reference: false });
    else tokens.push({ text: `${prefix ?? ''}${digits?.replace(/ /g, '')}${suffix ?? ''}`, reference: true });
  }
  return tokens;
}
