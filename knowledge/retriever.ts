import { PasserelleError } from '../bots/errors.ts';
import { findArticleMentions } from './analysis/article-references.ts';
import { redactPersonalData } from './policies/redaction.ts';
import type { SparseEncoder } from './analysis/sparse-encoder.ts';
import type { KnowledgeCatalog } from './catalog.ts';
import { AcronymReader } from './analysis/acronyms.ts';
import type { Correction } from './analysis/speller.ts';
import type { CorpusStatistics } from './corpus-statistics.ts';
import type { RerankingModel } from './ports/reranking-model.ts';
import type { QueryRewriter } from './query-rewriter.ts';
import type { EmbeddingService } from './embedding-service.ts';
import type { SearchFilter, VectorStore } from './ports/vector-store.ts';
import type { ConcordanceStore } from './versions/concordance.ts';
import { Reranker, type RerankerSettings } from './reranker.ts';
import { isWithinCeiling, type Classification, type Chunk } from './types.ts';
import { dayBefore, findQuestionDate, withoutDatePhrase, type QuestionDate } from './versions/question-dates.ts';

/**
 * Finds the passages that answer a question in one base: articles the question names come first, then the
 * store's hybrid ranking (lexical, fused with dense when an embedder is configured), its first candidates
 * re-ranked on their own text (coverage and proximity of the question's words, see reranker.ts).
 */

export interface RetrievalRequest {
  question: string;
  kb: string;
  /** Highest classification the asker (and whatever will read the passages) may see. */
  maxClassification: Classification;
  /** Passages to return. Default 5. */
  limit?: number;
  /** ISO date for the "in force" filter; undefined disables it. A date the question names takes precedence. */
  inForceAt?: string;
}

/** The date the passages were chosen for, when the question named one ("au 1er juillet 2019", "avant la réforme"). */
export interface AskedDate {
  /** ISO date the in-force filter used. */
  date: string;
  /** The question's words that gave it. */
  phrase: string;
}

export interface RetrievedPassage {
  chunk: Chunk;
  score: number;
  /** True when the question named this article explicitly. */
  namedInQuestion: boolean;
}

export interface RetrievalResult {
  kb: string;
  passages: RetrievedPassage[];
  /** Whether dense retrieval took part (false when no embedder or it failed). */
  dense: boolean;
  /** Words of the question read as typos or abbreviations of the bases' words, and what they were read as. */
  corrections: Correction[];
  /** The question restated by the chat model in the texts' words, when query rewriting is on and succeeded. */
  rewritten?: string;
  /** Whether the cross-encoder re-ranked the candidates (false when none is configured or it failed). */
  crossEncoded: boolean;
  /** Set when the question named the date it asks about. */
  asOf?: AskedDate;
}

/** The cross-encoder and the policy applied to it. */
export interface CrossEncoderSettings {
  model: RerankingModel;
  /** Highest classification of passages it may receive; the others keep their lexical rank. */
  ceiling: Classification;
  /** How many of the first candidates it re-ranks. */
  depth: number;
  timeoutMs: number;
}

export interface RetrieverSettings {
  maxQueryLength: number;
  candidates: number;
  /** Highest classification a question may be sent to the embedder with. */
  embedderCeiling: Classification;
  /** Re-ranking of the store's first candidates: settings to override, or false to keep the store's order. */
  rerank?: Partial<RerankerSettings> | false;
  /** Acronyms of the question read from the base's own texts (knowledge/analysis/acronyms.ts); default on. */
  acronyms?: boolean;
}

export class Retriever {
  private readonly reranker: Reranker | undefined;
  private readonly acronyms: AcronymReader | undefined;

  constructor(
    private readonly store: VectorStore,
    private readonly encoder: SparseEncoder,
    private readonly catalog: KnowledgeCatalog,
    private readonly embedding: EmbeddingService | undefined,
    private readonly settings: RetrieverSettings,
    private readonly log: (message: string) => void = () => {},
    private readonly statistics?: CorpusStatistics,
    private readonly production: { crossEncoder?: CrossEncoderSettings; rewriter?: QueryRewriter; concordance?: ConcordanceStore } = {},
  ) {
    this.reranker = settings.rerank === false ? undefined : new Reranker(encoder.lexicon, settings.rerank ?? {});
    this.acronyms =
      settings.acronyms === false || !statistics
        ? undefined
        : new AcronymReader(
            async (kb) => ({ generation: await store.count(kb), texts: async () => (await store.listChunks(kb)).map((chunk) => chunk.text) }),
            // An acronym the lexicon reads (lexicon.yaml) is left to it.
            (acronym) => (encoder.lexicon?.expansionsIn(acronym).length ?? 0) > 0,
          );
  }

  /** True when nothing has been ingested into the base (an answer then says so, rather than "no reliable answer"). */
  async isEmpty(kb: string): Promise<boolean> {
    return (await this.store.count(kb)) === 0;
  }

