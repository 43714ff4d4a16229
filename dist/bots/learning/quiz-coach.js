import { citationOf } from "../../knowledge/answering/citations.js";
import { readAnswer } from "../../knowledge/learning/answer-matching.js";
import { seededRandom } from "../../knowledge/learning/quiz-generator.js";
import { blankedSentence, highlightedSentence } from "../../knowledge/learning/quiz-item.js";
import { isWithinCeiling } from "../../knowledge/types.js";
import { PasserelleError } from "../errors.js";
import { notice } from "../reply.js";
import * as say from "./messages.js";
import { itemsInScope, parseQuizScope } from "./quiz-scope.js";
import { nextReview } from "./spaced-repetition.js";
/** Words that end a quiz, or reveal the answer, instead of answering. */
export const STOP_WORDS = /^(?:stop|fin|arr[eê]te[rz]?|quitte[rz]?|termin[eé]r?)\s*[.!]*$/iu;
const SKIP_WORDS = /^(?:passe[rz]?|je ne sais pas|sais pas|aucune id[ée]e|\?+|joker)\s*[.!]*$/iu;
export class QuizCoach {
    bank;
    store;
    retriever;
    catalog;
    prefixes;
    settings;
    now;
    constructor(bank, store, retriever, catalog, prefixes, settings, now) {
        this.bank = bank;
        this.store = store;
        this.retriever = retriever;
        this.catalog = catalog;
        this.prefixes = prefixes;
        this.settings = settings;
        this.now = now;
    }
    async start(turn, learner, text) {
        const parsed = parseQuizScope(text, this.prefixes);
        if (parsed.kb && !learner.allowedKbs.includes(parsed.kb))
            throw new PasserelleError('QUIZ_NOTHING_TO_ASK', { scope: text });
        const candidates = await this.candidates(parsed, learner);
        if (candidates.length === 0)
            throw new PasserelleError('QUIZ_NOTHING_TO_ASK', { scope: parsed.label ?? 'vos bases' });
        const now = this.now();
        const byId = new Set(candidates.map((item) => item.id));
        const due = (await this.store.dueReviews(learner.hash, now.toISOString(), 500)).filter((review) => byId.has(review.itemId));
        const seen = new Map((await this.store.reviews(learner.hash)).map((review) => [review.itemId, review]));
        const random = seededRandom(`${learner.hash}\n${now.toISOString().slice(0, 10)}\n${text}`);
        // Themes keep the search's order (most relevant first); elsewhere a different draw each day.
        const fresh = candidates.filter((item) => !seen.has(item.id));
        const ordered = parsed.scope.type === 'theme' ? fresh : shuffle(fresh, random);
        const later = candidates.filter((item) => seen.has(item.id) && !due.some((review) => review.itemId === item.id)).sort((a, b) => (seen.get(a.id)?.dueAt ?? '').localeCompare(seen.get(b.id)?.dueAt ?? ''));
        const picked = distinctDocuments([...due.map((review) => review.itemId), ...ordered.map((item) => item.id), ...later.map((item) => item.id)], candidates, this.settings.length);
        const state = { itemIds: picked, position: 0, correct: 0, missed: 0 };
        await this.ask(turn, learner, state, say.quizIntro(picked.length, parsed.label, due.filter((review) => picked.includes(review.itemId)).length));
    }
    /** Handles the answer to the session's question (the session was taken from the store). */
    async answer(turn, learner, session, text) {
        const state = session.state;
        if (STOP_WORDS.test(text.trim())) {
            await turn.reply(notice(say.quizStopped(state.correct, state.position)));
            return;
        }
        const item = await this.bank.item(state.itemIds[state.position] ?? '');
        if (!item) {
            await turn.reply(notice(say.ITEM_CHANGED));
            await this.next(turn, learner, { ...state, itemIds: state.itemIds.filter((_, index) => index !== state.position) });
            return;
        }
        const read = SKIP_WORDS.test(text.trim()) ? undefined : readAnswer(text, item.choices);
        const correct = read?.kind === 'choice' && read.index === item.answerIndex;
        const at = this.now();
        const [previous] = await this.store.reviews(learner.hash, [item.id]);
        const review = nextReview(previous, { learnerHash: learner.hash, itemId: item.id, kb: item.kb, correct, at });
        await this.store.recordAnswer({ learnerHash: learner.hash, itemId: item.id, kb: item.kb, correct, at: at.toISOString() }, review);
        const verdict = correct ? say.RIGHT : read === undefined ? say.skipped(item.answer) : say.wrong(item.answer, read.kind === 'other' ? read.text : undefined);
        const next = {
            ...state,
            position: state.position + 1,
            correct: state.correct + (correct ? 1 : 0),
            missed: state.missed + (correct ? 0 : 1),
            ...(correct ? {} : { nextDue: [state.nextDue, review.dueAt].filter((date) => Boolean(date)).sort()[0] }),
        };
        // The next question is saved before anything is sent: an answer typed at once finds it.
        if (next.position < next.itemIds.length)
            await this.save(learner, next);
        await turn.reply({
            kind: 'answer',
            text: say.quizExplanation(verdict, highlightedSentence(item), 1, review.dueAt, !correct),
            citations: [citationOf(item.chunk, 1)],
            suggestedActions: [],
            aiGenerated: false,
            feedback: false,
        });
        await this.next(turn, learner, next, false);
    }
    async next(turn, learner, state, save = true) {
        if (state.position >= state.itemIds.length) {
            await turn.reply(notice(say.quizEnd(state.correct, state.itemIds.length, state.missed, state.nextDue), ['quiz', 'quiz bilan']));
            return;
        }
        await this.ask(turn, learner, state, undefined, save);
    }
    /** Sends the question at `state.position` (saving the session first unless it is saved already). */
    async ask(turn, learner, state, intro, save = true) {
        const item = await this.bank.item(state.itemIds[state.position] ?? '');
        if (!item) {
            // The texts changed between two questions: drop the item and go on.
            const rest = { ...state, itemIds: state.itemIds.filter((_, index) => index !== state.position) };
            if (rest.itemIds.length === 0)
                throw new PasserelleError('QUIZ_NOTHING_TO_ASK', { scope: 'vos bases' });
            await this.next(turn, learner, rest);
            return;
        }
        if (save)
            await this.save(learner, state);
        const question = say.quizQuestion({
            position: state.position + 1,
            total: state.itemIds.length,
            title: item.chunk.title,
            ...(item.chunk.headingPath.length > 0 ? { context: item.chunk.headingPath.at(-1) } : {}),
            ...(item.situation ? { situation: item.situation } : {}),
            blanked: blankedSentence(item),
        });
        await turn.reply({ ...notice(intro ? `${intro}\n\n${question}` : question, ['passe', 'stop']), choices: [...item.choices] });
    }
    save(learner, state) {
        return this.store.saveSession({ learnerHash: learner.hash, conversationKey: learner.conversationKey, kind: 'quiz', state, expiresAt: new Date(this.now().getTime() + this.settings.sessionMs).toISOString() });
    }
    /** The checked items the agent may be asked in this scope: their bases, their clearance. */
    async candidates(parsed, learner) {
        const kbs = parsed.kb ? [parsed.kb] : learner.allowedKbs.filter((kb) => this.catalog.has(kb));
        const found = [];
        for (const kb of kbs) {
            const base = await this.bank.base(kb);
            let items = itemsInScope(base.items, parsed.scope).filter((item) => isWithinCeiling(item.chunk.classification, learner.clearance));
            if (parsed.scope.type === 'theme') {
                const result = await this.retriever.retrieve({ question: parsed.scope.text, kb, maxClassification: learner.clearance, limit: 12 });
                // Only the passages that match well: a theme of another base must not pull this base's best guesses.
                const best = result.passages[0]?.score ?? 0;
                const rank = new Map(result.passages.filter((passage) => passage.score >= best * 0.5).map((passage, index) => [passage.chunk.documentId, index]));
                items = items.filter((item) => rank.has(item.documentId)).sort((a, b) => rank.get(a.documentId) - rank.get(b.documentId));
            }
            found.push(...items);
        }
        return found;
    }
}
/** The first `count` ids in order, at most one item per document while others remain. */
function distinctDocuments(ids, items, count) {
    const documentOf = new Map(items.map((item) => [item.id, item.documentId]));
    const unique = [...new Set(ids)];
    const picked = [];
    const documents = new Set();
    for (const id of unique) {
        if (picked.length >= count)
            break;
        if (documents.has(documentOf.get(id) ?? id))
            continue;
        picked.push(id);
        documents.add(documentOf.get(id) ?? id);
    }
    for (const id of unique)
        if (picked.length < count && !picked.includes(id))
            picked.push(id);
    return picked;
}
function shuffle(values, random) {
    const copy = [...values];
    for (let i = copy.length - 1; i > 0; i--) {
        const j = Math.floor(random() * (i + 1));
        [copy[i], copy[j]] = [copy[j], copy[i]];
    }
    return copy;
}
