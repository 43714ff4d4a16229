import { readAnswer } from "../../knowledge/learning/answer-matching.js";
import { notice } from "../reply.js";
import { CHECK, MODULE_TEXT, PASS_MARK } from "./ai-literacy.js";
import * as say from "./messages.js";
import { STOP_WORDS } from "./quiz-coach.js";
export class TrainingCoach {
    store;
    sessionMs;
    now;
    constructor(store, sessionMs, now) {
        this.store = store;
        this.sessionMs = sessionMs;
        this.now = now;
    }
    async start(turn, learner) {
        const status = await this.store.trainingStatus(learner.hash);
        const intro = status?.completedAt ? `${say.trainingAlready(status.completedAt, status.bestScore, status.total)}\n\n` : '';
        await turn.reply(notice(`${intro}${MODULE_TEXT}`));
        await this.ask(turn, learner, { position: 0, correct: 0 });
    }
    async answer(turn, learner, session, text) {
        const state = session.state;
        if (STOP_WORDS.test(text.trim())) {
            await turn.reply(notice(say.trainingStopped()));
            return;
        }
        const question = CHECK[state.position];
        if (!question)
            return;
        const read = readAnswer(text, question.choices);
        if (read.kind === 'other') {
            await this.save(learner, state);
            await turn.reply({ ...notice(say.CHECK_UNREAD), choices: [...question.choices] });
            return;
        }
        const right = read.index === question.answer;
        const next = { position: state.position + 1, correct: state.correct + (right ? 1 : 0) };
        if (next.position < CHECK.length)
            await this.save(learner, next);
        await turn.reply(notice(say.checkFeedback(right, question.choices[question.answer], question.explanation)));
        if (next.position < CHECK.length) {
            await this.ask(turn, learner, next, false);
            return;
        }
        const passed = next.correct >= PASS_MARK;
        await this.store.recordTraining({ learnerHash: learner.hash, service: learner.service, score: next.correct, total: CHECK.length, passed, at: this.now().toISOString() });
        await turn.reply(notice(passed ? say.trainingPassed(next.correct, CHECK.length) : say.trainingFailed(next.correct, CHECK.length, PASS_MARK), passed ? ['quiz'] : ['formation']));
    }
    async ask(turn, learner, state, save = true) {
        const question = CHECK[state.position];
        if (!question)
            return;
        if (save)
            await this.save(learner, state);
        await turn.reply({ ...notice(say.checkQuestion(state.position + 1, CHECK.length, question.question), ['stop']), choices: [...question.choices] });
    }
    save(learner, state) {
        return this.store.saveSession({ learnerHash: learner.hash, conversationKey: learner.conversationKey, kind: 'training', state, expiresAt: new Date(this.now().getTime() + this.sessionMs).toISOString() });
    }
}
