import { findArticleMentions, normaliseArticleNumber } from '../../knowledge/analysis/article-references.ts';
import { headingLabelIn, headingPathMatches } from '../../knowledge/analysis/headings.ts';
import { foldText } from '../../knowledge/analysis/normalise.ts';
import type { QuizItem } from '../../knowledge/learning/quiz-item.ts';
import type { PrefixTable } from '../commands/command-parser.ts';

/**
 * What `quiz …` asks about, read from its words: a base ("quiz rh"), articles ("quiz article 414", "quiz
 * L621-1"), a part of a code ("quiz titre XII", "quiz chapitre II du titre III"), or a theme ("quiz congés
 * bonifiés"), searched like a question. Nothing: every base the agent may use.
 */

export type QuizScope =
  | { type: 'all' }
  | { type: 'articles'; numbers: string[]; code?: string }
  | { type: 'heading'; label: string }
  | { type: 'theme'; text: string };

export interface ParsedScope {
  /** A base named first ("quiz rh …"), when one was. */
  kb?: string;
  scope: QuizScope;
  /** How the scope is named back to the agent ("titre xii", "article 414"); undefined for everything. */
  label?: string;
}

const BARE_NUMBER = /^(?:(?:art(?:icle)?\.?\s*)?)([lrd]\.?\s?\d[\d-]*(?:\s?(?:bis|ter|quater))?|\d[\d-]*(?:\s?(?:bis|ter|quater|quinquies|sexies))?)$/;

export function parseQuizScope(text: string, prefixes: PrefixTable): ParsedScope {
  let rest = text.trim().replace(/^(?:sur|de|du|des)\s+/i, '');
  const first = /^([\p{L}]+)\s*:?\s*(.*)$/u.exec(rest);
  const kb = first ? prefixes.get(first[1] as string) : undefined;
  if (kb) rest = (first?.[2] ?? '').trim();
  const folded = foldText(rest).replace(/\s+/g, ' ').trim();
  const withBase = (parsed: Omit<ParsedScope, 'kb'>): ParsedScope => (kb ? { kb, ...parsed } : parsed);
  if (folded === '') return withBase({ scope: { type: 'all' } });
  const mentions = findArticleMentions(folded);
  const bare = BARE_NUMBER.exec(folded);
  if (mentions.length > 0 || bare) {
    const numbers = mentions.length > 0 ? mentions.map((mention) => mention.number) : [normaliseArticleNumber(bare?.[1] ?? '')];
    const code = mentions.find((mention) => mention.code)?.code;
    return withBase({ scope: { type: 'articles', numbers, ...(code ? { code } : {}) }, label: `${numbers.length > 1 ? 'articles' : 'article'} ${numbers.join(', ')}` });
  }
  const heading = headingLabelIn(folded);
  if (heading) return withBase({ scope: { type: 'heading', label: heading }, label: heading });
  return withBase({ scope: { type: 'theme', text: rest }, label: rest });
}

/** The items of a scope among a base's items; themes are resolved by the caller (a search). */
export function itemsInScope(items: readonly QuizItem[], scope: QuizScope): QuizItem[] {
  switch (scope.type) {
    case 'all':
    case 'theme':
      return [...items];
    case 'articles': {
      const wanted = new Set(scope.numbers);
      return items.filter((item) => item.chunk.article && wanted.has(normaliseArticleNumber(item.chunk.article.number)) && (!scope.code || item.chunk.article.code === scope.code));
    }
    case 'heading':
      return items.filter((item) => headingPathMatches(scope.label, item.chunk.headingPath));
  }
}
