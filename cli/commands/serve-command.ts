import type { CliContext } from '../cli-context.ts';
import { parseCommandArgs, type Command } from './command.ts';

/**
 * `passerelle serve`: the bot process (app/serve.ts): the Teams endpoint, the Tchap device (with state in
 * PostgreSQL, on the replica holding the Tchap lease), the deliveries queue, and — when no Redis is
 * configured — long jobs too. Several replicas may run behind a load balancer (docs/operations.md).
 */
export const serveCommand: Command = {
  async run(args, context) {
    parseCommandArgs(args, {});
    const { startServing } = await import('../../app/serve.ts');
    const serving = await startServing(context.config, context.logger, () => context.knowledge({ create: true }));
    // Listen for the signal before saying « en service »: whoever reads that line may stop the process at once.
    const signalled = waitForSignal();
    context.out(`Passerelle en service : ${serving.channels.map((channel) => channel.name).join(', ')} ; file ${serving.app.queues.work.durable ? 'Redis' : 'locale (non durable)'}${serving.adminPort ? ` ; API d’administration et console sur http://${context.config.announcements.adminHost}:${serving.adminPort}/console` : ''}.\n`);
    const lost = await Promise.race([signalled.then(() => undefined), serving.stopped]);
    context.out(lost ? `Arrêt : ${lost}. Le superviseur relance ce processus, qui attendra son tour.\n` : 'Arrêt en cours…\n');
    await serving.close();
    exitOnceIdle();
    return lost ? 1 : 0;
  },
};

/** `passerelle worker`: consumes the work queue (Redis required); results go back through the deliveries queue. */
export const workerCommand: Command = {
  async run(args, context: CliContext) {
    parseCommandArgs(args, {});
    const { startWorker } = await import('../../app/serve.ts');
    const worker = await startWorker(context.config, context.logger, () => context.knowledge());
    const signalled = waitForSignal();
    context.out(`Worker Passerelle démarré (concurrence ${context.config.queue.workerConcurrency}).\n`);
    await signalled;
    await worker.close();
    return 0;
  },
};

/**
 * Resolves on the first SIGINT or SIGTERM. The handlers stay installed for the rest of the process's life: a
 * library that watches signals (signal-exit, loaded by some dependencies) re-raises the signal — killing the
 * process in the middle of its shutdown — when it finds itself the last listener. A second signal during the
 * shutdown stops at once (exit code 130), as a second Ctrl-C does in a terminal.
 */
function waitForSignal(): Promise<void> {
  return new Promise((resolve) => {
    let received = false;
    const onSignal = () => {
      if (received) process.exit(130);
      received = true;
      resolve();
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
}

/**
 * After a complete shutdown, the process ends even if a library left timers behind: matrix-js-sdk keeps
 * some running after its client is stopped (up to 5 minutes), which kept `serve` alive after SIGTERM. The
 * timer is unref'd: it fires only when something else still holds the process a second after the end.
 */
function exitOnceIdle(): void {
  setTimeout(() => process.exit(), 1_000).unref();
}
