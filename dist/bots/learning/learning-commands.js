import { foldText } from "../../knowledge/analysis/normalise.js";
import { pseudonymise } from "../pseudonym.js";
import { notice } from "../reply.js";
import { learningReport, renderReport } from "./learning-report.js";
import * as say from "./messages.js";
/** A message that is nothing but a choice ("2", "b."): an answer to a quiz question, even when none is waiting. */
const LONE_CHOICE = /^\s*(?:[1-9]|[a-d])\s*[.)]?\s*$/i;
export class LearningCommands {
    store;
    quizzes;
    training;
    explainer;
    services;
    catalog;
    settings;
    logger;
    now;
    noted = new Map();
    constructor(store, quizzes, training, explainer, services, catalog, settings, logger, now = () => new Date()) {
        this.store = store;
        this.quizzes = quizzes;
        this.training = training;
        this.explainer = explainer;
        this.services = services;
        this.catalog = catalog;
        this.settings = settings;
        this.logger = logger;
        this.now = now;
    }
    async quiz(turn, text) {
        if (!turn.message.isDirect) {
            await turn.reply(notice(say.DIRECT_ONLY));
            return;
        }
        const learner = this.learnerOf(turn);
        const folded = foldText(text).trim();
        if (/^(?:bilan|resultats?|scores?|stats?)$/.test(folded)) {
            await turn.reply(notice(await this.results(learner), ['quiz']));
            return;
        }
        if (/^(?:efface|effacer|oublie|supprime)$/.test(folded)) {
            await turn.reply(notice(say.erased(await this.store.forgetLearner(learner.hash))));
            return;
        }
        if (/^(?:stop|fin|arrete)$/.test(folded)) {
            const session = await this.store.takeSession(learner.hash, learner.conversationKey, this.now().toISOString());
            await turn.reply(notice(session ? say.quizStopped(Number(session.state.correct ?? 0), Number(session.state.position ?? 0)) : say.NO_PENDING_QUESTION));
            return;
        }
        await turn.typing();
        await this.quizzes.start(turn, learner, text);
    }
    async trainingCommand(turn, text) {
        if (!turn.message.isDirect) {
            await turn.reply(notice(say.DIRECT_ONLY));
            return;
        }
        const learner = this.learnerOf(turn);
        if (/^(?:rapport|bilan)$/i.test(text.trim())) {
            if (!learner.isAdmin) {
                await turn.reply(notice(say.REPORT_ADMINS_ONLY));
                return;
            }
            const since = new Date(this.now().getTime() - this.settings.reportDays * 86_400_000).toISOString();
            const report = await learningReport(this.store, { since, minGroupSize: this.settings.minGroupSize });
            await turn.reply(notice(renderReport(report, (kb) => (this.catalog.has(kb) ? this.catalog.get(kb).name : kb))));
            return;
        }
        await this.training.start(turn, learner);
    }
    async explain(turn, text) {
        await turn.reply(await this.explainer.explain(this.learnerOf(turn), text));
    }
    /**
     * Takes a message as the answer to the quiz or training question waiting in this conversation, if there
     * is one; a lone choice ("2") with nothing waiting is told so. Returns false when the message is an
     * ordinary question.
     */
    async answerPending(turn, text) {
        if (!turn.message.isDirect)
            return false;
        const learner = this.learnerOf(turn);
        const now = this.now().toISOString();
        // A read first: most messages are ordinary questions, and taking the session is a write.
        const waiting = await this.store.peekSession(learner.hash, learner.conversationKey, now);
        const session = waiting ? await this.store.takeSession(learner.hash, learner.conversationKey, now) : undefined;
        if (!session) {
            if (!LONE_CHOICE.test(text))
                return false;
            await turn.reply(notice(say.NO_PENDING_QUESTION, ['quiz']));
            return true;
        }
        if (session.kind === 'training')
            await this.training.answer(turn, learner, session, text);
        else
            await this.quizzes.answer(turn, learner, session, text);
        return true;
    }
    /**
     * The pipeline stage that counts agents for the coverage report: each agent is noted (pseudonym, service)
     * at most once a day per process. Never stops a message; a store failure is only logged.
     */
    roster() {
        return {
            name: 'learning-roster',
            handle: async (turn) => {
                const learner = this.learnerOf(turn);
                const day = this.now().toISOString().slice(0, 10);
                if (this.noted.get(learner.hash) === `${day}:${learner.service}`)
                    return true;
                try {
                    await this.store.noteLearner(learner.hash, learner.service, this.now().toISOString());
                    if (this.noted.size > 50_000)
                        this.noted.clear();
                    this.noted.set(learner.hash, `${day}:${learner.service}`);
                }
                catch (error) {
                    this.logger.warn('could not note a learner', { error });
                }
                return true;
            },
        };
    }
    async results(learner) {
        const summary = await this.store.summary(learner.hash, this.now().toISOString());
        const training = await this.store.trainingStatus(learner.hash);
        return say.learnerResults({
            ...summary,
            ...(training?.completedAt ? { trainedAt: training.completedAt, bestScore: training.bestScore, total: training.total } : {}),
        });
    }
    learnerOf(turn) {
        const { message } = turn;
        const rights = turn.rights;
        if (!rights)
            throw new Error('learning mode reached without access control');
        return {
            hash: pseudonymise(`learning:${message.channel}:${message.sender.id}`, this.settings.pseudonymSecret),
            service: this.services.serviceOf(message),
            allowedKbs: rights.allowedKbs,
            clearance: 'diffusion-restreinte',
            conversationKey: message.conversation.key,
            isAdmin: rights.isAdmin,
        };
    }
}
