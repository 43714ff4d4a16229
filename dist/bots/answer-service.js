import { createHash } from 'node:crypto';
import { foldText } from "../knowledge/analysis/normalise.js";
import { citationOf } from "../knowledge/answering/citations.js";
import { verifyCitations } from "../knowledge/answering/citation-verifier.js";
import { decisiveQuote } from "../knowledge/answering/decisive-sentence.js";
import { answerConfidence, CONFIDENCE_MODEL, confidenceFeatures } from "../knowledge/answering/confidence.js";
import { extractiveAnswer } from "../knowledge/answering/extractive-answerer.js";
import { buildPrompt, buildRewritePrompt } from "../knowledge/answering/prompt.js";
import { isInfractionQualification } from "../knowledge/policies/infraction-qualification.js";
import { detectProceduralDrafting } from "../knowledge/policies/procedural-acts.js";
import { redactPersonalData, restore, withoutPersonalData } from "../knowledge/policies/redaction.js";
import { isWithinCeiling } from "../knowledge/types.js";
import { looksLikeFollowUp } from "./conversation-memory.js";
import { PasserelleError, toPasserelleError } from "./errors.js";
import { metrics, secondsSince } from "./metrics.js";
import { inSpan } from "./tracing.js";
import * as say from "./user-messages.js";
const ZERO_USAGE = { inputTokens: 0, outputTokens: 0 };
export class AnswerService {
    catalog;
    retriever;
    router;
    model;
    memory;
    state;
    settings;
    logger;
    curation;
    constructor(catalog, retriever, router, model, memory, state, settings, logger, 
    /** Curators' standard answers and passage rules (the console); absent: none. */
    curation) {
        this.catalog = catalog;
        this.retriever = retriever;
        this.router = router;
        this.model = model;
        this.memory = memory;
        this.state = state;
        this.settings = settings;
        this.logger = logger;
        this.curation = curation;
    }
    async answer(request) {
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
    async produce(request) {
        const usage = { ...ZERO_USAGE };
        const question = request.question.trim();
        const searchQuery = await this.resolveFollowUp(question, request.conversationKey, usage);
        const drafting = detectProceduralDrafting(question);
        if (drafting)
            return this.refuseProceduralAct(drafting, request, usage);
        const candidates = request.forcedKb ? [request.forcedKb] : request.allowedKbs;
        // A standard answer comes before routing and generation: the curators wrote it for this very question family.
        const standard = await this.standardAnswer(searchQuery, candidates, request.clearance);
        if (standard)
            return this.serveStandard(standard, request, usage);
        const route = request.forcedKb
            ? { kb: request.forcedKb, confidence: 1, scores: [{ kb: request.forcedKb, confidence: 1 }], method: 'prefix' }
            : await step('answer.route', () => this.route(searchQuery, candidates));
        const passages = await step('answer.retrieve', () => this.retrieve(searchQuery, route, request));
        // Personal identifiers (plates, e-mails…) are never in the texts: they must not lower the coverage.
        const scoredQuery = withoutPersonalData(searchQuery);
        const confidence = answerConfidence(scoredQuery, passages, route.confidence);
        const measured = { value: confidence, features: confidenceFeatures(scoredQuery, passages, route.confidence) };
        const kbName = this.catalog.get(route.kb).name;
        const languageNote = looksEnglish(question) && !/\b(?:in english|en anglais)\b/i.test(question) ? say.ANSWER_IN_FRENCH_NOTE : undefined;
        if (passages.length === 0 || confidence < (this.settings.abstainBelow ?? CONFIDENCE_MODEL.threshold)) {
            return { ...(await this.abstain(request, route, passages, passages.length === 0 ? 'no-passage' : 'low-confidence', usage, kbName, languageNote)), confidence: measured };
        }
        const cacheKey = this.cacheKey(searchQuery === question ? question : `${question}\n${searchQuery}`, route, passages);
        const cached = cacheKey ? await this.state.cacheGet(cacheKey) : undefined;
        if (cached) {
            const reply = JSON.parse(cached);
            return { reply, route, mode: this.model ? 'generative' : 'extractive', abstained: false, cached: true, citedIds: reply.citations.map((c) => c.id), usage, confidence: measured };
        }
        const notes = [];
        if (route.alsoKb)
            notes.push(say.routedToTwoBases(kbName, this.catalog.get(route.alsoKb).name));
        if (languageNote)
            notes.push(languageNote);
        let draft;
        let mode = 'extractive';
        let altered = false;
        const cleared = this.model ? passages.filter((passage) => isWithinCeiling(passage.chunk.classification, this.model.ceiling)) : [];
        if (this.model && cleared.length > 0) {
            try {
                // A follow-up goes to the model as its standalone form ("et pour un contractuel ?" alone cannot be answered).
                const generated = await step('answer.generate', () => this.generate(searchQuery, cleared, request, usage));
                const verified = verifyCitations(generated, cleared);
                if (verified.rejected) {
                    this.logger.info('generated answer rejected', { reason: verified.rejected, kb: route.kb });
                    return this.abstain(request, route, passages, verified.rejected, usage, kbName, languageNote);
                }
                // Answers that teach: the law's decisive sentence, verbatim, before the model's paraphrase.
                const decisive = decisiveQuote(searchQuery, cleared, verified.citations, say.DECISIVE_TEXT);
                draft = { text: decisive ? `${decisive}\n\n${verified.text}` : verified.text, citations: verified.citations };
                altered = verified.altered;
                mode = 'generative';
                const withheld = passages.filter((passage) => !cleared.includes(passage)).slice(0, 2);
                if (withheld.length > 0)
                    draft = appendExtractive(draft, question, withheld);
            }
            catch (error) {
                const failure = toPasserelleError(error);
                this.logger.warn('model call failed, extractive answer instead', { code: failure.code, error: failure.cause ?? failure });
                notes.unshift(failure.userMessage + ' Voici en attendant les extraits les plus pertinents.');
                draft = extractiveAnswer(question, passages);
            }
        }
        else {
            draft = extractiveAnswer(question, passages);
        }
        const footer = [mode === 'generative' ? say.CHECK_SOURCE_GENERATED : say.CHECK_SOURCE_EXTRACTIVE];
        if (altered)
            footer.unshift(say.REFERENCES_REMOVED);
        if (isInfractionQualification(question))
            footer.unshift(say.INFRACTION_RESERVATION);
        const reply = {
            kind: 'answer',
            text: [...notes, draft.text, ...footer].join('\n\n'),
            citations: draft.citations,
            suggestedActions: ['sources', 'explique'],
            aiGenerated: true,
            feedback: true,
            answerOf: { question, kb: route.kb },
        };
        if (cacheKey && mode === (this.model ? 'generative' : 'extractive') && !notes.some((note) => note.includes('modèle'))) {
            await this.state.cacheSet(cacheKey, JSON.stringify(reply), this.settings.answerCacheTtlMs);
        }
        return { reply, route, mode, abstained: false, cached: false, citedIds: reply.citations.map((c) => c.id), usage, confidence: measured, ...(mode === 'generative' && this.model ? { model: this.model.id } : {}) };
    }
    /** The router's decision; a model's decision is cached like answers, so that a cached answer costs no model call. */
    async route(query, candidates) {
        if (!this.model || this.settings.answerCacheTtlMs <= 0)
            return this.router.route(query, candidates);
        const normalised = foldText(query).replace(/[^\p{L}\p{N}]+/gu, ' ').trim();
        const key = `route:${createHash('sha256').update([normalised, [...candidates].sort().join(','), this.model.id].join('\n')).digest('hex')}`;
        const cached = await this.state.cacheGet(key);
        if (cached)
            return JSON.parse(cached);
        const decision = await this.router.route(query, candidates);
        if (decision.method === 'model')
            await this.state.cacheSet(key, JSON.stringify(decision), this.settings.answerCacheTtlMs);
        return decision;
    }
    async retrieve(query, route, request) {
        const common = { question: query, maxClassification: request.clearance, ...(this.settings.inForceAt ? { inForceAt: this.settings.inForceAt } : {}) };
        const retrieved = await this.retriever.retrieve({ ...common, kb: route.kb, limit: 5 });
        const primary = { passages: await this.adjusted(query, route.kb, retrieved.passages, request) };
        if (!route.alsoKb)
            return primary.passages;
        const secondary = await this.retriever.retrieve({ ...common, kb: route.alsoKb, limit: 2 });
        return [...primary.passages, ...secondary.passages];
    }
    /** The published standard answer for the question, if any; a curation store that fails does not stop the answer. */
    async standardAnswer(question, kbs, clearance) {
        try {
            return await this.curation?.standardAnswer(question, kbs, clearance);
        }
        catch (error) {
            this.logger.warn('standard answers unavailable', { error });
            return undefined;
        }
    }
    /** The curators' passage rules (boost, hide) for the question's family. */
    async adjusted(question, kb, passages, request) {
        if (!this.curation)
            return passages;
        try {
            return await this.curation.adjust(question, kb, passages, request.clearance);
        }
        catch (error) {
            this.logger.warn('passage rules unavailable', { error });
            return passages;
        }
    }
    serveStandard(match, request, usage) {
        const { version } = match;
        const citations = match.sources.map((chunk, index) => citationOf(chunk, index + 1));
        const reply = {
            kind: 'answer',
            text: [version.text, say.standardAnswerNote(version.version, version.reviewedAt ?? version.createdAt)].join('\n\n'),
            citations,
            suggestedActions: ['sources'],
            // Written by curators and reviewed by a second one: not AI-generated content.
            aiGenerated: false,
            feedback: true,
            answerOf: { question: request.question, kb: version.kb },
        };
        const route = { kb: version.kb, confidence: 1, scores: [{ kb: version.kb, confidence: 1 }], method: 'single' };
        return { reply, route, mode: 'standard', abstained: false, cached: false, citedIds: citations.map((citation) => citation.id), usage };
    }
    async generate(question, passages, request, usage) {
        const model = this.model;
        // Personal data never leaves; the placeholders the model writes back are restored in what the agent reads.
        const { text: safeQuestion, mapping } = redactPersonalData(question);
        let partial = '';
        const completion = await model.complete(buildPrompt(safeQuestion, passages), {
            signal: AbortSignal.timeout(this.settings.answerTimeoutMs),
            ...(request.onPartial
                ? {
                    onDelta: (delta) => {
                        partial += delta;
                        // Partial text is shown to the user: unverifiable references and links never appear, even briefly.
                        request.onPartial?.(restore(verifyCitations(partial, passages).text, mapping));
                    },
                }
                : {}),
        });
        usage.inputTokens += completion.usage.inputTokens;
        usage.outputTokens += completion.usage.outputTokens;
        if (completion.text.trim() === '')
            throw new PasserelleError('MODEL_BAD_RESPONSE', {}, { cause: new Error('empty completion') });
        return restore(completion.text, mapping);
    }
    /** A standalone search query for a follow-up: rewritten by the model, else joined to the previous question. */
    async resolveFollowUp(question, conversationKey, usage) {
        if (!looksLikeFollowUp(question))
            return question;
        const turns = await this.memory.recent(conversationKey);
        const previous = [...turns].reverse().find((turn) => turn.role === 'user');
        if (!previous)
            return question;
        if (this.model) {
            try {
                // Only the agent's own earlier questions: the bot's answers quote passages that may be above the model's clearance.
                const history = turns
                    .filter((turn) => turn.role === 'user')
                    .slice(-3)
                    .map((turn) => ({ role: turn.role, content: redactPersonalData(turn.text.slice(0, 1_500)).text }));
                const completion = await this.model.complete(buildRewritePrompt(redactPersonalData(question).text, history), {
                    maxTokens: 120,
                    temperature: 0,
                    signal: AbortSignal.timeout(Math.min(this.settings.answerTimeoutMs, 15_000)),
                });
                usage.inputTokens += completion.usage.inputTokens;
                usage.outputTokens += completion.usage.outputTokens;
                const rewritten = completion.text.trim().split('\n')[0]?.trim();
                if (rewritten && rewritten.length < 1_000)
                    return rewritten;
            }
            catch (error) {
                this.logger.warn('follow-up rewrite failed', { error });
            }
        }
        return `${previous.text} ${question}`;
    }
    async refuseProceduralAct(drafting, request, usage) {
        // The texts governing the act: the forced base, else the base the router picks for the act's description.
        const kb = request.forcedKb ?? (request.allowedKbs.length > 0 ? (await this.router.route(drafting.lookup, request.allowedKbs)).kb : undefined);
        let citations = [];
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
                aiGenerated: true,
                feedback: true,
                answerOf: { question: request.question, ...(kb ? { kb } : {}) },
            },
            ...(kb ? { route: { kb, confidence: 1, scores: [{ kb, confidence: 1 }], method: request.forcedKb === kb ? 'prefix' : 'single' } } : {}),
            mode: 'refusal',
            abstained: false,
            cached: false,
            citedIds: citations.map((citation) => citation.id),
            usage,
        };
    }
    async abstain(request, route, passages, reason, usage, kbName, note) {
        const nearest = passages.slice(0, 3).map((passage, index) => citationOf(passage.chunk, index + 1));
        await this.state.recordUnanswered({
            channel: request.channel,
            userHash: request.userHash,
            question: request.question,
            kb: route.kb,
            reason,
            nearestIds: nearest.map((citation) => citation.id),
            at: new Date().toISOString(),
        });
        const list = nearest.map((citation) => `- [${citation.index}] ${citation.title}`).join('\n');
        return {
            reply: {
                kind: 'answer',
                text: [note, say.abstention(kbName, nearest.length > 0), list].filter(Boolean).join('\n\n'),
                citations: nearest,
                suggestedActions: ['aide'],
                aiGenerated: true,
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
    /** Normalised question + base + the exact passages (ids and content hashes) + model: re-ingestion changes the key. */
    cacheKey(question, route, passages) {
        if (this.settings.answerCacheTtlMs <= 0)
            return undefined;
        const normalised = foldText(question).replace(/[^\p{L}\p{N}]+/gu, ' ').trim();
        const signature = passages.map((passage) => `${passage.chunk.id}@${passage.chunk.contentHash}`).join('|');
        const digest = createHash('sha256').update([normalised, route.kb, route.alsoKb ?? '', signature, this.model?.id ?? 'extractive'].join('\n')).digest('hex');
        return `answer:${route.kb}:${digest}`;
    }
}
function appendExtractive(draft, question, withheld) {
    const extra = extractiveAnswer(question, withheld, withheld.length);
    const offset = draft.citations.length;
    const text = extra.text
        .replace(/^[^\n]*\n\n/, '')
        .replace(/\[(\d+)\]/g, (_, n) => `[${Number(n) + offset}]`);
    return {
        text: `${draft.text}\n\nExtraits complémentaires (non transmis au modèle en raison de leur classification) :\n\n${text}`,
        citations: [...draft.citations, ...extra.citations.map((citation) => ({ ...citation, index: citation.index + offset }))],
    };
}
const ENGLISH = /\b(?:the|what|which|how|is|are|can|does|do|customs|officer|leave|should|must|when|where)\b/gi;
const FRENCH = /\b(?:le|la|les|des|du|est|sont|une|un|quel|quelle|comment|peut|doit|agent|douane)\b/gi;
function looksEnglish(text) {
    const english = text.match(ENGLISH)?.length ?? 0;
    const french = text.match(FRENCH)?.length ?? 0;
    return english >= 2 && english > french * 2;
}
/** One timed step of an answer: a histogram observation and a span. */
async function step(name, work) {
    const started = performance.now();
    try {
        return await inSpan(`passerelle.${name}`, {}, work);
    }
    finally {
        metrics.stageSeconds.observe({ stage: name }, secondsSince(started));
    }
}
/** The answer's metrics: the question by base, channel and outcome; its time; the model's tokens and energy. */
function observeAnswer(channel, outcome, modelId, whPer1kTokens, seconds) {
    const kb = outcome.route?.kb ?? 'aucune';
    metrics.questions.inc({ kb, channel, outcome: outcome.mode });
    metrics.answerSeconds.observe({ channel, outcome: outcome.mode }, seconds);
    const { inputTokens, outputTokens } = outcome.usage;
    if (inputTokens + outputTokens === 0)
        return;
    const model = outcome.model ?? modelId ?? 'inconnu';
    metrics.modelTokens.inc({ model, direction: 'input' }, inputTokens);
    metrics.modelTokens.inc({ model, direction: 'output' }, outputTokens);
    metrics.energy.inc({ kb }, ((inputTokens + outputTokens) / 1000) * whPer1kTokens);
}
