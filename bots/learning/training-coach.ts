import { readAnswer } from '../../knowledge/learning/answer-matching.ts';
import type { LearningSession, LearningStore } from '../../state/learning-store.ts';
import type { Turn } from '../pipeline.ts';
import { notice } from '../reply.ts';
import { CHECK, MODULE_TEXT, PASS_MARK } from './ai-literacy.ts';
import type { Learner } from './learner.ts';
import * as say from './messages.ts';
import { STOP_WORDS } from './quiz-coach.ts';

/**
 * The AI-literacy training (`formation`): the module, then its five-question check, one question at a time;
 * each answer is explained; at the end the attempt is recorded under the agent's pseudonym with their
 * service (the administration reads coverage per service, aggregated). An answer that is not one of the
 * choices is asked again, the session kept.
 */

interface TrainingState {
  position: number;
  correct: number;
}

export class TrainingCoach {
  constructor(
    private readonly store: LearningStore,
    private readonly sessionMs: number,
    private readonly now: () => Date,
  ) {}

  async start(turn: Turn, learner: Learner): Promise<void> {
    const status = await this.store.trainingStatus(learner.hash);
    const intro = status?.completedAt ? `${say.trainingAlready(status.completedAt, status.bestScore, status.total)}\n\n` : '';
    await turn.reply(notice(`${intro}${MODULE_TEXT}`));
    await this.ask(turn, learner, { position: 0, correct: 0 });
  }

  async answer(turn: Turn, learner: Learner, session: LearningSession, text: string): Promise<void> {
    const state = session.state as TrainingState;
    if (STOP_WORDS.test(text.trim())) {
      await turn.reply(notice(say.trainingStopped()));
      return;
    }
    const question = CHECK[state.position];
    if (!question) return;
    const read = readAnswer(text, question.choices);
    if (read.kind === 'other') {
      await this.save(learner, state);
      await turn.reply({ ...notice(say.CHECK_UNREAD), choices: [...question.choices] });
      return;
    }
    const right = read.index === question.answer;
    const next = { position: state.position + 1, correct: state.correct + (right ? 1 : 0) };
    if (next.position < CHECK.length) await this.save(learner, next);
    await turn.reply(notice(say.checkFeedback(right, question.choices[question.answer] as string, question.explanation)));
    if (next.position < CHECK.length) {
      await this.ask(turn, learner, next, false);
      return;
    }
    const passed = next.correct >= PASS_MARK;
    await this.store.recordTraining({ learnerHash: learner.hash, service: learner.service, score: next.correct, total: CHECK.length, passed, at: this.now().toISOString() });
    await turn.reply(notice(passed ? say.trainingPassed(next.correct, CHECK.length) : say.trainingFailed(next.correct, CHECK.length, PASS_MARK), passed ? ['quiz'] : ['formation']));
  }

  private async ask(turn: Turn, learner: Learner, state: TrainingState, save = true): Promise<void> {
    const question = CHECK[state.position];
    if (!question) return;
    if (save) await this.save(learner, state);
    await turn.reply({ ...notice(say.checkQuestion(state.position + 1, CHECK.length, question.question), ['stop']), choices: [...question.choices] });
  }

  private save(learner: Learner, state: TrainingState): Promise<void> {
    return this.store.saveSession({ learnerHash: learner.hash, conversationKey: learner.conversationKey, kind: 'training', state, expiresAt: new Date(this.now().getTime() + this.sessionMs).toISOString() });
  }
}