  async retrieve(request: RetrievalRequest): Promise<RetrievalResult> {
    const asked = validateQuestion(request.question, this.settings.maxQueryLength);
    this.catalog.get(request.kb);
    const limit = request.limit ?? 5;
    // A date in the question selects the versions in force that day; its words are not searched for.
    const questionDate = findQuestionDate(asked);
    const question = questionDate ? withoutDatePhrase(asked, questionDate) : asked;
    const asOf = questionDate ? await this.askedDate(request, question, questionDate) : undefined;
    const inForceAt = asOf?.date ?? request.inForceAt;
    const filter = { maxClassification: request.maxClassification, ...(inForceAt ? { inForceAt } : {}) };

    const named: RetrievedPassage[] = [];
    for (const mention of findArticleMentions(question)) {
      const chunks = await this.store.findArticle({ kb: request.kb, number: mention.number, filter, ...(mention.code ? { code: mention.code } : {}) });
      for (const chunk of chunks) if (!chunk.article?.duplicateOf) named.push({ chunk, score: Number.POSITIVE_INFINITY, namedInQuestion: true });
      // An old number, renumbered by the day asked: the new article(s) it became are named too.
      for (const chunk of await this.renumbered(request.kb, mention, filter, inForceAt)) named.push({ chunk, score: Number.POSITIVE_INFINITY, namedInQuestion: true });
    }

    // Unknown words read as the bases' words they most likely stand for, added to the question's terms.
    // An acronym the base spells out is read as its phrase, not as a typo of a nearby word (« CITIS » is not « cites »).
    const acronyms: Correction[] = ((await this.acronyms?.read(request.kb, question)) ?? []).map(({ from, to }) => ({ from, to, kind: 'acronym' }));
    const spelled = this.statistics ? (await this.statistics.speller([request.kb])).corrections(question) : [];
    const corrections = [...spelled.filter((correction) => !acronyms.some((acronym) => acronym.from === correction.from)), ...acronyms];
    const rewritten = named.length === 0 ? await this.production.rewriter?.rewrite(question, this.catalog.get(request.kb).name) : undefined;
    // Acronyms' phrases weigh as the lexicon's expansions do: appended as typed words, they outweighed the question's
    // other words (« la société conteste l'AMR… » then found the article defining the AMR, not the one on contesting it).
    const searched = [question, ...spelledOut(corrections), rewritten ?? ''].filter(Boolean).join(' ');
    const readAs = acronyms.map((acronym) => acronym.to);

    let dense: Float32Array | undefined;
    if (this.embedding && isWithinCeiling(request.maxClassification, this.settings.embedderCeiling)) {
      // While the service is known to be down the call fails at once (or probes it when due); that is logged once, by the service.
      const wasAvailable = this.embedding.available;
      try {
        // Personal data never leaves for the embedding service.
        dense = await this.embedding.embedOne(redactPersonalData(rewritten ? `${question}\n${rewritten}` : question).text);
      } catch (error) {
        if (wasAvailable) this.log(`embedder unavailable, lexical search only: ${(error as Error).message}`);
      }
    }
    const hits = await this.store.search({
      kb: request.kb,
      sparse: this.encoder.encodeQuery(searched, readAs),
      ...(dense ? { dense } : {}),
      filter,
      limit: Math.max(limit, this.settings.candidates),
    });
    const seen = new Set(named.map((passage) => passage.chunk.id));
    const lexical = this.reranker ? this.reranker.rerank(searched, hits) : hits;
    const { ordered, crossEncoded } = await this.crossEncode(question, lexical, request.maxClassification);
    const ranked = ordered
      // Records repeating a version held by another document are never shown (they only matter with no date filter).
      .filter((hit) => !seen.has(hit.chunk.id) && !hit.chunk.article?.duplicateOf)
      .map((hit) => ({ chunk: hit.chunk, score: hit.score, namedInQuestion: false }));
    return {
      kb: request.kb,
      passages: [...named, ...ranked].slice(0, Math.max(limit, named.length)),
      dense: dense !== undefined,
      corrections,
      ...(rewritten ? { rewritten } : {}),
      crossEncoded,
      ...(asOf ? { asOf } : {}),
    };
  }

  /** The articles an old number became (concordance rows in force at the date), when a concordance is configured. */
  private async renumbered(kb: string, mention: { number: string; code?: string }, filter: SearchFilter, date: string | undefined): Promise<Chunk[]> {
    const concordance = this.production.concordance;
    if (!concordance) return [];
    let rows;
    try {
      rows = await concordance.forward(kb, mention.number, mention.code);
    } catch (error) {
      this.log(`concordance unavailable: ${(error as Error).message}`);
      return [];
    }
    const day = date ?? new Date().toISOString().slice(0, 10);
    const chunks: Chunk[] = [];
    for (const row of rows) {
      if (!row.newNumber || (row.date && row.date > day)) continue;
      const found = await this.store.findArticle({ kb, number: row.newNumber, filter, code: row.newCode ?? row.code });
      chunks.push(...found.filter((chunk) => !chunk.article?.duplicateOf));
    }
    return chunks;
  }

