import { join } from 'node:path';
import { openKnowledge } from "./knowledge.js";
import { createChatModel } from "../knowledge/models/langchain-chat-model.js";
import { ModelRouter, OfflineRouter } from "../knowledge/router.js";
import { resolveInForceDate } from "../knowledge/stores/validity.js";
import { AccessPolicy } from "../bots/access-policy.js";
import { AnswerService } from "../bots/answer-service.js";
import { Bot } from "../bots/bot.js";
import { Outbound } from "../bots/outbound/outbound.js";
import { createChannelLimiters } from "./channel-limiters.js";
import { AnnounceCommands } from "../bots/commands/announce-commands.js";
import { Dispatcher } from "../bots/commands/dispatcher.js";
import { JobCommands } from "../bots/commands/job-commands.js";
import { createQueues } from "./create-queues.js";
import { createDeliveryProcessor } from "../bots/outbound/delivery-processor.js";
import { JobService } from "../bots/jobs/job-service.js";
import { startWorkConsumer } from "./work-consumer.js";
import { createAnnouncements } from "./announcements.js";
import { createLearning, createLearningStore } from "./learning.js";
import { ConversationMemory } from "../bots/conversation-memory.js";
import { accessControl } from "../bots/middleware/access-control.js";
import { addressedToBot } from "../bots/middleware/addressed-to-bot.js";
import { aiNotice } from "../bots/middleware/ai-notice.js";
import { deduplicate } from "../bots/middleware/deduplicate.js";
import { inputGuard } from "../bots/middleware/input-guard.js";
import { rateLimit } from "../bots/middleware/rate-limit.js";
import { Pipeline } from "../bots/pipeline.js";
import { PostgresStateStore } from "../state/postgres-state-store.js";
import { SqliteStateStore } from "../state/sqlite-state-store.js";
import { CuratedAnswerSource } from "../bots/curation/curated-answers.js";
import { createCurationStore } from "./curation.js";
export async function createBotApplication(config, logger, overrides = {}) {
    const knowledge = overrides.knowledge ?? (await openKnowledge(config, (message) => logger.warn(message)));
    const state = overrides.state ?? (await createStateStore(config));
    const model = overrides.model === null ? undefined : (overrides.model ?? createChatModel(config.chatModel));
    const offline = new OfflineRouter(knowledge.store, knowledge.encoder, knowledge.catalog, {
        margin: config.bot.routingMargin,
        maxClassification: 'diffusion-restreinte',
    }, knowledge.statistics);
    const router = model && model.ceiling !== 'interdit-ia'
        ? new ModelRouter(model, knowledge.catalog, offline, config.bot.routingMargin, 15_000)
        : offline;
    const curation = overrides.curation ?? (await createCurationStore(config));
    const curated = new CuratedAnswerSource({ store: curation, chunks: knowledge.store });
    const memory = new ConversationMemory(state, config.bot.memoryTurns, config.bot.memoryTtlMinutes * 60_000);
    const inForceAt = resolveInForceDate(config.retrieval.inForceAt);
    const answers = new AnswerService(knowledge.catalog, knowledge.retriever, router, model, memory, state, {
        ...(config.bot.abstainBelow !== undefined ? { abstainBelow: config.bot.abstainBelow } : {}),
        answerCacheTtlMs: config.bot.answerCacheTtlMinutes * 60_000,
        answerTimeoutMs: config.bot.answerTimeoutMs,
        energyWhPer1kTokens: config.bot.energyWhPer1kTokens,
        ...(inForceAt ? { inForceAt } : {}),
    }, logger, curated);
    const policy = new AccessPolicy(config.access, knowledge.catalog);
    const queues = overrides.queues ?? createQueues(config, logger);
    const jobs = new JobService(queues.work, {
        maxJobsPerUser: config.queue.maxJobsPerUser,
        attempts: config.queue.attempts,
        backoffMs: config.queue.backoffMs,
        jobTimeoutMs: config.queue.jobTimeoutMs,
        dedupeWindowMs: config.queue.dedupeWindowMinutes * 60_000,
    });
    const jobCommands = new JobCommands(jobs, knowledge.catalog, join(config.dataDir, 'uploads'), config.queue.maxDocumentBytes, logger);
    const outbound = new Outbound(state, logger);
    const limiters = overrides.limiters ?? createChannelLimiters(config);
    const announcements = await createAnnouncements({ config, state, logger, outbound, limiters }, overrides.announcements);
    const learning = createLearning({ config, knowledge, memory, store: overrides.learningStore ?? (await createLearningStore(config)), logger, ...(overrides.now ? { now: overrides.now } : {}) });
    const pipeline = new Pipeline([
        deduplicate(state),
        accessControl(policy, config.bot.pseudonymSecret),
        addressedToBot,
        rateLimit(config.bot.rateLimitPerMinute),
        inputGuard(config.bot.maxMessageChars),
        aiNotice(state),
        learning.commands.roster(),
        new Dispatcher(knowledge.catalog, answers, memory, state, knowledge.store, logger, 1_000, jobCommands, new AnnounceCommands(announcements.service, state, logger), learning.commands),
    ], logger);
    const bot = new Bot(pipeline, outbound, state, logger, config.bot.pseudonymSecret);
    // Audit retention: purged at start, then daily while the process runs.
    const purgeAudit = () => state.purgeAudit(new Date(Date.now() - config.bot.auditRetentionDays * 86_400_000).toISOString()).catch((error) => logger.warn('audit purge failed', { error }));
    await purgeAudit();
    const purgeTimer = setInterval(() => void purgeAudit(), 86_400_000);
    purgeTimer.unref();
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
        startJobs() {
            queues.deliveries.process(4, createDeliveryProcessor(outbound, state, logger));
            if (!queues.work.durable)
                startWorkConsumer(config, knowledge, model, queues, logger);
            void announcements.start().catch((error) => logger.error('announcement fan-out failed to start', { error }));
            learning.warm();
        },
        async close() {
            clearInterval(purgeTimer);
            await bot.stop();
            await announcements.close();
            if (!overrides.learningStore)
                await learning.store.close();
            if (!overrides.queues)
                await queues.close();
            await state.close();
            if (!overrides.curation)
                await curation.close();
            if (!overrides.knowledge)
                await knowledge.close();
        },
    };
}
async function createStateStore(config) {
    if (config.state.kind === 'postgres')
        return PostgresStateStore.open({ connectionString: config.state.databaseUrl });
    return new SqliteStateStore(join(config.dataDir, 'state.sqlite'));
}
