import { createHash } from 'node:crypto';
import { foldText } from '../knowledge/analysis/normalise.ts';
import type { KnowledgeCatalog } from '../knowledge/catalog.ts';
import { citationOf, type PassageCitation } from '../knowledge/answering/citations.ts';
import { verifyCitations } from '../knowledge/answering/citation-verifier.ts';
import { decisiveQuote } from '../knowledge/answering/decisive-sentence.ts';
import { answerConfidence, confidenceFeatures, confidenceModelFor, type ConfidenceFeatures } from '../knowledge/answering/confidence.ts';
import { extractiveAnswer, type DraftAnswer } from '../knowledge/answering/extractive-answerer.ts';
import { buildPrompt, buildRewritePrompt } from '../knowledge/answering/prompt.ts';
import { missingFigure } from '../knowledge/answering/missing-figure.ts';
import { isInfractionQualification } from '../knowledge/policies/infraction-qualification.ts';
import { isInstructionLike } from '../knowledge/policies/instruction-injection.ts';
import { detectProceduralDrafting } from '../knowledge/policies/procedural-acts.ts';
import { redactPersonalData, restore, withoutPersonalData, type RedactionMapping } from '../knowledge/policies/redaction.ts';
import type { ChatMessage, ChatModel, TokenUsage } from '../knowledge/ports/chat-model.ts';
import type { RetrievedPassage, Retriever } from '../knowledge/retriever.ts';
import type { RouteDecision, Router } from '../knowledge/router.ts';
import { classificationRank, isWithinCeiling, type Classification } from '../knowledge/types.ts';
import { looksLikeFollowUp, type ConversationMemory } from './conversation-memory.ts';
import { EmptyBases } from './empty-bases.ts';
import { isOutOfScope } from './out-of-scope.ts';
import { PasserelleError, toPasserelleError } from './errors.ts';
import type { Logger } from './logger.ts';
import { metrics, secondsSince } from './metrics.ts';
import { inSpan } from './tracing.ts';
import { notice, type Reply } from './reply.ts';
import type { AuditLog, Cache, CuratorLog } from '../state/state-store.ts';
import type { ChannelName } from './message.ts';
import * as say from './user-messages.ts';
import { findQuestionDate } from '../knowledge/versions/question-dates.ts';
import { describeVersion, frenchDate, versionUrl } from '../knowledge/versions/version-labels.ts';
import type { ArticleHistory, VersionComparison } from '../knowledge/versions/article-history.ts';
import { findChangeQuestion, type ChangeQuestion } from '../knowledge/versions/change-question.ts';
import { changeLines, describeChange } from '../knowledge/versions/change-summary.ts';
import type { ConcordanceRow, ConcordanceStore } from '../knowledge/versions/concordance.ts';
import { describeBackward, describeForward } from '../knowledge/versions/concordance-labels.ts';
import { findWhereaboutsQuestion } from '../knowledge/versions/change-question.ts';
import { numberKey } from '../knowledge/versions/article-identity.ts';
import { findArticleMentions, normaliseArticleNumber } from '../knowledge/analysis/article-references.ts';
import type { CuratedAnswers, StandardAnswerMatch } from './curation/curated-answers.ts';

/**
 * From question to verified, cited answer: follow-up resolution, refusal of procedural acts, routing,
 * retrieval, abstention, extractive or generative answer (passages above the model's clearance never reach
 * it), citation verification, policies, cache, audit. Channel-agnostic: returns a Reply.
 */

export interface AnswerRequest {
  question: string;
  /** Base forced by a prefix. */
  forcedKb?: string;
  /** Bases the asker may query. */
  allowedKbs: string[];
  /** Highest classification the asker may read. */
  clearance: Classification;
  conversationKey: string;
  channel: ChannelName;
  userHash: string;
  /** Receives the text generated so far while the model streams. */
  onPartial?: (text: string) => void;
  /**
   * Called once when a model call has kept the agent waiting `progressAfterMs` with nothing to show (no
   * streamed text yet): the channel shows that the answer is being written.
   */
  onWaiting?: () => void;
}

/** `standard`: a curators' standard answer, published in the console, served as written (nothing generated). */
export type AnswerMode = 'extractive' | 'generative' | 'standard' | 'refusal' | 'abstention';

export interface AnswerOutcome {
  reply: Reply;
  route?: RouteDecision;
  mode: AnswerMode;
  abstained: boolean;
  cached: boolean;
  citedIds: string[];
  usage: TokenUsage;
  model?: string;
  /** The calibrated confidence and its signals, when passages were retrieved. */
  confidence?: { value: number; features: ConfidenceFeatures };
}

