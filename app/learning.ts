import { join } from 'node:path';
import type { Config } from '../config/schema.ts';
import type { Knowledge } from '../knowledge/create-knowledge.ts';
import { ArticleGuide } from '../knowledge/learning/article-walkthrough.ts';
import { QuizBank } from '../knowledge/learning/quiz-bank.ts';
import { resolveInForceDate } from '../knowledge/stores/validity.ts';
import { prefixTable } from '../bots/commands/command-parser.ts';
import type { ConversationMemory } from '../bots/conversation-memory.ts';
import { Explainer } from '../bots/learning/explainer.ts';
import { LearningCommands } from '../bots/learning/learning-commands.ts';
import { QuizCoach } from '../bots/learning/quiz-coach.ts';
import { ServiceDirectory } from '../bots/learning/services.ts';
import { TrainingCoach } from '../bots/learning/training-coach.ts';
import type { Logger } from '../bots/logger.ts';
import type { LearningStore } from '../state/learning-store.ts';
import { PostgresLearningStore } from '../state/postgres-learning-store.ts';
import { SqliteLearningStore } from '../state/sqlite-learning-store.ts';

/** Learning mode wired from configuration: the store, the quiz bank, the coaches and the commands. */
export interface Learning {
  store: LearningStore;
  bank: QuizBank;
  commands: LearningCommands;
  /** Writes every base's quiz items in the background (cooperatively), so that the first `quiz` waits for nothing. */
  warm(): void;
  /**
   * Stops writing quiz items in advance: no base is started after this, the one being written is finished. Called
   * before the knowledge store closes, which the writing reads from.
   */
  stopWarming(): Promise<void>;
}

export interface LearningDeps {
  config: Readonly<Config>;
  knowledge: Knowledge;
  memory: ConversationMemory;
  store: LearningStore;
  logger: Logger;
  /** The clock (tests move it to see spaced repetitions come back). */
  now?: () => Date;
}

export function createLearning(deps: LearningDeps): Learning {
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
  let warming: Promise<void> | undefined;
  let stopped = false;
  return {
    store,
    bank,
    commands,
    warm() {
      warming = (async () => {
        for (const kb of knowledge.catalog.ids) {
          if (stopped) return;
          await bank.base(kb);
        }
      })().catch((error: unknown) => logger.warn('quiz items could not be written in advance', { error }));
    },
    async stopWarming() {
      stopped = true;
      await warming;
    },
  };
}

/** PostgreSQL (the state store's database) when configured, else `learning.sqlite` in the data folder. */
export async function createLearningStore(config: Readonly<Config>): Promise<LearningStore> {
  if (config.state.kind === 'postgres' && config.state.databaseUrl) return PostgresLearningStore.open({ connectionString: config.state.databaseUrl });
  return new SqliteLearningStore(join(config.dataDir, 'learning.sqlite'));
}
