import { citationOf } from '../../knowledge/answering/citations.ts';
import type { KnowledgeCatalog } from '../../knowledge/catalog.ts';
import { readAnswer } from '../../knowledge/learning/answer-matching.ts';
import type { QuizBank } from '../../knowledge/learning/quiz-bank.ts';
import { seededRandom } from '../../knowledge/learning/quiz-generator.ts';
import { blankedSentence, highlightedSentence, type QuizItem } from '../../knowledge/learning/quiz-item.ts';
import type { Retriever } from '../../knowledge/retriever.ts';
import { isWithinCeiling } from '../../knowledge/types.ts';
import type { LearningSession, LearningStore } from '../../state/learning-store.ts';
import type { PrefixTable } from '../commands/command-parser.ts';
import { PasserelleError } from '../errors.ts';
import type { Turn } from '../pipeline.ts';
import { notice } from '../reply.ts';
import type { Learner } from './learner.ts';
import * as say from './messages.ts';
import { itemsInScope, parseQuizScope, type ParsedScope } from './quiz-scope.ts';
import { nextReview } from './spaced-repetition.ts';

/**
 * The quiz: `quiz [scope]` picks the items to ask — those the agent missed and are due again first, then
 * items never asked, then the others by due date — and asks them one at a time; each answer is graded,
 * explained with the article's sentence (the answer in bold, the article cited) and scheduled again
 * (spaced-repetition.ts). The question waiting for an answer is the session kept in the learning store.
 */

interface QuizState {
  itemIds: string[];
  position: number;
  correct: number;
  missed: number;
  /** Earliest due date of the items missed in this quiz. */
  nextDue?: string;
}

/** Words that end a quiz, or reveal the answer, instead of answering. */
export const STOP_WORDS = /^(?:stop|fin|arr[eê]te[rz]?|quitte[rz]?|termin[eé]r?)\s*[.!]*$/iu;
const SKIP_WORDS = /^(?:passe[rz]?|je ne sais pas|sais pas|aucune id[ée]e|\?+|joker)\s*[.!]*$/iu;

export interface QuizSettings {
  length: number;
  sessionMs: number;
}

export class QuizCoach {
  constructor(
    private readonly bank: QuizBank,
    private readonly store: LearningStore,
    private readonly retriever: Pick<Retriever, 'retrieve'>,
    private readonly catalog: KnowledgeCatalog,
    private readonly prefixes: PrefixTable,
    private readonly settings: QuizSettings,
    private readonly now: () => Date,
  ) {}

  async start(turn: Turn, learner: Learner, text: string): Promise<void> {
    const parsed = parseQuizScope(text, this.prefixes);
    if (parsed.kb && !learner.allowedKbs.includes(parsed.kb)) throw new PasserelleError('QUIZ_NOTHING_TO_ASK', { scope: text });
    const candidates = await this.candidates(parsed, learner);
    if (candidates.length === 0) throw new PasserelleError('QUIZ_NOTHING_TO_ASK', { scope: parsed.label ?? 'vos bases' });
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
    const state: QuizState = { itemIds: picked, position: 0, correct: 0, missed: 0 };
    await this.ask(turn, learner, state, say.quizIntro(picked.length, parsed.label, due.filter((review) => picked.includes(review.itemId)).length));
  }