export interface AnswerSettings {
  /** Calibrated confidence under which the bot abstains; default: the calibrated model's threshold. */
  abstainBelow?: number;
  answerCacheTtlMs: number;
  answerTimeoutMs: number;
  energyWhPer1kTokens: number;
  inForceAt?: string;
  /** Send passages flagged as instruction-like to the model (default false: they are withheld). */
  sendInstructionLike?: boolean;
  /** Model wait, ms, after which `onWaiting` is called (default 2,000). */
  progressAfterMs?: number;
  /** Passages classified above this label are redacted of personal data before the model (default `public`). */
  redactPassagesAbove?: Classification;
}

const ZERO_USAGE: TokenUsage = { inputTokens: 0, outputTokens: 0 };

/** Requests whose agent was already told that the answer is being written (once is enough). */
const waitingShown = new WeakSet<AnswerRequest>();

export class AnswerService {
  constructor(
    private readonly catalog: KnowledgeCatalog,
    private readonly retriever: Retriever,
    private readonly router: Router,
    private readonly model: ChatModel | undefined,
    private readonly memory: ConversationMemory,
    private readonly state: Cache & Pick<CuratorLog, 'recordUnanswered'> & Pick<AuditLog, 'recordAudit'>,
    private readonly settings: AnswerSettings,
    private readonly logger: Logger,
    /** Curators' standard answers and passage rules (the console); absent: none. */
    private readonly curation?: CuratedAnswers,
    /**
     * Versions of articles ("qu'est-ce qui a changé à l'article 414 depuis 2019 ?") and the concordance between
     * numberings ("où est passé l'article 414 ?"); absent: such questions are answered as any other.
     */
    private readonly versions?: { history: ArticleHistory; concordance?: ConcordanceStore },
  ) {
    this.emptyBases = new EmptyBases(catalog, retriever);
  }

  private readonly emptyBases: EmptyBases;

  async answer(request: AnswerRequest): Promise<AnswerOutcome> {
    const started = Date.now();
    const clock = performance.now();
    const outcome = await this.produce(request);
    observeAnswer(request.channel, outcome, this.model?.id, this.settings.energyWhPer1kTokens, secondsSince(clock));
    const energyWh = ((outcome.usage.inputTokens + outcome.usage.outputTokens) / 1000) * this.settings.energyWhPer1kTokens;
    await this.state.recordAudit({
      channel: request.channel,
      userHash: request.userHash,
      kind: outcome.mode,
      ...(outcome.route ? { kb: outcome.route.kb } : {}),
      citedIds: outcome.citedIds,
      ...(outcome.model ? { model: outcome.model } : {}),
      inputTokens: outcome.usage.inputTokens,
      outputTokens: outcome.usage.outputTokens,
      energyWh: Math.round(energyWh * 10_000) / 10_000,
      latencyMs: Date.now() - started,
      abstained: outcome.abstained,
      at: new Date().toISOString(),
    });
    const at = new Date().toISOString();
    await this.memory.remember(request.conversationKey, { role: 'user', text: request.question, ...(outcome.route ? { kb: outcome.route.kb } : {}), at });
    await this.memory.remember(request.conversationKey, {
      role: 'assistant',
      text: outcome.reply.text.slice(0, 4_000),
      ...(outcome.route ? { kb: outcome.route.kb } : {}),
      citedIds: outcome.citedIds,
      at,
    });
    return outcome;
  }

