import { normaliseArticleNumber } from '../analysis/article-references.ts';
import { tokenize } from '../analysis/tokenizer.ts';
import type { RetrievedPassage } from '../retriever.ts';
import { splitAnswer, joinAnswer } from './answer-sentences.ts';
import { citationOf, namedArticles, passagesOfArticle, type PassageCitation } from './citations.ts';
import { DONT_KNOW } from './prompt.ts';
import { isSupported, passageEvidence, supportScore, type PassageEvidence } from './sentence-support.ts';

/**
 * Checks a generated answer against the passages it was given, sentence by sentence:
 * - [n] markers must point to a passage; an article named in words ("l’article 414 du code des douanes")
 *   that is one of the passages becomes that passage's citation, as real models cite without markers;
 * - a sentence naming an article, text or link the passages do not hold is removed whole: what it claims
 *   rests on the invented reference, and it must not stay attributed to another passage;
 * - each remaining sentence must be supported by its cited passage(s) (lexical entailment,
 *   sentence-support.ts); an unmarked sentence that asserts something must be supported by one passage.
 * Anything removed marks the answer; with no supported, cited sentence left, the answer is rejected.
 */

export interface VerifiedAnswer {
  text: string;
  citations: PassageCitation[];
  /** True when something was removed. */
  altered: boolean;
  /** Why the answer cannot be used: 'model-abstained' | 'no-valid-citation' | 'unsupported'. */
  rejected?: string;
  /** Sentences removed because the passages do not support them (not counting invented references). */
  unsupported: number;
  /** Ids of the passages whose article the answer names, in order: an abstention lists them first. */
  namedIds: string[];
}

export interface VerifyOptions {
  /** Support threshold (default: the calibrated SUPPORT_THRESHOLD). */
  supportThreshold?: number;
  /** Streaming: the last sentence may be incomplete, its support is not judged yet. */
  partial?: boolean;
}

const MARKER = /\[(\d{1,3})\]/g;
const MARKER_TEST = /\[\d{1,3}\]/;
const MARKER_LIST = /\[(\d{1,3}(?:\s*[,;]\s*\d{1,3})+)\]/g;
const URL = /\bhttps?:\/\/[^\s)\]>"']+/g;
/** Unmarked sentences with fewer checkable items are connectives ("Voici ce que prévoit le code :"). */
const MIN_ITEMS_UNMARKED = 3;

