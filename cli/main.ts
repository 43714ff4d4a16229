import { toPasserelleError } from '../bots/errors.ts';
import { createCliContext, type CliIo } from './cli-context.ts';
import { UsageError } from './commands/command.ts';
import { COMMANDS, usage } from './commands/index.ts';
import { closest } from './suggest.ts';

/** Commands that run until stopped: they log what they do at `info` unless PASSERELLE_LOG_LEVEL says otherwise. */
const LONG_RUNNING = new Set(['serve', 'worker']);

/**
 * `passerelle <command> …`. Exit codes: 0 success, 1 the command failed, 2 usage error.
 * Messages are French; causes go to the log (stderr, JSON) only.
 */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === 'help' || name === '--help' || name === '-h' || name === 'aide') {
    io.out(usage());
    return name ? 0 : 2;
  }
  const command = COMMANDS[name];
  if (!command) {
    const suggestion = closest(name, Object.keys(COMMANDS));
    io.err(`Commande inconnue « ${name} ».${suggestion ? ` Vouliez-vous dire « passerelle ${suggestion} » ?` : ''}\n${usage()}`);
    return 2;
  }
  let context;
  try {
    context = createCliContext(io, LONG_RUNNING.has(name) ? 'info' : 'warn');
  } catch (error) {
    const failure = toPasserelleError(error);
    if (command.onInvalidConfiguration && failure.code === 'CONFIG_INVALID') io.out(await command.onInvalidConfiguration(String(failure.details.problems ?? failure.userMessage)));
    else io.err(`${failure.userMessage}\n`);
    return 1;
  }
  try {
    return await (await command.load()).run(rest, context);
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`${error.message}\n${usage(name)}`);
      return 2;
    }
    const failure = toPasserelleError(error);
    if (failure.code === 'INTERNAL') context.logger.error('command failed', { command: name, error: failure.cause ?? failure });
    else context.logger.debug('command failed', { command: name, code: failure.code, error: failure.cause });
    io.err(`${failure.userMessage}\n`);
    return 1;
  } finally {
    await context.close().catch(() => undefined);
  }
}

// bin/passerelle.js: the compiled dist/cli/main.js when built (`npm run build`, run by `npm ci`), else the sources through tsx.
const isMain = process.argv[1] !== undefined && /passerelle(\.js)?$|cli[\\/]main\.[jt]s$/.test(process.argv[1]);
if (isMain) {
  const code = await runCli(process.argv.slice(2), {
    out: (text) => process.stdout.write(text),
    err: (text) => process.stderr.write(text),
  });
  process.exitCode = code;
}