  private async produce(request: AnswerRequest): Promise<AnswerOutcome> {
    const usage: TokenUsage = { ...ZERO_USAGE };
    const question = request.question.trim();
    const searchQuery = await this.resolveFollowUp(question, request, usage);

    const drafting = detectProceduralDrafting(question);
    if (drafting) return this.refuseProceduralAct(drafting, request, usage);

    const moved = this.versions?.concordance ? findWhereaboutsQuestion(searchQuery) : undefined;
    if (moved) {
      const answered = await this.answerWhereabouts(moved, searchQuery, request, usage);
      if (answered) return answered;
    }
    const changes = this.versions ? findChangeQuestion(searchQuery) : undefined;
    if (changes) {
      const compared = await this.answerChanges(changes, searchQuery, request, usage);
      if (compared) return compared;
    }

    const candidates = request.forcedKb ? [request.forcedKb] : request.allowedKbs;
    // A standard answer comes before routing and generation: the curators wrote it for this very question family.
    const standard = await this.standardAnswer(searchQuery, candidates, request.clearance);
    if (standard) return this.serveStandard(standard, request, usage);
    const route = request.forcedKb
      ? { kb: request.forcedKb, confidence: 1, scores: [{ kb: request.forcedKb, confidence: 1 }], method: 'prefix' as const }
      : await step('answer.route', () => this.route(searchQuery, candidates));
    // A question about a base nothing was ingested in: say so, and how to fill it.
    const empty = await this.emptyBases.claimedBy(searchQuery, route, candidates);
    if (empty && isOutOfScope(question)) return this.outOfScope(request, route, usage);
    if (empty) return this.emptyBase(request, { ...route, kb: empty, alsoKb: undefined }, this.catalog.get(empty).name, usage);
    const passages = await step('answer.retrieve', () => this.retrieve(searchQuery, route, request));
    // Personal identifiers (plates, e-mails…) are never in the texts: they must not lower the coverage.
    const scoredQuery = withoutPersonalData(searchQuery);
    const confidence = answerConfidence(scoredQuery, passages, route.confidence);
    const measured = { value: confidence, features: confidenceFeatures(scoredQuery, passages, route.confidence) };
    const kbName = this.catalog.get(route.kb).name;
    const languageNote = looksEnglish(question) && !/\b(?:in english|en anglais)\b/i.test(question) ? say.ANSWER_IN_FRENCH_NOTE : undefined;
    if (passages.length === 0 || confidence < (this.settings.abstainBelow ?? confidenceModelFor(passages).threshold)) {
      if (isOutOfScope(question)) return { ...this.outOfScope(request, route, usage), confidence: measured };
      return { ...(await this.abstain(request, route, passages, passages.length === 0 ? 'no-passage' : 'low-confidence', usage, kbName, languageNote)), confidence: measured };
    }

    const cacheKey = this.cacheKey(searchQuery === question ? question : `${question}\n${searchQuery}`, route, passages);
    const cached = cacheKey ? await this.state.cacheGet(cacheKey) : undefined;
    if (cached) {
      const reply = JSON.parse(cached) as Reply;
      return { reply, route, mode: this.model ? 'generative' : 'extractive', abstained: false, cached: true, citedIds: reply.citations.map((c) => c.id), usage, confidence: measured };
    }

    const notes: string[] = await this.renumberingNotes(searchQuery, route.kb);
    if (route.alsoKb) notes.push(say.routedToTwoBases(kbName, this.catalog.get(route.alsoKb).name));
    if (languageNote) notes.push(languageNote);

    let draft: DraftAnswer;
    let mode: AnswerMode = 'extractive';
    let altered = false;
    let unsupported = 0;
    // Instruction-like passages (prompt injection suspected) stay out of the model's context unless configured.
    const instructionLike = passages.filter((passage) => isInstructionLikePassage(passage));
    const cleared = this.model
      ? passages.filter((passage) => isWithinCeiling(passage.chunk.classification, this.model!.ceiling) && (this.settings.sendInstructionLike || !instructionLike.includes(passage)))
      : [];
    if (this.model && cleared.length > 0) {
      try {
        // A follow-up goes to the model as its standalone form ("et pour un contractuel ?" alone cannot be answered).
        const generated = await step('answer.generate', () => this.generate(searchQuery, cleared, request, usage));
        // Verified as the model wrote it (placeholders are not claims to check), then personal data put back.
        const checked = verifyCitations(generated.text, cleared);
        const verified = { ...checked, text: restore(checked.text, generated.mapping) };
        if (verified.rejected) {
          this.logger.info('generated answer rejected', { reason: verified.rejected, kb: route.kb, unsupported: verified.unsupported });
          // The articles the model named come first among the nearest passages: the agent can read them.
          const named = passages.filter((passage) => verified.namedIds.includes(passage.chunk.id));
          const nearest = [...named, ...passages.filter((passage) => !named.includes(passage))];
          return this.abstain(request, route, nearest, verified.rejected, usage, kbName, languageNote);
        }
        // Answers that teach: the law's decisive sentence, verbatim, before the model's paraphrase.
        const decisive = decisiveQuote(searchQuery, cleared.filter((passage) => !instructionLike.includes(passage)), verified.citations, say.DECISIVE_TEXT);
        draft = { text: decisive ? `${decisive}\n\n${verified.text}` : verified.text, citations: verified.citations };
        altered = verified.altered;
        unsupported = verified.unsupported;
        mode = 'generative';
        const withheld = passages.filter((passage) => !cleared.includes(passage) && !instructionLike.includes(passage)).slice(0, 2);
        if (withheld.length > 0) draft = appendExtractive(draft, question, withheld);
        if (instructionLike.some((passage) => !cleared.includes(passage))) notes.push(say.INSTRUCTION_LIKE_WITHHELD);
      } catch (error) {
        const failure = toPasserelleError(error);
        this.logger.warn('model call failed, extractive answer instead', { code: failure.code, error: failure.cause ?? failure });
        notes.unshift(failure.userMessage + ' Voici en attendant les extraits les plus pertinents.');
        draft = extractiveAnswer(question, passages);
      }
    } else {
      draft = extractiveAnswer(question, passages);
    }

    // A figure asked for that the cited texts leave to a decree absent from the base: say where it lies.
    const cited = new Set(draft.citations.map((citation) => citation.id));
    const figure = missingFigure(searchQuery, passages.filter((passage) => cited.has(passage.chunk.id)).map((passage) => passage.chunk.text));
    if (figure) notes.push(say.figureNotInBase(figure.where));
    // Fictional example documents are never quoted as if they were official texts.
    if (draft.citations.some((citation) => citation.example)) notes.unshift(say.EXAMPLE_SOURCES_WARNING);
    const versions = citedVersions(passages, draft.citations, findQuestionDate(searchQuery) !== undefined);
    const footer = [...(versions.length > 0 ? [say.citedVersions(versions)] : []), mode === 'generative' ? say.CHECK_SOURCE_GENERATED : say.CHECK_SOURCE_EXTRACTIVE];
    if (altered) footer.unshift(unsupported > 0 ? say.UNSUPPORTED_REMOVED : say.REFERENCES_REMOVED);
    if (isInfractionQualification(question)) footer.unshift(say.INFRACTION_RESERVATION);
    const reply: Reply = {
      kind: 'answer',
      text: [...notes, draft.text, ...footer].join('\n\n'),
      citations: draft.citations,
      suggestedActions: ['sources', 'explique'],
      // Only a model's text is AI-generated content; verbatim quotes (extractive mode) are not.
      aiGenerated: mode === 'generative',
      feedback: true,
      answerOf: { question, kb: route.kb },
    };
    if (cacheKey && mode === (this.model ? 'generative' : 'extractive') && !notes.some((note) => note.includes('modèle'))) {
      await this.state.cacheSet(cacheKey, JSON.stringify(reply), this.settings.answerCacheTtlMs);
    }
    return { reply, route, mode, abstained: false, cached: false, citedIds: reply.citations.map((c) => c.id), usage, confidence: measured, ...(mode === 'generative' && this.model ? { model: this.model.id } : {}) };
  }

