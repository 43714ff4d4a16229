import { PasserelleError } from "../bots/errors.js";
import { startAdminApi } from "./admin-surface.js";
import { observeAnnouncements, startMetricsListener, startObservability } from "./observability.js";
import { createBotApplication } from "./bot-application.js";
/**
 * Builds and starts the bot process: the application, the enabled channels (Teams endpoint, Matrix device:
 * exactly one such process per deployment), the jobs (deliveries, announcements and, without Redis, the
 * work itself) and the admin API.
 */
export async function startServing(config, logger, openKnowledge) {
    if (!config.teams.enabled && !config.matrix.enabled) {
        throw new PasserelleError('CONFIG_INVALID', { problems: 'aucun canal activé (TEAMS_ENABLED=true et/ou MATRIX_ENABLED=true) ; pour essayer en local : passerelle chat' });
    }
    const observability = startObservability(config, 'serve', logger);
    const app = await createBotApplication(config, logger, { knowledge: await openKnowledge() });
    observeAnnouncements(app.announcements.store);
    const channels = {};
    if (config.teams.enabled)
        channels.teams = await (await import("../adapters/teams/index.js")).createTeamsAdapter({ config, logger, limiter: app.limiters.teams });
    if (config.matrix.enabled)
        channels.matrix = await (await import("../adapters/matrix/index.js")).createMatrixAdapter({ config, logger, limiter: app.limiters.matrix });
    attachChannels(app, channels);
    app.startJobs();
    await app.bot.start();
    const admin = await startAdminApi(app, logger);
    return {
        app,
        channels: Object.values(channels),
        ...(admin.adminPort ? { adminPort: admin.adminPort } : {}),
        async close() {
            await admin.close();
            await app.close();
            await observability.shutdown();
        },
    };
}
/**
 * Registers the channels on the bot (the outbound path) and gives announcement audiences their directories:
 * Microsoft Graph for `equipe:`/`groupe:` (the Teams adapter's, when the app has a secret or a certificate),
 * the Matrix room members for `membres:`.
 */
export function attachChannels(app, channels) {
    const { directories } = app.announcements;
    if (channels.teams) {
        app.bot.register(channels.teams);
        if (channels.teams.directory)
            directories.teams = channels.teams.directory;
    }
    if (channels.matrix) {
        const matrix = channels.matrix;
        app.bot.register(matrix);
        directories.matrix = { joinedMembers: (roomId) => matrix.roomMembers(roomId) };
        if (app.config.matrix.userId)
            directories.matrixBotUserId = app.config.matrix.userId;
    }
}
/** `passerelle worker`: consumes the work queue (Redis required); results go back through the deliveries queue. */
export async function startWorker(config, logger, openKnowledge) {
    if (!config.queue.redisUrl)
        throw new PasserelleError('CONFIG_INVALID', { problems: 'REDIS_URL est requis pour un processus worker séparé' });
    const { createQueues } = await import("./create-queues.js");
    const { startEnrichmentConsumer, startWorkConsumer } = await import("./work-consumer.js");
    const { createChatModel } = await import("../knowledge/models/langchain-chat-model.js");
    const observability = startObservability(config, 'worker', logger);
    const knowledge = await openKnowledge();
    const queues = createQueues(config, logger);
    const model = createChatModel(config.chatModel);
    startWorkConsumer(config, knowledge, model, queues, logger);
    startEnrichmentConsumer(config, knowledge, model, queues, logger);
    const port = config.observability.workerMetricsPort;
    const listener = port === undefined ? undefined : await startMetricsListener(config, port, logger);
    return {
        ...(listener ? { metricsPort: listener.port } : {}),
        async close() {
            await listener?.close();
            await queues.close();
            await observability.shutdown();
        },
    };
}
