import type { ArticleInfo, Chunk } from '../types.ts';

/**
 * How a version of an article is named to agents ("version en vigueur du 1er janvier 2014 au 15 janvier 2024")
 * and in JSON (`{version_id, valid_from, valid_to}`), and the Légifrance address of that very version.
 */

/** The version of a cited article, as `ask --json` and `search --json` give it. */
export interface VersionJson {
  version_id: string;
  valid_from: string | null;
  valid_to: string | null;
}

const LEGIFRANCE_ARTICLE = 'https://www.legifrance.gouv.fr/codes/article_lc/';
const LEGI_ARTICLE_ID = /^LEGIARTI\d{12}$/;
const MONTHS = ['janvier', 'février', 'mars', 'avril', 'mai', 'juin', 'juillet', 'août', 'septembre', 'octobre', 'novembre', 'décembre'];

export function versionOf(chunk: Pick<Chunk, 'article'>): VersionJson | undefined {
  const article = chunk.article;
  if (!article?.versionId) return undefined;
  return { version_id: article.versionId, valid_from: article.validFrom ?? null, valid_to: article.validTo ?? null };
}

/** "1er juillet 2019", "15 janvier 2024". */
export function frenchDate(iso: string): string {
  const [year, month, day] = iso.slice(0, 10).split('-').map(Number);
  if (!year || !month || !day) return iso;
  return `${day === 1 ? '1er' : day} ${MONTHS[month - 1] ?? ''} ${year}`;
}

/**
 * "version en vigueur du 1er janvier 2014 au 15 janvier 2024", "version en vigueur depuis le 1er janvier 2014",
 * with the uncertainty the sources leave ("modifiée entre le 1er juillet 2019 et le 15 janvier 2024").
 * Undefined for a text with no version information.
 */
export function versionLabel(chunk: Pick<Chunk, 'article'>): string | undefined {
  const article = chunk.article;
  if (!article?.versionId) return undefined;
  return describeVersion(article);
}

export function describeVersion(article: ArticleInfo): string {
  const from = article.validFrom;
  const to = article.validTo;
  let label: string;
  if (from && to) label = `version en vigueur du ${frenchDate(from)} au ${frenchDate(to)}`;
  else if (from) label = `version en vigueur depuis le ${frenchDate(from)}`;
  else if (to) label = `version en vigueur jusqu’au ${frenchDate(to)}`;
  else if (article.observedAt) label = `version en vigueur au ${frenchDate(article.observedAt)} (date de début inconnue)`;
  else label = 'version dont les dates de vigueur sont inconnues';
  const notes: string[] = [];
  if (article.uncertainFrom && from) notes.push(`entrée en vigueur entre le ${frenchDate(article.uncertainFrom)} et le ${frenchDate(from)}`);
  else if (article.uncertainTo && to) notes.push(`remplacée ou abrogée entre le ${frenchDate(article.uncertainTo)} et le ${frenchDate(to)}`);
  return notes.length > 0 ? `${label} (${notes.join(' ; ')})` : label;
}

/**
 * The Légifrance page of this version: its LEGI version id when known; else the article (chronical id) as
 * in force on the version's first day (Légifrance serves `article_lc/<id>/<date>`); else the chunk's own link.
 */
export function versionUrl(chunk: Pick<Chunk, 'article' | 'url'>): string | undefined {
  const article = chunk.article;
  if (article?.versionId && LEGI_ARTICLE_ID.test(article.versionId)) return `${LEGIFRANCE_ARTICLE}${article.versionId}`;
  if (article?.identity && LEGI_ARTICLE_ID.test(article.identity)) {
    const day = article.validFrom ?? article.observedAt;
    return day ? `${LEGIFRANCE_ARTICLE}${article.identity}/${day}` : `${LEGIFRANCE_ARTICLE}${article.identity}`;
  }
  return chunk.url;
}