  /**
   * "L'ancien article 414 correspond à l'article L. 512-1 depuis le …" for every article the question names by a
   * number the concordance table knows (renumbered by the date in force), and the reverse for a new number.
   */
  private async renumberingNotes(question: string, kb: string): Promise<string[]> {
    const concordance = this.versions?.concordance;
    if (!concordance) return [];
    const day = this.settings.inForceAt ?? new Date().toISOString().slice(0, 10);
    const notes: string[] = [];
    try {
      for (const mention of findArticleMentions(question).slice(0, 3)) {
        const forward = (await concordance.forward(kb, mention.number, mention.code)).filter((row) => !row.date || row.date <= day);
        const backward = forward.length > 0 ? [] : await concordance.backward(kb, mention.number, mention.code);
        const shown = articleNumberAsWritten(question, mention.number);
        if (forward.length > 0) notes.push(describeForward(shown, forward));
        else if (backward.length > 0) notes.push(describeBackward(shown, backward));
      }
    } catch (error) {
      this.logger.warn('concordance unavailable', { error });
    }
    return notes;
  }

  /**
   * "Où est passé l'article 414 ?": answered from the concordance table (old → new numbers, else new → old), the
   * new articles cited when the base holds them. Undefined when the table knows neither number.
   */
  private async answerWhereabouts(question: { number: string; code?: string }, text: string, request: AnswerRequest, usage: TokenUsage): Promise<AnswerOutcome | undefined> {
    const concordance = this.versions?.concordance as ConcordanceStore;
    const kb = request.forcedKb ?? (request.allowedKbs.length > 0 ? (await this.router.route(text, request.allowedKbs)).kb : undefined);
    if (!kb) return undefined;
    let forward: ConcordanceRow[];
    let backward: ConcordanceRow[];
    try {
      [forward, backward] = await Promise.all([concordance.forward(kb, question.number, question.code), concordance.backward(kb, question.number, question.code)]);
    } catch (error) {
      this.logger.warn('concordance unavailable', { error });
      return undefined;
    }
    if (forward.length === 0 && backward.length === 0) return undefined;
    const shown = articleNumberAsWritten(request.question, question.number);
    const sentences = [...(forward.length > 0 ? [describeForward(shown, forward)] : []), ...(backward.length > 0 ? [describeBackward(shown, backward)] : [])];
    const citations: PassageCitation[] = [];
    for (const row of forward) {
      if (!row.newNumber) continue;
      const first = await (this.versions as { history: ArticleHistory }).history.inForce(kb, row.newNumber, request.clearance, row.newCode ?? row.code, this.settings.inForceAt);
      if (first && !citations.some((citation) => citation.id === first.id)) citations.push(citationOf(first, citations.length + 1));
    }
    const body = [sentences.join('\n'), ...(citations.length > 0 ? [citations.map((citation) => `- [${citation.index}] ${citation.title}`).join('\n')] : []), say.CONCORDANCE_SOURCE].join('\n\n');
    return this.versionAnswer(body, citations, request, kb, usage);
  }

