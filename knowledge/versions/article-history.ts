import { PasserelleError } from '../../bots/errors.ts';
import type { VectorStore } from '../ports/vector-store.ts';
import type { ArticleInfo, Chunk, Classification } from '../types.ts';
import { isoToDay, UNKNOWN_END_DAY, UNKNOWN_START_DAY } from '../stores/validity.ts';
import { versionOf, type VersionJson } from './version-labels.ts';
import { wordDiff, type DiffChange } from './word-diff.ts';

/**
 * The versions a base holds of one article, and what changed between two of them. An article is found by its
 * number (in a code when given); its versions are every document of the same identity (LEGI chronical id or
 * code + number), duplicates of one version counted once, ordered by start of validity.
 */

export interface ArticleVersion {
  /** The whole text (the chunks of the version joined in order). */
  text: string;
  article: ArticleInfo;
  /** First chunk: what a citation of this version shows. */
  chunk: Chunk;
}

export interface VersionComparison {
  /** "Code des douanes, art. 414". */
  article: string;
  from: ArticleVersion;
  to: ArticleVersion;
  changes: DiffChange[];
}

/** The JSON of `passerelle diff --json`. */
export interface ComparisonJson {
  article: string;
  from: VersionJson;
  to: VersionJson;
  changes: DiffChange[];
}

export interface CompareRequest {
  kb: string;
  number: string;
  code?: string;
  /** Version in force that day; default: the version before `to`. */
  from?: string;
  /** Version in force that day; default: today. */
  to?: string;
  clearance: Classification;
}

export class ArticleHistory {
  constructor(private readonly store: VectorStore) {}

  /** Every version of the article, oldest first. ARTICLE_NOT_FOUND when the base has none; ARTICLE_AMBIGUOUS across codes. */
  async versions(kb: string, number: string, clearance: Classification, code?: string): Promise<ArticleVersion[]> {
    const found = await this.store.findArticle({ kb, number, filter: { maxClassification: clearance }, ...(code ? { code } : {}) });
    const identities = new Set(found.flatMap((chunk) => (chunk.article?.identity ? [chunk.article.identity] : [])));
    if (identities.size === 0) throw new PasserelleError('ARTICLE_NOT_FOUND', { article: number });
    const codes = new Set(found.map((chunk) => chunk.article?.code).filter((name): name is string => Boolean(name)));
    if (codes.size > 1) throw new PasserelleError('ARTICLE_AMBIGUOUS', { article: number, codes: [...codes].join(', ') });
    // Every version of those identities, renumbered ones included.
    const chunks = (await this.store.listChunks(kb, { code: [...codes][0] as string })).filter(
      (chunk) => chunk.article?.identity !== undefined && identities.has(chunk.article.identity) && !chunk.article.duplicateOf,
    );
    const byDocument = new Map<string, Chunk[]>();
    for (const chunk of chunks) byDocument.set(chunk.documentId, [...(byDocument.get(chunk.documentId) ?? []), chunk]);
    const seen = new Set<string>();
    const versions: ArticleVersion[] = [];
    for (const parts of byDocument.values()) {
      parts.sort((a, b) => a.part - b.part);
      const first = parts[0] as Chunk;
      const article = first.article as ArticleInfo;
      const key = article.versionId ?? first.documentId;
      if (seen.has(key)) continue;
      seen.add(key);
      versions.push({ text: parts.map((part) => part.text).join('\n\n'), article, chunk: first });
    }
    return versions.sort((a, b) => isoToDay(a.article.validFrom, UNKNOWN_START_DAY) - isoToDay(b.article.validFrom, UNKNOWN_START_DAY));
  }

  /** The first chunk of the article in force at `date` (no date: any version), for citing it. */
  async inForce(kb: string, number: string, clearance: Classification, code: string | undefined, date: string | undefined): Promise<Chunk | undefined> {
    const chunks = await this.store.findArticle({ kb, number, filter: { maxClassification: clearance, ...(date ? { inForceAt: date } : {}) }, ...(code ? { code } : {}) });
    return chunks.find((chunk) => chunk.part === 0 && !chunk.article?.duplicateOf);
  }

  /** The two versions in force at `from` and `to`, and their word-level differences. */
  async compare(request: CompareRequest): Promise<VersionComparison> {
    const versions = await this.versions(request.kb, request.number, request.clearance, request.code);
    const today = new Date().toISOString().slice(0, 10);
    const to = inForce(versions, request.to ?? today) ?? (request.to ? undefined : versions[versions.length - 1]);
    if (!to) throw new PasserelleError('ARTICLE_VERSION_NOT_FOUND', { article: request.number, date: request.to ?? today });
    let from: ArticleVersion | undefined;
    if (request.from) {
      from = inForce(versions, request.from);
      if (!from) throw new PasserelleError('ARTICLE_VERSION_NOT_FOUND', { article: request.number, date: request.from });
    } else {
      from = versions[versions.indexOf(to) - 1] ?? to;
    }
    return { article: to.chunk.title, from, to, changes: wordDiff(from.text, to.text) };
  }
}

export function comparisonJson(comparison: VersionComparison): ComparisonJson {
  return {
    article: comparison.article,
    from: versionOf(comparison.from.chunk) as VersionJson,
    to: versionOf(comparison.to.chunk) as VersionJson,
    changes: comparison.changes,
  };
}

/** The version in force on `date` (the latest starting one when the sources overlap). */
function inForce(versions: ArticleVersion[], date: string): ArticleVersion | undefined {
  const day = isoToDay(date, 0);
  return [...versions].reverse().find((version) => isoToDay(version.article.validFrom, UNKNOWN_START_DAY) <= day && isoToDay(version.article.validTo, UNKNOWN_END_DAY) > day);
}
