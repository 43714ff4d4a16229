import { parseCommandArgs } from "./command.js";
/**
 * `passerelle serve`: the bot process (app/serve.ts). It owns the channel connections (Teams endpoint,
 * Matrix device: exactly one such process per deployment), consumes the deliveries queue, and — when no
 * Redis is configured — runs long jobs itself.
 */
export const serveCommand = {
    async run(args, context) {
        parseCommandArgs(args, {});
        const { startServing } = await import("../../app/serve.js");
        const serving = await startServing(context.config, context.logger, () => context.knowledge({ create: true }));
        context.out(`Passerelle en service : ${serving.channels.map((channel) => channel.name).join(', ')} ; file ${serving.app.queues.work.durable ? 'Redis' : 'locale (non durable)'}${serving.adminPort ? ` ; API d’administration et console sur http://${context.config.announcements.adminHost}:${serving.adminPort}/console` : ''}.\n`);
        await waitForSignal();
        context.out('Arrêt en cours…\n');
        await serving.close();
        return 0;
    },
};
/** `passerelle worker`: consumes the work queue (Redis required); results go back through the deliveries queue. */
export const workerCommand = {
    async run(args, context) {
        parseCommandArgs(args, {});
        const { startWorker } = await import("../../app/serve.js");
        const worker = await startWorker(context.config, context.logger, () => context.knowledge());
        context.out(`Worker Passerelle démarré (concurrence ${context.config.queue.workerConcurrency}).\n`);
        await waitForSignal();
        await worker.close();
        return 0;
    },
};
function waitForSignal() {
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
