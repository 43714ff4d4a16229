import { accessSync, constants, existsSync, mkdirSync, statSync } from 'node:fs';
import { PasserelleError } from '../bots/errors.ts';
import { createLogger, type Logger, type LogLevel } from '../bots/logger.ts';
import { loadConfig } from '../config/load-config.ts';
import type { Config } from '../config/schema.ts';
import { openKnowledge } from '../app/knowledge.ts';
import type { Knowledge } from '../knowledge/create-knowledge.ts';

/** What every CLI command gets: validated config, a logger, output streams, and the knowledge layer on demand. */
export interface CliContext {
  config: Readonly<Config>;
  logger: Logger;
  out: (text: string) => void;
  err: (text: string) => void;
  knowledge(options?: { create?: boolean }): Promise<Knowledge>;
  close(): Promise<void>;
}

export interface CliIo {
  out: (text: string) => void;
  err: (text: string) => void;
  env?: Record<string, string | undefined>;
}

/**
 * `defaultLogLevel` applies only when PASSERELLE_LOG_LEVEL is not set: a level the operator chose is always
 * the one used (`info` on `serve` logs invites, rooms left, jobs completed).
 */
export function createCliContext(io: CliIo, defaultLogLevel: LogLevel = 'warn'): CliContext {
  const config = loadConfig(io.env ? { env: io.env } : {});
  const logger = createLogger(config.logLevel ?? defaultLogLevel);
  let knowledge: Promise<Knowledge> | undefined;
  return {
    config,
    logger,
    out: io.out,
    err: io.err,
    knowledge(options = {}) {
      ensureDataDir(config.dataDir, options.create ?? false);
      knowledge ??= openKnowledge(config, (message) => logger.warn(message));
      return knowledge;
    },
    async close() {
      if (knowledge) await (await knowledge).close();
    },
  };
}

function ensureDataDir(dataDir: string, create: boolean): void {
  let missing = false;
  try {
    if (!existsSync(dataDir)) {
      if (!create) missing = true;
      if (!create) throw new Error('missing');
      mkdirSync(dataDir, { recursive: true });
    }
    if (!statSync(dataDir).isDirectory()) throw new Error('not a directory');
    accessSync(dataDir, constants.R_OK | constants.W_OK);
  } catch (error) {
    // Nothing ingested yet is the newcomer's case: say how to fill the bases, not that a folder is unwritable.
    throw new PasserelleError(missing ? 'DATA_DIR_MISSING' : 'DATA_DIR_UNAVAILABLE', { path: dataDir }, { cause: error });
  }
}
