import { stem } from './stemmer.ts';
import { STOP_WORDS } from './stop-words.ts';
import { tokenize, type Token } from './tokenizer.ts';

/**
 * The project's French analysis, the same for indexing and querying and for every store: folding, elision,
 * stop words, Snowball stemming, article references kept whole, plus adjacent-term bigrams that reward
 * phrases ("déclaration en détail", "procès-verbal").
 */

export interface AnalysedText {
  /** Content terms in order (stems and reference tokens). */
  terms: string[];
  /** Bigrams of adjacent content terms, `a+b`. */
  bigrams: string[];
  /**
   * Word prefixes (`~` + first PREFIX_LENGTH letters of words longer than that): a second, coarser
   * conflation that joins what Snowball keeps apart (injure/injurier, constater/constatation).
   */
  prefixes: string[];
  /**
   * Negated terms: `!` + the first content term after a negation ("sans", "pas", "non", "aucun", "ni", "ne",
   * "jamais", "hors"), so "sans déclaration", "pas de déclaration" and "non déclaré" meet, and a question saying
   * "sans" prefers the passage saying so over one stating the positive case.
   */
  negations: string[];
}

export const PREFIX_LENGTH = 5;

const NEGATIONS: ReadonlySet<string> = new Set(['sans', 'pas', 'non', 'aucun', 'aucune', 'ni', 'ne', 'n', 'jamais', 'hors', 'nul', 'nulle']);
/** Words a negation reaches across before its term ("pas de la", "sans qu'il y ait"). */
const NEGATION_REACH = 3;

/** What one token contributes: its content term and, for long words, its prefix; undefined for a stop word. */
export interface ContentTerm {
  term: string;
  prefix?: string;
}

export function contentTerm(token: Token): ContentTerm | undefined {
  if (token.reference) return { term: token.text };
  if (token.text.length <= 1 || STOP_WORDS.has(token.text)) return undefined;
  const term = stem(token.text);
  return token.text.length > PREFIX_LENGTH ? { term, prefix: `~${token.text.slice(0, PREFIX_LENGTH)}` } : { term };
}

/** Content terms of a text in order, each with its prefix: positions for proximity measures. */
export function contentTerms(text: string): ContentTerm[] {
  const found: ContentTerm[] = [];
  for (const token of tokenize(text)) {
    const content = contentTerm(token);
    if (content) found.push(content);
  }
  return found;
}

export function analyse(text: string): AnalysedText {
  const terms: string[] = [];
  const prefixes: string[] = [];
  const negations: string[] = [];
  let negated = 0;
  for (const token of tokenize(text)) {
    if (!token.reference && NEGATIONS.has(token.text)) {
      negated = NEGATION_REACH;
      continue;
    }
    const content = contentTerm(token);
    if (!content) {
      negated = Math.max(0, negated - 1);
      continue;
    }
    terms.push(content.term);
    if (content.prefix) prefixes.push(content.prefix);
    if (negated > 0) negations.push(`!${content.term}`);
    negated = 0;
  }
  const bigrams: string[] = [];
  for (let i = 1; i < terms.length; i++) bigrams.push(`${terms[i - 1]}+${terms[i]}`);
  return { terms, bigrams, prefixes, negations };
}

/** Folded tokens, stop words included: what the lexicon matches phrases against. */
export function surfaceTokens(text: string): string[] {
  return tokenize(text).map((token) => token.text);
}