  /**
   * What changed in a named article between two versions (default: the one before the version in force, and that
   * one), both versions cited. Undefined when the base holds no such article: the question is then answered as any.
   */
  private async answerChanges(question: ChangeQuestion, text: string, request: AnswerRequest, usage: TokenUsage): Promise<AnswerOutcome | undefined> {
    const history = (this.versions as { history: ArticleHistory }).history;
    const kb = request.forcedKb ?? (request.allowedKbs.length > 0 ? (await this.router.route(text, request.allowedKbs)).kb : undefined);
    if (!kb) return undefined;
    let comparison: VersionComparison;
    try {
      comparison = await history.compare({
        kb,
        number: question.number,
        clearance: request.clearance,
        ...(question.code ? { code: question.code } : {}),
        ...(question.from ? { from: question.from } : {}),
        ...(question.to ? { to: question.to } : {}),
      });
    } catch (error) {
      const failure = toPasserelleError(error);
      if (failure.code === 'ARTICLE_VERSION_NOT_FOUND') {
        const route: RouteDecision = { kb, confidence: 1, scores: [{ kb, confidence: 1 }], method: 'single' };
        return { reply: notice(failure.userMessage), route, mode: 'abstention', abstained: true, cached: false, citedIds: [], usage };
      }
      this.logger.info('article versions not compared', { code: failure.code, kb });
      return undefined;
    }
    const { from, to } = comparison;
    const citations = from === to ? [citationOf(to.chunk, 1)] : [citationOf(from.chunk, 1), citationOf(to.chunk, 2)];
    const lines = changeLines(comparison.changes);
    const body =
      from === to
        ? question.from
          ? say.articleUnchangedSince(comparison.article, frenchDate(question.from), describeVersion(to.article))
          : say.articleSingleVersion(comparison.article, describeVersion(to.article))
        : lines.length === 0
          ? say.articleUnchanged(comparison.article, describeVersion(from.article), describeVersion(to.article))
          : say.articleChanges(comparison.article, describeVersion(from.article), describeVersion(to.article), lines.slice(0, 8).map((line) => describeChange(line)), lines.length);
    return this.versionAnswer([body, say.CHECK_SOURCE_EXTRACTIVE].join('\n\n'), citations, request, kb, usage);
  }

  /** An answer about an article's versions or numbering (a fixed text over the cited versions: not AI-generated). */
  private versionAnswer(text: string, citations: Reply['citations'], request: AnswerRequest, kb: string, usage: TokenUsage): AnswerOutcome {
    const reply: Reply = { kind: 'answer', text, citations, suggestedActions: ['sources'], aiGenerated: false, feedback: true, answerOf: { question: request.question, kb } };
    const route: RouteDecision = { kb, confidence: 1, scores: [{ kb, confidence: 1 }], method: request.forcedKb ? 'prefix' : 'single' };
    return { reply, route, mode: 'extractive', abstained: false, cached: false, citedIds: citations.map((citation) => citation.id), usage };
  }

  /** The router's decision; a model's decision is cached like answers, so that a cached answer costs no model call. */
  private async route(query: string, candidates: string[]): Promise<RouteDecision> {
    if (!this.model || this.settings.answerCacheTtlMs <= 0) return this.router.route(query, candidates);
    const normalised = foldText(query).replace(/[^\p{L}\p{N}]+/gu, ' ').trim();
    const key = `route:${createHash('sha256').update([normalised, [...candidates].sort().join(','), this.model.id].join('\n')).digest('hex')}`;
    const cached = await this.state.cacheGet(key);
    if (cached) return JSON.parse(cached) as RouteDecision;
    const decision = await this.router.route(query, candidates);
    if (decision.method === 'model') await this.state.cacheSet(key, JSON.stringify(decision), this.settings.answerCacheTtlMs);
    return decision;
  }

  private async retrieve(query: string, route: RouteDecision, request: AnswerRequest): Promise<RetrievedPassage[]> {
    const common = { question: query, maxClassification: request.clearance, ...(this.settings.inForceAt ? { inForceAt: this.settings.inForceAt } : {}) };
    const retrieved = await this.retriever.retrieve({ ...common, kb: route.kb, limit: 5 });
    const primary = { passages: await this.adjusted(query, route.kb, retrieved.passages, request) };
    if (!route.alsoKb) return primary.passages;
    const secondary = await this.retriever.retrieve({ ...common, kb: route.alsoKb, limit: 2 });
    return [...primary.passages, ...secondary.passages];
  }

  /** The published standard answer for the question, if any; a curation store that fails does not stop the answer. */
  private async standardAnswer(question: string, kbs: string[], clearance: Classification): Promise<StandardAnswerMatch | undefined> {
    try {
      return await this.curation?.standardAnswer(question, kbs, clearance);
    } catch (error) {
      this.logger.warn('standard answers unavailable', { error });
      return undefined;
    }
  }

  /** The curators' passage rules (boost, hide) for the question's family. */
  private async adjusted(question: string, kb: string, passages: RetrievedPassage[], request: AnswerRequest): Promise<RetrievedPassage[]> {
    if (!this.curation) return passages;
    try {
      return await this.curation.adjust(question, kb, passages, request.clearance);
    } catch (error) {
      this.logger.warn('passage rules unavailable', { error });
      return passages;
    }
  }

