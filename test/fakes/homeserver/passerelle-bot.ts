/**
 * The real Passerelle bot application (configuration, knowledge, pipeline) with the real Matrix adapter,
 * connected to the fake homeserver, over a tiny ingested corpus. For end-to-end tests of the Tchap channel.
 *
 * @module
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createMatrixAdapter, type MatrixAdapterOptions, type MatrixChannelAdapter } from '../../../adapters/matrix/index.ts';
import { createBotApplication, type BotApplication } from '../../../app/bot-application.ts';
import { createLogger, silentLogger, type Logger } from '../../../bots/logger.ts';
import { loadConfig } from '../../../config/load-config.ts';
import type { Config } from '../../../config/schema.ts';
import type { FakeHomeserver } from './index.ts';

export { ConnectionLockedError, createMatrixAdapter } from '../../../adapters/matrix/index.ts';
export { notice } from '../../../bots/reply.ts';
export { metrics } from '../../../bots/metrics.ts';
export { runMatrixCommand } from '../../../cli/commands/matrix-command.ts';
export { createCliContext } from '../../../cli/cli-context.ts';
export { encodeRecoveryKey } from 'matrix-js-sdk/lib/crypto-api/index.js';

/** The bot's account on the fake homeserver. */
export const BOT_USER_ID = '@passerelle:test.local';
/** The bot's password (MATRIX_PASSWORD). */
export const BOT_PASSWORD = 'x';

const LEGIFRANCE = 'https://www.legifrance.gouv.fr/codes/article_lc/';
const TITLE = ['Titre II : Organisation du service des douanes', 'Chapitre IV : Pouvoirs des agents des douanes'];

/** Two articles of the Code des douanes, enough for a cited extractive answer. */
export const CORPUS = [
  { id: 'CD-60', code: 'Code des douanes', num: '60', title_path: TITLE, text: 'Pour l’application des dispositions du présent code et en vue de la recherche de la fraude, les agents des douanes peuvent procéder à la visite des marchandises et des moyens de transport et à celle des personnes.', valid_from: null, valid_to: null, source_url: `${LEGIFRANCE}CD-60` },
  { id: 'CD-65', code: 'Code des douanes', num: '65', title_path: TITLE, text: 'Les agents des douanes ayant au moins le grade de contrôleur peuvent exiger la communication des papiers et documents de toute nature relatifs aux opérations intéressant leur service.', valid_from: null, valid_to: null, source_url: `${LEGIFRANCE}CD-65` },
];

/** A passage carrying HTML and markdown injection (and an @room ping), quoted by extractive answers. */
export const INJECTED_RECORD = { id: 'CD-999', code: 'Code des douanes', num: '999', title_path: TITLE, text: 'Le registre des scellés douaniers <img src=x onerror=alert(1)> est tenu <script>alert(document.cookie)</script> par le chef de poste ; voir [la note](javascript:alert(1)) et @room pour le registre des scellés.', valid_from: null, valid_to: null, source_url: 'javascript:alert(2)' };

/** A question the corpus answers (article 60). */
export const QUESTION = 'Les agents des douanes peuvent-ils procéder à la visite des marchandises et des moyens de transport ?';

/** A running bot application with its Matrix adapter. */
export interface MatrixBot {
  app: BotApplication;
  config: Readonly<Config>;
  adapter: MatrixChannelAdapter;
  dir: string;
  /** Stops the adapter and starts a new one on the same data directory (same process, same state store). */
  restart(options?: { adapter?: MatrixAdapterOptions; beforeStart?: () => void }): Promise<MatrixChannelAdapter>;
  close(): Promise<void>;
}

/** Options of `startMatrixBot`. */
export interface MatrixBotOptions {
  env?: Record<string, string>;
  adapter?: MatrixAdapterOptions;
  /** Reuse this directory (it holds `data/`); the corpus is then already ingested. */
  dir?: string;
  /** The application's logger (default: silent, or MATRIX_TEST_LOG's level). */
  logger?: Logger;
}

/** Test adapter options: short grace and edit intervals keep tests fast. */
export const FAST_ADAPTER: MatrixAdapterOptions = { undecryptableGraceMs: 300, editIntervalMs: 1_000, drainMs: 2_000, startTimeoutMs: 15_000 };

/** Starts the bot application (real config, knowledge, pipeline) with the Matrix adapter on the fake homeserver. */
export async function startMatrixBot(fake: FakeHomeserver, options: MatrixBotOptions = {}): Promise<MatrixBot> {
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'passerelle-matrix-'));
  if (!fake.state.accounts.has(BOT_USER_ID)) fake.registerUser(BOT_USER_ID, BOT_PASSWORD, 'Passerelle');
  const config = loadConfig({
    env: {
      PASSERELLE_DATA_DIR: join(dir, 'data'),
      PASSERELLE_LOG_LEVEL: 'silent',
      MATRIX_ENABLED: 'true',
      MATRIX_HOMESERVER_URL: fake.url,
      MATRIX_USER_ID: BOT_USER_ID,
      MATRIX_PASSWORD: BOT_PASSWORD,
      MATRIX_ALLOWED_SERVERS: 'test.local',
      MATRIX_REQUESTS_PER_SECOND: '50',
      ...options.env,
    },
  });
  const logger: Logger = options.logger ?? (process.env.MATRIX_TEST_LOG ? createLogger(process.env.MATRIX_TEST_LOG as 'debug') : silentLogger);
  const app = await createBotApplication(config, logger, { model: null });
  if (!options.dir) {
    const corpus = join(dir, 'code_douanes.jsonl');
    writeFileSync(corpus, `${[...CORPUS, INJECTED_RECORD].map((record) => JSON.stringify(record)).join('\n')}\n`);
    await app.knowledge.ingestion.ingest({ kb: 'legal', ceiling: 'diffusion-restreinte' }, [corpus], { defaultClassification: 'public' });
  }
  const context = { config, logger, limiter: app.limiters.matrix };
  const launch = async (adapterOptions: MatrixAdapterOptions): Promise<MatrixChannelAdapter> => {
    const adapter = await createMatrixAdapter(context, adapterOptions);
    app.bot.register(adapter);
    await app.bot.start();
    await adapter.ready;
    return adapter;
  };
  const bot: MatrixBot = {
    app,
    config,
    dir,
    adapter: await launch({ ...FAST_ADAPTER, ...options.adapter }),
    async restart(restartOptions = {}) {
      await bot.adapter.stop();
      restartOptions.beforeStart?.();
      bot.adapter = await launch({ ...FAST_ADAPTER, ...options.adapter, ...restartOptions.adapter });
      return bot.adapter;
    },
    async close() {
      await app.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return bot;
}
