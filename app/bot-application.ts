import { join } from 'node:path';
import type { Config } from '../config/schema.ts';
import type { Knowledge } from '../knowledge/create-knowledge.ts';
import { openKnowledge } from './knowledge.ts';
import { createChatModel } from '../knowledge/models/langchain-chat-model.ts';
import type { ChatModel } from '../knowledge/ports/chat-model.ts';
import { EvidenceRouter } from '../knowledge/evidence-router.ts';
import { ModelRouter, OfflineRouter, type Router } from '../knowledge/router.ts';
import { resolveInForceDate } from '../knowledge/stores/validity.ts';
import { AccessPolicy } from '../bots/access-policy.ts';
import { ArticleHistory } from '../knowledge/versions/article-history.ts';
import { AnswerService } from '../bots/answer-service.ts';
import { Bot } from '../bots/bot.ts';
import type { InboundTurns } from '../bots/inbound-event.ts';
import type { ChannelName } from '../bots/message.ts';
import type { DeliveryJob } from '../queue/jobs.ts';
import { Outbound } from '../bots/outbound/outbound.ts';
import { createChannelLimiters, type ChannelLimiters } from './channel-limiters.ts';
import { AnnounceCommands } from '../bots/commands/announce-commands.ts';
import { Dispatcher } from '../bots/commands/dispatcher.ts';
import { RoomSettingsCommands } from '../bots/commands/room-settings-commands.ts';
import { JobCommands } from '../bots/commands/job-commands.ts';
import { RecentFiles } from '../bots/commands/summary-request.ts';
import { createQueues, type Queues } from './create-queues.ts';
import { createDeliveryProcessor } from '../bots/outbound/delivery-processor.ts';
import { JobService } from '../bots/jobs/job-service.ts';
import { startWorkConsumer } from './work-consumer.ts';
import { createAnnouncements, type Announcements, type AnnouncementsOverrides } from './announcements.ts';
import { createLearning, createLearningStore, type Learning } from './learning.ts';
import { ConversationMemory } from '../bots/conversation-memory.ts';
import type { Logger } from '../bots/logger.ts';
import { accessControl } from '../bots/middleware/access-control.ts';
import { addressedToBot } from '../bots/middleware/addressed-to-bot.ts';
import { aiNotice } from '../bots/middleware/ai-notice.ts';
import { deduplicate } from '../bots/middleware/deduplicate.ts';
import { inputGuard } from '../bots/middleware/input-guard.ts';
import { threadContext } from '../bots/middleware/thread-context.ts';
import { RateLimitStage } from '../bots/middleware/rate-limit.ts';
import { Pipeline } from '../bots/pipeline.ts';
import { createStateStore } from './state-store.ts';
import type { LearningStore } from '../state/learning-store.ts';
import type { StateStore } from '../state/state-store.ts';
import type { CurationStore } from '../state/curation-store.ts';
import { CuratedAnswerSource } from '../bots/curation/curated-answers.ts';
import { createCurationStore } from './curation.ts';
import { openSyncLeases, startSyncSchedules } from './sync-jobs.ts';
import type { LeaseStore } from '../state/lease-store.ts';

/** Everything the bot process holds, wired from configuration (the composition root). */
export interface BotApplication {
  config: Readonly<Config>;
  knowledge: Knowledge;
  state: StateStore;
  model: ChatModel | undefined;
  answers: AnswerService;
  bot: Bot;
  /** The one outbound path (the bot's registered channels). */
  outbound: Outbound;
  /** The one rate limiter of each channel: give it to the channel's adapter (app/serve.ts). */
  limiters: ChannelLimiters;
  queues: Queues;
  jobs: JobService;
  /** Admin announcements: service (chat, admin API), fan-out consumer (started by startJobs). */
  announcements: Announcements;
  /** What curators decide in the console: standard answers, passage rules, the knowledge ledger, the admin journal. */
  curation: CurationStore;
  /** The published standard answers and passage rules as the answer service reads them. */
  curated: CuratedAnswerSource;
  /** Learning mode: quiz bank, learning store, commands. */
  learning: Learning;
  /** The per-user question limit and the questions it holds (released once `startJobs` ran). */
  rateLimit: RateLimitStage;
  /**
   * Starts consuming deliveries, held questions and the announcement fan-out and, when the queue is
   * in-process, the work itself (with Redis, work runs in `passerelle worker`). Any replica runs them:
   * deliveries for a channel this process does not hold (Tchap on a replica without the Tchap lease) are
   * forwarded to the holder's queue; `without` leaves a channel's fan-out and held questions to the replica
   * that holds it — this one too, once `startChannelJobs` is called (it took the Tchap connection).
   */
  startJobs(options?: { without?: readonly ChannelName[] }): void;
  /** Starts the jobs of a channel this replica now holds (the Tchap connection, after the lease). */
  startChannelJobs(channel: 'matrix'): void;
  close(): Promise<void>;
}