  private serveStandard(match: StandardAnswerMatch, request: AnswerRequest, usage: TokenUsage): AnswerOutcome {
    const { version } = match;
    const citations = match.sources.map((chunk, index) => citationOf(chunk, index + 1));
    const reply: Reply = {
      kind: 'answer',
      text: [version.text, say.standardAnswerNote(version.version, version.reviewedAt ?? version.createdAt)].join('\n\n'),
      citations,
      suggestedActions: ['sources'],
      // Written by curators and reviewed by a second one: not AI-generated content.
      aiGenerated: false,
      feedback: true,
      answerOf: { question: request.question, kb: version.kb },
    };
    const route: RouteDecision = { kb: version.kb, confidence: 1, scores: [{ kb: version.kb, confidence: 1 }], method: 'single' };
    return { reply, route, mode: 'standard', abstained: false, cached: false, citedIds: citations.map((citation) => citation.id), usage };
  }

  private async generate(question: string, passages: RetrievedPassage[], request: AnswerRequest, usage: TokenUsage): Promise<{ text: string; mapping: RedactionMapping }> {
    const model = this.model as ChatModel;
    // Personal data never leaves; the placeholders the model writes back are restored in what the agent reads.
    const redactedQuestion = redactPersonalData(question);
    let mapping = redactedQuestion.mapping;
    // Passages above the configured label too (an internal note naming an agent), with the same placeholders.
    const limit = classificationRank(this.settings.redactPassagesAbove ?? 'public');
    const sent = passages.map((passage) => {
      if (classificationRank(passage.chunk.classification) <= limit) return passage;
      const redacted = redactPersonalData(passage.chunk.text, mapping);
      mapping = redacted.mapping;
      return redacted.redacted.length === 0 ? passage : { ...passage, chunk: { ...passage.chunk, text: redacted.text } };
    });
    let partial = '';
    const waiting = this.waitTimer(request);
    const completion = await model.complete(buildPrompt(redactedQuestion.text, sent), {
      signal: AbortSignal.timeout(this.settings.answerTimeoutMs),
      ...(request.onPartial
        ? {
            onDelta: (delta: string) => {
              // Text on screen: no need to say that the answer is being written.
              if (delta.trim() !== '') waiting.stop();
              partial += delta;
              // Partial text is shown to the user: unverifiable references and links never appear, even briefly.
              request.onPartial?.(restore(verifyCitations(partial, passages, { partial: true }).text, mapping));
            },
          }
        : {}),
    }).finally(() => waiting.stop());
    usage.inputTokens += completion.usage.inputTokens;
    usage.outputTokens += completion.usage.outputTokens;
    if (completion.text.trim() === '') throw new PasserelleError('MODEL_BAD_RESPONSE', {}, { cause: new Error('empty completion') });
    return { text: completion.text, mapping };
  }

  /** `work`, with `request.onWaiting` called if it keeps the agent waiting `progressAfterMs`. */
  private async whileWaiting<T>(request: AnswerRequest, work: Promise<T>): Promise<T> {
    const waiting = this.waitTimer(request);
    try {
      return await work;
    } finally {
      waiting.stop();
    }
  }

  /** Calls `request.onWaiting` after `progressAfterMs`, at most once per request, unless stopped first. */
  private waitTimer(request: AnswerRequest): { stop(): void } {
    const notify = request.onWaiting;
    if (!notify || waitingShown.has(request)) return { stop() {} };
    const timer = setTimeout(() => {
      waitingShown.add(request);
      notify();
    }, this.settings.progressAfterMs ?? 2_000);
    timer.unref?.();
    return { stop: () => clearTimeout(timer) };
  }

  /** A standalone search query for a follow-up: rewritten by the model, else joined to the previous question. */
  private async resolveFollowUp(question: string, request: AnswerRequest, usage: TokenUsage): Promise<string> {
    if (!looksLikeFollowUp(question)) return question;
    const turns = await this.memory.recent(request.conversationKey);
    const previous = [...turns].reverse().find((turn) => turn.role === 'user');
    if (!previous) return question;
    if (this.model) {
      try {
        // Only the agent's own earlier questions: the bot's answers quote passages that may be above the model's clearance.
        const history: ChatMessage[] = turns
          .filter((turn) => turn.role === 'user')
          .slice(-3)
          .map((turn) => ({ role: turn.role, content: redactPersonalData(turn.text.slice(0, 1_500)).text }));
        const completion = await this.whileWaiting(request, this.model.complete(buildRewritePrompt(redactPersonalData(question).text, history), {
          maxTokens: 120,
          temperature: 0,
          signal: AbortSignal.timeout(Math.min(this.settings.answerTimeoutMs, 15_000)),
        }));
        usage.inputTokens += completion.usage.inputTokens;
        usage.outputTokens += completion.usage.outputTokens;
        const rewritten = completion.text.trim().split('\n')[0]?.trim();
        if (rewritten && rewritten.length < 1_000) return rewritten;
      } catch (error) {
        this.logger.warn('follow-up rewrite failed', { error });
      }
    }
    return `${previous.text} ${question}`;
  }

