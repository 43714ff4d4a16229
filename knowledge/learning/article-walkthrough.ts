import { findArticleMentions, normaliseArticleNumber } from '../analysis/article-references.ts';
import { foldText } from '../analysis/normalise.ts';
import { decisiveSentence, substantiveSentences } from '../answering/decisive-sentence.ts';
import type { SearchFilter, VectorStore } from '../ports/vector-store.ts';
import { isWithinCeiling, type Chunk } from '../types.ts';
import { BaseCache } from './base-cache.ts';
import { runCooperatively } from './cooperative.ts';
import { definitionSteps, definitionsUsedBy, type Definition } from './definitions.ts';

/**
 * What `explique` walks through for one article, every step from the texts themselves: what the article says
 * (its decisive sentence first), the notions it uses that another article defines, the articles it refers to,
 * and its versions when the base holds several (validity dates, sentences added and removed). The channel
 * text is written by the core; this module only finds the steps and the chunks to cite.
 */

export interface Walkthrough {
  article: Chunk;
  /** The decisive sentence (for the question, when there is one), verbatim. */
  decisive: string;
  /** The article's other sentences, in order, verbatim (at most `MAX_SENTENCES`). */
  sentences: string[];
  /** Sentences left out of `sentences`. */
  omitted: number;
  definitions: Definition[];
  references: Array<{ number: string; chunk: Chunk; sentence: string }>;
  /** Article numbers referred to that the base does not hold (another code, a repealed article). */
  missing: string[];
  versions: {
    validFrom?: string;
    validTo?: string;
    /** Other versions of the same article in the base, latest first. */
    others: Array<{ chunk: Chunk; validFrom?: string; validTo?: string; added: string[]; removed: string[] }>;
  };
}

const MAX_SENTENCES = 4;
const MAX_REFERENCES = 4;
const MAX_CHANGES = 2;

export class ArticleGuide {
  private readonly definitions: BaseCache<Definition[]>;

  constructor(
    private readonly store: Pick<VectorStore, 'listChunks' | 'listDocuments' | 'findArticle'>,
    recheckMs = 60_000,
  ) {
    this.definitions = new BaseCache(store, async (kb) => runCooperatively(definitionSteps(await store.listChunks(kb))), recheckMs);
  }

  async walkThrough(article: Chunk, options: { question?: string; filter: SearchFilter }): Promise<Walkthrough> {
    const decisive = (options.question ? decisiveSentence(options.question, article.text) : undefined) ?? substantiveSentences(article.text)[0];
    const others = substantiveSentences(article.text).map((span) => span.text).filter((sentence) => sentence !== decisive?.text);
    const visible = await this.visibleDefinitions(article, options.filter);
    const { references, missing } = await this.references(article, options.filter);
    return {
      article,
      decisive: decisive?.text ?? article.text.trim(),
      sentences: others.slice(0, MAX_SENTENCES),
      omitted: Math.max(0, others.length - MAX_SENTENCES),
      definitions: visible,
      references,
      missing,
      versions: await this.versions(article, options.filter),
    };
  }

  private async visibleDefinitions(article: Chunk, filter: SearchFilter): Promise<Definition[]> {
    const all = await this.definitions.get(article.kb);
    const allowed = all.filter((definition) => isWithinCeiling(definition.chunk.classification, filter.maxClassification));
    return definitionsUsedBy(article, allowed);
  }

  private async references(article: Chunk, filter: SearchFilter): Promise<Pick<Walkthrough, 'references' | 'missing'>> {
    const own = article.article ? normaliseArticleNumber(article.article.number) : undefined;
    const references: Walkthrough['references'] = [];
    const missing: string[] = [];
    for (const mention of findArticleMentions(article.text)) {
      if (mention.number === own || references.length + missing.length >= MAX_REFERENCES) continue;
      const code = mention.code ?? article.article?.code;
      const [found] = (await this.store.findArticle({ kb: article.kb, number: mention.number, ...(code ? { code } : {}), filter })).sort((a, b) => a.part - b.part);
      const sentence = found ? substantiveSentences(found.text)[0]?.text : undefined;
      if (found && sentence) references.push({ number: found.article?.number ?? mention.number, chunk: found, sentence });
      else missing.push(mention.number);
    }
    return { references, missing };
  }

  private async versions(article: Chunk, filter: SearchFilter): Promise<Walkthrough['versions']> {
    const info = article.article;
    const dates = { ...(info?.validFrom ? { validFrom: info.validFrom } : {}), ...(info?.validTo ? { validTo: info.validTo } : {}) };
    if (!info) return { ...dates, others: [] };
    // Every version, whatever its dates: the "in force" filter would hide the earlier ones.
    const { inForceAt: _ignored, ...allDates } = filter;
    const chunks = await this.store.findArticle({ kb: article.kb, number: normaliseArticleNumber(info.number), code: info.code, filter: allDates });
    const byDocument = new Map<string, Chunk[]>();
    for (const chunk of chunks) {
      if (chunk.documentId === article.documentId) continue;
      byDocument.set(chunk.documentId, [...(byDocument.get(chunk.documentId) ?? []), chunk]);
    }
    const current = new Set(substantiveSentences(article.text).map((span) => key(span.text)));
    const others = [...byDocument.values()].map((parts) => {
      parts.sort((a, b) => a.part - b.part);
      const first = parts[0] as Chunk;
      const sentences = parts.flatMap((part) => substantiveSentences(part.text).map((span) => span.text));
      const previous = new Set(sentences.map(key));
      return {
        chunk: first,
        ...(first.article?.validFrom ? { validFrom: first.article.validFrom } : {}),
        ...(first.article?.validTo ? { validTo: first.article.validTo } : {}),
        added: substantiveSentences(article.text).map((span) => span.text).filter((sentence) => !previous.has(key(sentence))).slice(0, MAX_CHANGES),
        removed: sentences.filter((sentence) => !current.has(key(sentence))).slice(0, MAX_CHANGES),
      };
    });
    others.sort((a, b) => (b.validFrom ?? '').localeCompare(a.validFrom ?? ''));
    return { ...dates, others };
  }
}

function key(sentence: string): string {
  return foldText(sentence).replace(/[^\p{L}\p{N}]+/gu, ' ').trim();
}

