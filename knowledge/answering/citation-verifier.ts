import { normaliseArticleNumber } from '../analysis/article-references.ts';
import { tokenize } from '../analysis/tokenizer.ts';
import type { RetrievedPassage } from '../retriever.ts';
import { citationOf, type PassageCitation } from './citations.ts';
import { DONT_KNOW } from './prompt.ts';

/**
 * Checks a generated answer against the passages it was given: [n] markers must point to a passage,
 * article numbers must appear in the passages, links must be the passages' links. Anything else is removed
 * and the answer marked; with no valid marker left, the answer is rejected (the bot abstains).
 */

export interface VerifiedAnswer {
  text: string;
  citations: PassageCitation[];
  /** True when something was removed. */
  altered: boolean;
  /** Why the answer cannot be used: 'model-abstained' | 'no-valid-citation'. */
  rejected?: string;
}

const MARKER = /\[(\d{1,3})\]/g;
const ARTICLE_MENTION = /\b(?:articles?|art\.)\s+((?:[LRD]\.?\s?\*?\s?)?\d+(?:-\d+)*(?:\s?(?:bis|ter|quater|quinquies|sexies|septies|octies|nonies|decies))?)/giu;
const URL = /\bhttps?:\/\/[^\s)\]>"']+/g;

export function verifyCitations(answer: string, passages: RetrievedPassage[]): VerifiedAnswer {
  const text = answer.trim();
  if (text === '' || text.toUpperCase().includes(DONT_KNOW)) return { text, citations: [], altered: false, rejected: 'model-abstained' };
  let altered = false;

  const references = checkArticleReferences(text, knownReferences(passages));
  altered = references.removed > 0;
  let checked = references.text;

  const urls = new Set(passages.map((passage) => passage.chunk.url).filter((url): url is string => Boolean(url)));
  checked = checked.replace(URL, (url) => {
    if (urls.has(url.replace(/[.,;]+$/, ''))) return url;
    altered = true;
    return '[lien retiré]';
  });

  const renumber = new Map<number, number>();
  checked = checked.replace(MARKER, (marker, raw: string) => {
    const index = Number(raw);
    if (index < 1 || index > passages.length) {
      altered = true;
      return '';
    }
    if (!renumber.has(index)) renumber.set(index, renumber.size + 1);
    return `[${renumber.get(index)}]`;
  });
  checked = checked.replace(/[ \t]+([.,;:])/g, '$1').replace(/[ \t]{2,}/g, ' ').trim();

  if (renumber.size === 0) return { text: checked, citations: [], altered, rejected: 'no-valid-citation' };
  const citations = [...renumber.entries()].map(([original, index]) => citationOf((passages[original - 1] as RetrievedPassage).chunk, index));
  return { text: checked, citations, altered };
}

/**
 * Replaces every article a text mentions that is not among `known` (normalised numbers, see
 * `referencesInTexts`) by "[référence retirée]". Used for answers and for summaries.
 */
export function checkArticleReferences(text: string, known: ReadonlySet<string>): { text: string; removed: number } {
  let removed = 0;
  const checked = text.replace(ARTICLE_MENTION, (mention, number: string) => {
    if (known.has(normaliseArticleNumber(number))) return mention;
    removed++;
    return '[référence retirée]';
  });
  return { text: checked, removed };
}

/** The article numbers texts mention or are (normalised), for `checkArticleReferences`. */
export function referencesInTexts(texts: readonly string[], articleNumbers: readonly string[] = []): Set<string> {
  const known = new Set(articleNumbers.map(normaliseArticleNumber));
  for (const text of texts) for (const token of tokenize(text)) if (token.reference) known.add(token.text);
  return known;
}

/** Article numbers the passages hold; memoised per passage list (streaming verifies the partial text often). */
const referencesOf = new WeakMap<RetrievedPassage[], Set<string>>();
function knownReferences(passages: RetrievedPassage[]): Set<string> {
  let known = referencesOf.get(passages);
  if (!known) {
    known = new Set<string>();
    for (const passage of passages) {
      if (passage.chunk.article) known.add(normaliseArticleNumber(passage.chunk.article.number));
      for (const token of tokenize(passage.chunk.text)) if (token.reference) known.add(token.text);
    }
    referencesOf.set(passages, known);
  }
  return known;
}