export function verifyCitations(answer: string, passages: RetrievedPassage[], options: VerifyOptions = {}): VerifiedAnswer {
  const text = answer.trim();
  const empty = { citations: [], unsupported: 0, namedIds: [] };
  if (text === '' || text.toUpperCase().includes(DONT_KNOW)) return { text, ...empty, altered: false, rejected: 'model-abstained' };
  const chunks = passages.map((passage) => passage.chunk);
  const known = knownReferences(passages);
  const urls = new Set(chunks.map((chunk) => chunk.url).filter((url): url is string => Boolean(url)));
  const threshold = options.supportThreshold;
  let altered = false;
  let unsupported = 0;
  let supportedCited = 0;
  const namedIds: string[] = [];

  const lines = splitAnswer(text.replace(MARKER_LIST, (_, list: string) => list.split(/\s*[,;]\s*/).map((n) => `[${n}]`).join('')));
  const lastLine = lines.findLastIndex((line) => line.sentences.length > 0);
  lines.forEach((line, lineIndex) => {
    line.sentences = line.sentences.flatMap((sentence, sentenceIndex) => {
      const named = namedArticles(sentence);
      for (const article of named) for (const index of passagesOfArticle(article, chunks)) namedIds.push((chunks[index] as (typeof chunks)[number]).id);
      if (named.some((article) => passagesOfArticle(article, chunks).length === 0 && !known.has(article.number))) {
        altered = true;
        return [];
      }
      // Links that are not the passages' own go; markers beyond the passages go; articles named in words become citations.
      const cited = new Set<number>();
      let checked = sentence.replace(URL, (url) => {
        if (urls.has(url.replace(/[.,;]+$/, ''))) return url;
        altered = true;
        return '[lien retiré]';
      });
      checked = checked.replace(MARKER, (_, raw: string) => {
        const index = Number(raw);
        if (index < 1 || index > passages.length) {
          altered = true;
          return '';
        }
        cited.add(index);
        return `[${index}]`;
      });
      // A claim whose every marker points past the passages rests on a source that does not exist.
      if (cited.size === 0 && MARKER_TEST.test(sentence)) return [];
      const inWords = named.flatMap((article) => passagesOfArticle(article, chunks).map((index) => index + 1)).filter((index) => !cited.has(index));
      if (inWords.length > 0) {
        for (const index of inWords) cited.add(index);
        checked = appendMarkers(checked, inWords);
      }
      const incomplete = options.partial === true && lineIndex === lastLine && sentenceIndex === line.sentences.length - 1;
      if (incomplete) return [checked];
      const evidence = cited.size > 0 ? [...cited].map((index) => evidenceOf(passages[index - 1] as RetrievedPassage)) : passages.map(evidenceOf);
      const score = cited.size > 0
        ? supportScore(checked, evidence)
        : best(evidence.map((one) => supportScore(checked, one)));
      const judged = cited.size > 0 || score.items >= MIN_ITEMS_UNMARKED;
      if (judged && !isSupported(score, threshold)) {
        altered = true;
        unsupported++;
        return [];
      }
      if (cited.size > 0 && score.items > 0) supportedCited++;
      return [checked];
    });
  });

  // Markers renumbered in order of appearance.
  const renumber = new Map<number, number>();
  let rebuilt = joinAnswer(lines).replace(MARKER, (_, raw: string) => {
    const index = Number(raw);
    if (!renumber.has(index)) renumber.set(index, renumber.size + 1);
    return `[${renumber.get(index)}]`;
  });
  rebuilt = rebuilt.replace(/[ \t]+([.,])/g, '$1').replace(/[ \t]{2,}/g, ' ').trim();
  const uniqueNamed = [...new Set(namedIds)];
  if (renumber.size === 0) return { text: rebuilt, citations: [], altered, rejected: unsupported > 0 ? 'unsupported' : 'no-valid-citation', unsupported, namedIds: uniqueNamed };
  if (supportedCited === 0 && !options.partial) return { text: rebuilt, citations: [], altered, rejected: 'unsupported', unsupported, namedIds: uniqueNamed };
  const citations = [...renumber.entries()].map(([original, index]) => citationOf((passages[original - 1] as RetrievedPassage).chunk, index));
  return { text: rebuilt, citations, altered, unsupported, namedIds: uniqueNamed };
}

/** "… est punie." + [2] → "… est punie [2]." */
function appendMarkers(sentence: string, indexes: number[]): string {
  const markers = indexes.map((index) => `[${index}]`).join('');
  const end = /([.!?…:;]+)\s*$/.exec(sentence);
  return end ? `${sentence.slice(0, end.index).trimEnd()} ${markers}${end[1]}` : `${sentence} ${markers}`;
}

function best<T extends { score: number }>(scores: T[]): T {
  return scores.reduce((a, b) => (b.score > a.score ? b : a));
}

/** A passage's evidence: its text, title, section and headings (an answer may name the code or the chapter). */
const evidenceCache = new WeakMap<RetrievedPassage['chunk'], PassageEvidence>();
function evidenceOf(passage: RetrievedPassage): PassageEvidence {
  let evidence = evidenceCache.get(passage.chunk);
  if (!evidence) {
    const { chunk } = passage;
    evidence = passageEvidence([chunk.title, chunk.section, ...chunk.headingPath, chunk.text].filter(Boolean).join('\n'));
    evidenceCache.set(passage.chunk, evidence);
  }
  return evidence;
}

/** Article numbers the passages hold; memoised per passage list (streaming verifies the partial text often). */
const referencesOf = new WeakMap<RetrievedPassage[], Set<string>>();
function knownReferences(passages: RetrievedPassage[]): Set<string> {
  let known = referencesOf.get(passages);
  if (!known) {
    known = new Set<string>();
    for (const passage of passages) {
      for (const token of tokenize(passage.chunk.text)) if (token.reference) known.add(token.text);
    }
    referencesOf.set(passages, known);
  }
  return known;
}

const ARTICLE_MENTION = /\b(?:articles?|art\.)\s+((?:[LRD]\.?\s?\*?\s?)?\d+(?:-\d+)*(?:\s?(?:bis|ter|quater|quinquies|sexies|septies|octies|nonies|decies))?)/giu;

/**
 * Replaces every article a text mentions that is not among `known` (normalised numbers, see
 * `referencesInTexts`) by "[référence retirée]". Used for summaries (answers are verified sentence by sentence).
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