export interface BotOverrides {
  state?: StateStore;
  model?: ChatModel | null;
  knowledge?: Knowledge;
  queues?: Queues;
  limiters?: ChannelLimiters;
  announcements?: AnnouncementsOverrides;
  curation?: CurationStore;
  learningStore?: LearningStore;
  /** The learning mode's and the rate limit's clock. */
  now?: () => Date;
  /** Durable turns (serve: replicas lose no question when one dies). */
  turns?: InboundTurns;
}

export async function createBotApplication(config: Readonly<Config>, logger: Logger, overrides: BotOverrides = {}): Promise<BotApplication> {
  const knowledge = overrides.knowledge ?? (await openKnowledge(config, (message) => logger.warn(message)));
  const state = overrides.state ?? (await createStateStore(config));
  const model = overrides.model === null ? undefined : (overrides.model ?? createChatModel(config.chatModel));
  const router = createRouter(config, knowledge, model);
  const curation = overrides.curation ?? (await createCurationStore(config));
  const curated = new CuratedAnswerSource({ store: curation, chunks: knowledge.store });
  const memory = new ConversationMemory(state, config.bot.memoryTurns, config.bot.memoryTtlMinutes * 60_000);
  const inForceAt = resolveInForceDate(config.retrieval.inForceAt);
  const answers = new AnswerService(knowledge.catalog, knowledge.retriever, router, model, memory, state, {
    ...(config.bot.abstainBelow !== undefined ? { abstainBelow: config.bot.abstainBelow } : {}),
    answerCacheTtlMs: config.bot.answerCacheTtlMinutes * 60_000,
    answerTimeoutMs: config.bot.answerTimeoutMs,
    sendInstructionLike: config.bot.instructionLikePassages === 'send',
    redactPassagesAbove: config.bot.redactPassagesAbove,
    progressAfterMs: config.bot.progressAfterMs,
    energyWhPer1kTokens: config.bot.energyWhPer1kTokens,
    ...(inForceAt ? { inForceAt } : {}),
  }, logger, curated, { history: new ArticleHistory(knowledge.store), ...(knowledge.concordance ? { concordance: knowledge.concordance } : {}) });
  const policy = new AccessPolicy(config.access, knowledge.catalog);
  const queues = overrides.queues ?? createQueues(config, logger);
  const jobs = new JobService(queues.work, {
    maxJobsPerUser: config.queue.maxJobsPerUser,
    attempts: config.queue.attempts,
    backoffMs: config.queue.backoffMs,
    jobTimeoutMs: config.queue.jobTimeoutMs,
    dedupeWindowMs: config.queue.dedupeWindowMinutes * 60_000,
  });
  const jobCommands = new JobCommands(jobs, knowledge.catalog, join(config.dataDir, 'uploads'), config.queue.maxDocumentBytes, logger, new RecentFiles(state));
  const outbound = new Outbound(state, logger);
  const limiters = overrides.limiters ?? createChannelLimiters(config);
  const announcements = await createAnnouncements({ config, state, logger, outbound, limiters }, overrides.announcements);
  const learning = createLearning({ config, knowledge, memory, store: overrides.learningStore ?? (await createLearningStore(config)), logger, ...(overrides.now ? { now: overrides.now } : {}) });
  const rateLimit = new RateLimitStage(state, logger, { perMinute: config.bot.rateLimitPerMinute, ...(overrides.now ? { now: overrides.now } : {}) });
  const pipeline = new Pipeline(
    [
      deduplicate(state),
      accessControl(policy, config.bot.pseudonymSecret),
      addressedToBot(state),
      rateLimit,
      threadContext({ memory, seen: state, logger, turns: config.bot.memoryTurns, ttlMs: config.bot.memoryTtlMinutes * 60_000 }),
      inputGuard(config.bot.maxMessageChars),
      aiNotice(state),
      learning.commands.roster(),
      new Dispatcher(knowledge.catalog, answers, memory, state, knowledge.store, logger, 1_000, jobCommands, new AnnounceCommands(announcements.service, state, logger, announcements.rooms), learning.commands, new RoomSettingsCommands(knowledge.catalog, state)),
    ],
    logger,
  );
  const bot = new Bot(pipeline, outbound, state, logger, config.bot.pseudonymSecret, overrides.turns);
  // Audit retention: purged at start, then daily while the process runs.
  const purgeAudit = () =>
    state.purgeAudit(new Date(Date.now() - config.bot.auditRetentionDays * 86_400_000).toISOString()).catch((error: unknown) => logger.warn('audit purge failed', { error }));
  await purgeAudit();
  const purgeTimer = setInterval(() => void purgeAudit(), 86_400_000);
  purgeTimer.unref();
  let workConsumer: { close(): Promise<void> } | undefined;
  let syncLeases: Promise<LeaseStore> | undefined;
  return {
    config,
    knowledge,
    state,
    model,
    answers,
    bot,
    outbound,
    limiters,
    queues,
    jobs,
    announcements,
    curation,
    curated,
    learning,
    rateLimit,
    startJobs(options = {}) {
      const without = new Set<ChannelName>(options.without ?? []);
      rateLimit.start((message) => bot.handle(message, { released: true }), (channel) => !without.has(channel as ChannelName) || outbound.channel(channel as ChannelName) !== undefined);
      const forward = async (delivery: DeliveryJob, jobId: string) => void (await queues.tchapDeliveries.add(delivery, { jobId, attempts: 5, backoffMs: 1_000, priority: 1 }));
      queues.deliveries.process(4, createDeliveryProcessor(outbound, state, logger, undefined, forward));
      if (!queues.work.durable) {
        workConsumer = startWorkConsumer(config, knowledge, model, queues, logger);
        // Without Redis the scheduled synchronisations run here too (with Redis: in `passerelle worker`).
        syncLeases = openSyncLeases(config);
        void syncLeases
          .then((leases) => startSyncSchedules({ config, knowledge, model, queue: queues.sync, deliveries: queues.deliveries, runs: state, leases, logger }))
          .catch((error: unknown) => logger.error('sync schedules failed to start', { error }));
      }
      const fanout = (['teams', 'matrix'] as const).filter((channel) => !without.has(channel));
      void announcements.start(fanout).catch((error: unknown) => logger.error('announcement fan-out failed to start', { error }));
      learning.warm();
    },
    startChannelJobs(channel) {
      queues.tchapDeliveries.process(4, createDeliveryProcessor(outbound, state, logger));
      void announcements.consume(channel).catch((error: unknown) => logger.error('announcement fan-out failed to start', { channel, error }));
      void rateLimit.releaseDue();
    },
    async close() {
      clearInterval(purgeTimer);
      rateLimit.stop();
      // The fan-out stops before the channels it sends through; the store closes after (the channels drain
      // their last messages, an admin's `annonce …` among them).
      await announcements.stopSending();
      await bot.stop();
      await announcements.close();
      // The quiz items being written read the knowledge store: that writing ends before any store closes.
      await learning.stopWarming();
      if (!overrides.learningStore) await learning.store.close();
      if (!overrides.queues) await queues.close();
      await workConsumer?.close();
      await (await syncLeases?.catch(() => undefined))?.close();
      await state.close();
      if (!overrides.curation) await curation.close();
      if (!overrides.knowledge) await knowledge.close();
    },
  };
}

/**
 * The router: the offline one (the bases' word statistics, then a second opinion from the passages), behind the
 * chat model's when one is configured and cleared; the model falls back to the offline router on any failure.
 */
export function createRouter(config: Readonly<Config>, knowledge: Pick<Knowledge, 'store' | 'encoder' | 'catalog' | 'statistics' | 'retriever'>, model: ChatModel | undefined): Router {
  const offline = new EvidenceRouter(
    new OfflineRouter(knowledge.store, knowledge.encoder, knowledge.catalog, { margin: config.bot.routingMargin, maxClassification: 'diffusion-restreinte' }, knowledge.statistics),
    knowledge.retriever,
  );
  return model && model.ceiling !== 'interdit-ia' ? new ModelRouter(model, knowledge.catalog, offline, config.bot.routingMargin, 15_000) : offline;
}