  private async refuseProceduralAct(
    drafting: { act: string; lookup: string },
    request: AnswerRequest,
    usage: TokenUsage,
  ): Promise<AnswerOutcome> {
    // The texts governing the act: the forced base, else the base the router picks for the act's description.
    const kb = request.forcedKb ?? (request.allowedKbs.length > 0 ? (await this.router.route(drafting.lookup, request.allowedKbs)).kb : undefined);
    let citations: PassageCitation[] = [];
    if (kb) {
      const result = await this.retriever.retrieve({ question: drafting.lookup, kb, maxClassification: request.clearance, limit: 3 });
      citations = result.passages.map((passage, index) => citationOf(passage.chunk, index + 1));
    }
    const list = citations.map((citation) => `- [${citation.index}] ${citation.title}`).join('\n');
    return {
      reply: {
        kind: 'notice',
        text: [say.proceduralRefusal(drafting.act), list].filter(Boolean).join('\n\n'),
        citations: citations,
        suggestedActions: ['aide'],
        // A fixed text: nothing was generated.
        aiGenerated: false,
        feedback: true,
        answerOf: { question: request.question, ...(kb ? { kb } : {}) },
      },
      ...(kb ? { route: { kb, confidence: 1, scores: [{ kb, confidence: 1 }], method: request.forcedKb === kb ? ('prefix' as const) : ('single' as const) } } : {}),
      mode: 'refusal',
      abstained: false,
      cached: false,
      citedIds: citations.map((citation) => citation.id),
      usage,
    };
  }

  private async abstain(
    request: AnswerRequest,
    route: RouteDecision,
    passages: RetrievedPassage[],
    reason: string,
    usage: TokenUsage,
    kbName: string,
    note?: string,
  ): Promise<AnswerOutcome> {
    const nearest = passages.slice(0, 3).map((passage, index) => citationOf(passage.chunk, index + 1));
    await this.state.recordUnanswered({
      channel: request.channel,
      userHash: request.userHash,
      // Stored pseudonymised: the curators need the question, not the agent's or a third party's personal data.
      question: redactPersonalData(request.question).text,
      kb: route.kb,
      reason,
      nearestIds: nearest.map((citation) => citation.id),
      at: new Date().toISOString(),
    });
    const list = nearest.map((citation) => `- [${citation.index}] ${citation.title}`).join('\n');
    const examples = nearest.some((citation) => citation.example) ? say.EXAMPLE_SOURCES_WARNING : undefined;
    return {
      reply: {
        kind: 'answer',
        text: [note, say.abstention(kbName, nearest.length > 0), list, examples].filter(Boolean).join('\n\n'),
        citations: nearest,
        suggestedActions: ['aide'],
        // A fixed text and the nearest passages' titles: nothing was generated.
        aiGenerated: false,
        feedback: true,
        answerOf: { question: request.question, kb: route.kb },
      },
      route,
      mode: 'abstention',
      abstained: true,
      cached: false,
      citedIds: [],
      usage,
      ...(this.model && usage.outputTokens > 0 ? { model: this.model.id } : {}),
    };
  }

  /** A question plainly outside the bases: said plainly; no nearest passages, nothing for the curators. */
  private outOfScope(request: AnswerRequest, route: RouteDecision, usage: TokenUsage): AnswerOutcome {
    return this.plainNotice(say.outOfScope(request.allowedKbs.map((kb) => this.catalog.get(kb).name)), request, route, usage);
  }

  /** Nothing was ever ingested in the base: say so and how to fill it (not "no reliable answer"; nothing for curators). */
  private emptyBase(request: AnswerRequest, route: RouteDecision, kbName: string, usage: TokenUsage): AnswerOutcome {
    return this.plainNotice(say.emptyBase(kbName, route.kb), request, route, usage);
  }

  /** A declined question answered by a plain French notice: no passages, no rating, not AI-generated. */
  private plainNotice(text: string, request: AnswerRequest, route: RouteDecision, usage: TokenUsage): AnswerOutcome {
    return {
      reply: { kind: 'answer', text, citations: [], suggestedActions: ['aide'], aiGenerated: false, feedback: false, answerOf: { question: request.question, kb: route.kb } },
      route,
      mode: 'abstention',
      abstained: true,
      cached: false,
      citedIds: [],
      usage,
    };
  }