  /** Handles the answer to the session's question (the session was taken from the store). */
  async answer(turn: Turn, learner: Learner, session: LearningSession, text: string): Promise<void> {
    const state = session.state as QuizState;
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
    const next: QuizState = {
      ...state,
      position: state.position + 1,
      correct: state.correct + (correct ? 1 : 0),
      missed: state.missed + (correct ? 0 : 1),
      ...(correct ? {} : { nextDue: [state.nextDue, review.dueAt].filter((date): date is string => Boolean(date)).sort()[0] as string }),
    };
    // The next question is saved before anything is sent: an answer typed at once finds it.
    if (next.position < next.itemIds.length) await this.save(learner, next);
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

  private async next(turn: Turn, learner: Learner, state: QuizState, save = true): Promise<void> {
    if (state.position >= state.itemIds.length) {
      await turn.reply(notice(say.quizEnd(state.correct, state.itemIds.length, state.missed, state.nextDue), ['quiz', 'quiz bilan']));
      return;
    }
    await this.ask(turn, learner, state, undefined, save);
  }

  /** Sends the question at `state.position` (saving the session first unless it is saved already). */
  private async ask(turn: Turn, learner: Learner, state: QuizState, intro: string | undefined, save = true): Promise<void> {
    const item = await this.bank.item(state.itemIds[state.position] ?? '');
    if (!item) {
      // The texts changed between two questions: drop the item and go on.
      const rest = { ...state, itemIds: state.itemIds.filter((_, index) => index !== state.position) };
      if (rest.itemIds.length === 0) throw new PasserelleError('QUIZ_NOTHING_TO_ASK', { scope: 'vos bases' });
      await this.next(turn, learner, rest);
      return;
    }
    if (save) await this.save(learner, state);
    const question = say.quizQuestion({
      position: state.position + 1,
      total: state.itemIds.length,
      title: item.chunk.title,
      ...(item.chunk.headingPath.length > 0 ? { context: item.chunk.headingPath.at(-1) as string } : {}),
      ...(item.situation ? { situation: item.situation } : {}),
      blanked: blankedSentence(item),
    });
    await turn.reply({ ...notice(intro ? `${intro}\n\n${question}` : question, ['passe', 'stop']), choices: [...item.choices] });
  }

  private save(learner: Learner, state: QuizState): Promise<void> {
    return this.store.saveSession({ learnerHash: learner.hash, conversationKey: learner.conversationKey, kind: 'quiz', state, expiresAt: new Date(this.now().getTime() + this.settings.sessionMs).toISOString() });
  }

  /** The checked items the agent may be asked in this scope: their bases, their clearance. */
  private async candidates(parsed: ParsedScope, learner: Learner): Promise<QuizItem[]> {
    const kbs = parsed.kb ? [parsed.kb] : learner.allowedKbs.filter((kb) => this.catalog.has(kb));
    const found: QuizItem[] = [];
    for (const kb of kbs) {
      const base = await this.bank.base(kb);
      let items = itemsInScope(base.items, parsed.scope).filter((item) => isWithinCeiling(item.chunk.classification, learner.clearance));
      if (parsed.scope.type === 'theme') {
        const result = await this.retriever.retrieve({ question: parsed.scope.text, kb, maxClassification: learner.clearance, limit: 12 });
        // Only the passages that match well: a theme of another base must not pull this base's best guesses.
        const best = result.passages[0]?.score ?? 0;
        const rank = new Map(result.passages.filter((passage) => passage.score >= best * 0.5).map((passage, index) => [passage.chunk.documentId, index]));
        items = items.filter((item) => rank.has(item.documentId)).sort((a, b) => (rank.get(a.documentId) as number) - (rank.get(b.documentId) as number));
      }
      found.push(...items);
    }
    return found;
  }
}

/** The first `count` ids in order, at most one item per document while others remain. */
function distinctDocuments(ids: string[], items: readonly QuizItem[], count: number): string[] {
  const documentOf = new Map(items.map((item) => [item.id, item.documentId]));
  const unique = [...new Set(ids)];
  const picked: string[] = [];
  const documents = new Set<string>();
  for (const id of unique) {
    if (picked.length >= count) break;
    if (documents.has(documentOf.get(id) ?? id)) continue;
    picked.push(id);
    documents.add(documentOf.get(id) ?? id);
  }
  for (const id of unique) if (picked.length < count && !picked.includes(id)) picked.push(id);
  return picked;
}

function shuffle<T>(values: readonly T[], random: () => number): T[] {
  const copy = [...values];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [copy[i], copy[j]] = [copy[j] as T, copy[i] as T];
  }
  return copy;
}
