import { findArticleMentions, normaliseArticleNumber } from '../analysis/article-references.ts';
import { foldText } from '../analysis/normalise.ts';
import { withoutInstructions } from '../policies/instruction-injection.ts';
import type { Chunk, Classification } from '../types.ts';
import { cutAtWord } from './decisive-sentence.ts';
import { versionOf, versionUrl, type VersionJson } from '../versions/version-labels.ts';

/** Citation of a passage as every channel needs it (Teams limits: title ≤ 80, abstract ≤ 160 characters). */
export interface PassageCitation {
  index: number;
  id: string;
  kb: string;
  title: string;
  context?: string;
  url?: string;
  abstract: string;
  /** A fictional example document: its title starts with {@link EXAMPLE_TITLE_PREFIX} on every channel. */
  example?: boolean;
  /** The version of the cited article (articles of versioned codes only); `url` links that version. */
  version?: VersionJson;
  /** The cited passage's classification (channels may label the answer: Teams sensitivity label). */
  classification?: Classification;
}

/** Marks a fictional example document wherever its title is shown. */
export const EXAMPLE_TITLE_PREFIX = 'EXEMPLE FICTIF — ';

export function citationOf(chunk: Chunk, index: number): PassageCitation {
  const section = chunk.section && chunk.section !== chunk.title && (chunk.kind !== 'article' || chunk.parts > 1) ? chunk.section : undefined;
  const title = `${chunk.example ? EXAMPLE_TITLE_PREFIX : ''}${[chunk.title, section, chunk.pages].filter(Boolean).join(' — ')}`;
  const context = chunk.headingPath.length > 0 ? chunk.headingPath.join(' › ') : undefined;
  const version = versionOf(chunk);
  const url = versionUrl(chunk);
  return {
    index,
    id: chunk.id,
    kb: chunk.kb,
    title: truncate(title, 80),
    ...(context ? { context } : {}),
    ...(url ? { url } : {}),
    // A planted instruction is never shown, not even in a citation card's abstract.
    abstract: truncate(withoutInstructions(chunk.text).text.replace(/\s+/g, ' ').trim(), 160),
    ...(chunk.example ? { example: true } : {}),
    ...(version ? { version } : {}),
    ...(chunk.classification ? { classification: chunk.classification } : {}),
  };
}

/** At most `length` characters, cut between two words and marked "…". */
export function truncate(text: string, length: number): string {
  if (text.length <= length) return text;
  return `${cutAtWord(text, length - 1)}…`;
}

/** An article a sentence names in words ("l’article 414 du code des douanes", "art. L. 621-1 du CGFP"). */
export interface NamedArticle {
  /** The mention as written, to remove it when it is invented. */
  mention: string;
  /** Normalised number ("414", "l621-1", "60bis"). */
  number: string;
  /** The code named right after the mention, when any (canonical name). */
  code?: string;
}

const IN_WORDS = /\b(?:[Aa]rticles?|[Aa]rt\.)\s+((?:[LRD]\.?\s?\*?\s?)?\d+(?:-\d+)*(?:\s?(?:bis|ter|quater|quinquies|sexies|septies|octies|nonies|decies))?)/gu;

/** Articles named in a sentence, in order of appearance. */
export function namedArticles(sentence: string): NamedArticle[] {
  const named: NamedArticle[] = [];
  const matches = [...sentence.matchAll(IN_WORDS)];
  matches.forEach((match, at) => {
    const start = match.index ?? 0;
    const end = matches[at + 1]?.index ?? sentence.length;
    const [mention] = findArticleMentions(sentence.slice(start, end));
    const number = mention?.number ?? normaliseArticleNumber(match[1] ?? '');
    named.push({ mention: match[0], number, ...(mention?.code ? { code: mention.code } : {}) });
  });
  return named;
}

/** Indexes (0-based) of the passages that are the named article itself (same number, same code when one is named). */
export function passagesOfArticle(named: NamedArticle, chunks: readonly Chunk[]): number[] {
  const found: number[] = [];
  chunks.forEach((chunk, index) => {
    if (!chunk.article || normaliseArticleNumber(chunk.article.number) !== named.number) return;
    if (named.code && foldText(chunk.article.code) !== foldText(named.code)) return;
    found.push(index);
  });
  return found;
}
