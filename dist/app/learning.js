import { join } from 'node:path';
import { ArticleGuide } from "../knowledge/learning/article-walkthrough.js";
import { QuizBank } from "../knowledge/learning/quiz-bank.js";
import { resolveInForceDate } from "../knowledge/stores/validity.js";
import { prefixTable } from "../bots/commands/command-parser.js";
import { Explainer } from "../bots/learning/explainer.js";
import { LearningCommands } from "../bots/learning/learning-commands.js";
import { QuizCoach } from "../bots/learning/quiz-coach.js";
import { ServiceDirectory } from "../bots/learning/services.js";
import { TrainingCoach } from "../bots/learning/training-coach.js";
import { PostgresLearningStore } from "../state/postgres-learning-store.js";
import { SqliteLearningStore } from "../state/sqlite-learning-store.js";
export function createLearning(deps) {
    const { config, knowledge, store, logger } = deps;
    const now = deps.now ?? (() => new Date());
    const settings = config.learning;
    const bank = new QuizBank(knowledge.store);
    const quizzes = new QuizCoach(bank, store, knowledge.retriever, knowledge.catalog, prefixTable(knowledge.catalog.bases), { length: settings.quizLength, sessionMs: settings.sessionMinutes * 60_000 }, now);
    const training = new TrainingCoach(store, settings.sessionMinutes * 60_000, now);
    const explainer = new Explainer(new ArticleGuide(knowledge.store), knowledge.store, deps.memory, resolveInForceDate(config.retrieval.inForceAt));
    const commands = new LearningCommands(store, quizzes, training, explainer, new ServiceDirectory(settings.services), knowledge.catalog, {
        pseudonymSecret: config.bot.pseudonymSecret,
        minGroupSize: settings.minGroupSize,
        reportDays: settings.reportDays,
    }, logger, now);
    return {
        store,
        bank,
        commands,
        warm() {
            void (async () => {
                for (const kb of knowledge.catalog.ids)
                    await bank.base(kb);
            })().catch((error) => logger.warn('quiz items could not be written in advance', { error }));
        },
    };
}
/** PostgreSQL (the state store's database) when configured, else `learning.sqlite` in the data folder. */
export async function createLearningStore(config) {
    if (config.state.kind === 'postgres' && config.state.databaseUrl)
        return PostgresLearningStore.open({ connectionString: config.state.databaseUrl });
    return new SqliteLearningStore(join(config.dataDir, 'learning.sqlite'));
}
