import type { AdapterContext } from '../../adapters/adapter-context.ts';
import type { ChannelAdapter } from '../../bots/channel-adapter.ts';
import { createBotApplication } from '../../bots/create-bot.ts';
import { PasserelleError } from '../../bots/errors.ts';
import type { CliContext } from '../cli-context.ts';
import { parseCommandArgs, type Command } from './command.ts';

/**
 * `passerelle serve`: the bot process. It owns the channel connections (Teams endpoint, Matrix device:
 * exactly one such process per deployment), consumes the deliveries queue, and — when no Redis is
 * configured — runs long jobs itself.
 */
export const serveCommand: Command = {
  async run(args, context) {
    parseCommandArgs(args, {});
    const { config, logger } = context;
    if (!config.teams.enabled && !config.matrix.enabled) {
      throw new PasserelleError('CONFIG_INVALID', { problems: 'aucun canal activé (TEAMS_ENABLED=true et/ou MATRIX_ENABLED=true) ; pour essayer en local : passerelle chat' });
    }
    const knowledge = await context.knowledge({ create: true });
    const app = await createBotApplication(config, logger, { knowledge });
    const adapterContext: AdapterContext = { config, state: app.state, bot: app.bot, logger };
    const adapters: ChannelAdapter[] = [];
    if (config.teams.enabled) adapters.push(await (await import('../../adapters/teams/index.ts')).createTeamsAdapter(adapterContext));
    if (config.matrix.enabled) adapters.push(await (await import('../../adapters/matrix/index.ts')).createMatrixAdapter(adapterContext));
    for (const adapter of adapters) app.bot.register(adapter);
    app.startJobs();
    await app.bot.start();
    const { startAnnouncementSurface } = await import('../../adapters/admin-http/announcement-wiring.ts');
    const admin = await startAnnouncementSurface(app, adapters, logger);
    context.out(`Passerelle en service : ${adapters.map((adapter) => adapter.name).join(', ')} ; file ${app.queues.work.durable ? 'Redis' : 'locale (non durable)'}${admin.adminPort ? ` ; API d’administration sur 127.0.0.1:${admin.adminPort}` : ''}.\n`);
    await waitForSignal();
    context.out('Arrêt en cours…\n');
    await admin.close();
    await app.close();
    return 0;
  },
};

/** `passerelle worker`: consumes the work queue (Redis required); results go back through the deliveries queue. */
export const workerCommand: Command = {
  async run(args, context) {
    parseCommandArgs(args, {});
    const { config, logger } = context;
    if (!config.queue.redisUrl) throw new PasserelleError('CONFIG_INVALID', { problems: 'REDIS_URL est requis pour un processus worker séparé' });
    const { createQueues } = await import('../../workers/create-queues.ts');
    const { startEnrichmentConsumer, startWorkConsumer } = await import('../../workers/worker-runtime.ts');
    const { createChatModel } = await import('../../knowledge/models/langchain-chat-model.ts');
    const knowledge = await context.knowledge();
    const queues = createQueues(config, logger);
    const model = createChatModel(config.chatModel);
    startWorkConsumer(config, knowledge, model, queues, logger);
    startEnrichmentConsumer(config, knowledge, model, queues, logger);
    context.out(`Worker Passerelle démarré (concurrence ${config.queue.workerConcurrency}).\n`);
    await waitForSignal();
    await queues.close();
    return 0;
  },
};

function waitForSignal(): Promise<void> {
  return new Promise((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}