  /**
   * The day a dated question asks about. "Avant la réforme" is the day before the version in force (at the
   * request's date, else today) of the article asked about began: the article the question names, else the
   * best-ranked article that has several versions. Undefined when no such version is found.
   */
  private async askedDate(request: RetrievalRequest, question: string, found: QuestionDate): Promise<AskedDate | undefined> {
    if (found.kind === 'date' && found.date) return { date: found.date, phrase: found.phrase };
    const filter = { maxClassification: request.maxClassification, inForceAt: request.inForceAt ?? new Date().toISOString().slice(0, 10) };
    const candidates: Chunk[] = [];
    for (const mention of findArticleMentions(question)) {
      candidates.push(...(await this.store.findArticle({ kb: request.kb, number: mention.number, filter, ...(mention.code ? { code: mention.code } : {}) })));
    }
    if (candidates.length === 0) {
      const hits = await this.store.search({ kb: request.kb, sparse: this.encoder.encodeQuery(question), filter, limit: this.settings.candidates });
      candidates.push(...(this.reranker ? this.reranker.rerank(question, hits) : hits).map((hit) => hit.chunk));
    }
    const current = candidates.find((chunk) => (chunk.article?.versions ?? 0) > 1 && chunk.article?.validFrom);
    const start = current?.article?.validFrom;
    return start ? { date: dayBefore(start), phrase: found.phrase } : undefined;
  }

  /**
   * The cross-encoder's reading of the first candidates, fused with the lexical order by reciprocal rank (k = 60)
   * so that what the lexical ranking knows (agents' wording, named structure) is not thrown away. Candidates above
   * the model's ceiling are never sent and keep their lexical rank in the fusion. Scores stay the lexical ones
   * (their scale is what the answerer reads). Any failure keeps the lexical order.
   */
  private async crossEncode<T extends { chunk: Chunk; score: number }>(question: string, candidates: T[], clearance: Classification): Promise<{ ordered: T[]; crossEncoded: boolean }> {
    const settings = this.production.crossEncoder;
    if (!settings || candidates.length < 2) return { ordered: candidates, crossEncoded: false };
    const head = candidates.slice(0, settings.depth);
    const sendable = head.map((candidate, index) => ({ candidate, index })).filter(({ candidate }) => isWithinCeiling(candidate.chunk.classification, settings.ceiling) && isWithinCeiling(candidate.chunk.classification, clearance));
    if (sendable.length < 2) return { ordered: candidates, crossEncoded: false };
    const query = redactPersonalData(question).text;
    const scores: number[] = [];
    try {
      const signal = AbortSignal.timeout(settings.timeoutMs);
      for (let start = 0; start < sendable.length; start += settings.model.maxDocumentsPerCall) {
        const batch = sendable.slice(start, start + settings.model.maxDocumentsPerCall);
        scores.push(...(await settings.model.score(query, batch.map(({ candidate }) => passageForCrossEncoder(candidate.chunk)), { signal })));
      }
    } catch (error) {
      this.log(`cross-encoder unavailable, lexical order kept: ${(error as Error).message}`);
      return { ordered: candidates, crossEncoded: false };
    }
    // Rank by the model among those sent; the others keep their lexical rank in the fusion.
    const modelRank = new Map<number, number>();
    sendable
      .map(({ index }, position) => ({ index, score: scores[position] ?? Number.NEGATIVE_INFINITY }))
      .sort((a, b) => b.score - a.score)
      .forEach(({ index }, rank) => modelRank.set(index, rank));
    const fused = head
      .map((candidate, index) => ({ candidate, index, fused: 1 / (60 + index) + 1 / (60 + (modelRank.get(index) ?? index)) }))
      .sort((a, b) => b.fused - a.fused || a.index - b.index)
      .map(({ candidate }) => candidate);
    return { ordered: [...fused, ...candidates.slice(head.length)], crossEncoded: true };
  }
}

/** What the cross-encoder reads of a passage: where it sits and its text, bounded. */
function passageForCrossEncoder(chunk: Chunk): string {
  return [chunk.title, chunk.headingPath[chunk.headingPath.length - 1] ?? '', chunk.text].filter(Boolean).join('\n').slice(0, 2_000);
}

/** Trims and checks a question: QUERY_EMPTY, QUERY_TOO_LONG. */
export function validateQuestion(question: string, maxLength: number): string {
  const trimmed = question.replace(/\s+/g, ' ').trim();
  if (!/[\p{L}\p{N}]/u.test(trimmed)) throw new PasserelleError('QUERY_EMPTY');
  if (trimmed.length > maxLength) throw new PasserelleError('QUERY_TOO_LONG', { length: trimmed.length, max: maxLength });
  return trimmed;
}

/** The words the speller read the question's unknown words as (acronyms are weighted apart). */
function spelledOut(corrections: Correction[]): string[] {
  return corrections.filter((correction) => correction.kind !== 'acronym').map((correction) => correction.to);
}