  /** Normalised question + base + the exact passages (ids and content hashes) + model: re-ingestion changes the key. */
  private cacheKey(question: string, route: RouteDecision, passages: RetrievedPassage[]): string | undefined {
    if (this.settings.answerCacheTtlMs <= 0) return undefined;
    const normalised = foldText(question).replace(/[^\p{L}\p{N}]+/gu, ' ').trim();
    const signature = passages.map((passage) => `${passage.chunk.id}@${passage.chunk.contentHash}`).join('|');
    const digest = createHash('sha256').update([normalised, route.kb, route.alsoKb ?? '', signature, this.model?.id ?? 'extractive'].join('\n')).digest('hex');
    return `answer:${route.kb}:${digest}`;
  }
}

/** Flagged at ingestion, or (passages ingested before the check) instruction-like now. */
function isInstructionLikePassage(passage: RetrievedPassage): boolean {
  return (passage.chunk.instructionLike?.length ?? 0) > 0 || isInstructionLike(passage.chunk.text);
}

function appendExtractive(draft: DraftAnswer, question: string, withheld: RetrievedPassage[]): DraftAnswer {
  const extra = extractiveAnswer(question, withheld, withheld.length);
  const offset = draft.citations.length;
  const text = extra.text
    .replace(/^[^\n]*\n\n/, '')
    .replace(/\[(\d+)\]/g, (_, n: string) => `[${Number(n) + offset}]`);
  return {
    text: `${draft.text}\n\nExtraits complémentaires (non transmis au modèle en raison de leur classification) :\n\n${text}`,
    citations: [...draft.citations, ...extra.citations.map((citation) => ({ ...citation, index: citation.index + offset }))],
  };
}

const ENGLISH = /\b(?:the|what|which|how|is|are|can|does|do|customs|officer|leave|should|must|when|where)\b/gi;
const FRENCH = /\b(?:le|la|les|des|du|est|sont|une|un|quel|quelle|comment|peut|doit|agent|douane)\b/gi;

function looksEnglish(text: string): boolean {
  const english = text.match(ENGLISH)?.length ?? 0;
  const french = text.match(FRENCH)?.length ?? 0;
  return english >= 2 && english > french * 2;
}

/** One timed step of an answer: a histogram observation and a span. */
async function step<T>(name: string, work: () => Promise<T>): Promise<T> {
  const started = performance.now();
  try {
    return await inSpan(`passerelle.${name}`, {}, work);
  } finally {
    metrics.stageSeconds.observe({ stage: name }, secondsSince(started));
  }
}

/** The answer's metrics: the question by base, channel and outcome; its time; the model's tokens and energy. */
function observeAnswer(channel: ChannelName, outcome: AnswerOutcome, modelId: string | undefined, whPer1kTokens: number, seconds: number): void {
  const kb = outcome.route?.kb ?? 'aucune';
  metrics.questions.inc({ kb, channel, outcome: outcome.mode });
  metrics.answerSeconds.observe({ channel, outcome: outcome.mode }, seconds);
  const { inputTokens, outputTokens } = outcome.usage;
  if (inputTokens + outputTokens === 0) return;
  const model = outcome.model ?? modelId ?? 'inconnu';
  metrics.modelTokens.inc({ model, direction: 'input' }, inputTokens);
  metrics.modelTokens.inc({ model, direction: 'output' }, outputTokens);
  metrics.energy.inc({ kb }, ((inputTokens + outputTokens) / 1000) * whPer1kTokens);
}

/**
 * The versions of the cited articles, named when it matters: the base holds several versions of the article, the
 * version cited is no longer in force, or the question asked for a date.
 */
function citedVersions(passages: RetrievedPassage[], citations: readonly PassageCitation[], dated: boolean): Array<{ title: string; label: string; url?: string }> {
  const cited = new Set(citations.map((citation) => citation.id));
  const seen = new Set<string>();
  const lines: Array<{ title: string; label: string; url?: string }> = [];
  for (const { chunk } of passages) {
    const article = chunk.article;
    if (!cited.has(chunk.id) || !article?.versionId || seen.has(article.versionId)) continue;
    if (!dated && (article.versions ?? 1) < 2 && !article.validTo) continue;
    seen.add(article.versionId);
    const url = versionUrl(chunk);
    lines.push({ title: chunk.title, label: describeVersion(article), ...(url ? { url } : {}) });
  }
  return lines.slice(0, 3);
}

/** The article number as the agent wrote it ("L. 512-1", "67 bis"), else its normalised form. */
function articleNumberAsWritten(question: string, normalised: string): string {
  for (const match of question.matchAll(/\bart(?:icle)?s?\.?\s+((?:[LRD]\.?\s?\*?\s?)?\d{1,4}(?:-\d{1,4}){0,3}(?:\s?(?:bis|ter|quater|quinquies|sexies|septies|octies|nonies|novies|decies))?(?:\s?[A-Z](?![\p{L}]))?)/giu)) {
    const written = (match[1] as string).trim();
    if (numberKey(written) === numberKey(normalised) || normaliseArticleNumber(written) === normalised) return written;
  }
  return normalised;
}
