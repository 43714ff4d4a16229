/**
 * The real Passerelle application with its Teams channel, for the end-to-end tests: configuration from
 * environment variables (anonymous local mode unless credentials are given), a tiny Code des douanes corpus
 * ingested through the real ingestion service, the Teams adapter registered and started on a free port,
 * and a fake Bot Connector as the Teams service. Not a test file: imported by test/e2e/teams*.test.ts.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTeamsAdapter, type TeamsAdapter, type TeamsAdapterOptions } from '../../../adapters/teams/index.ts';
import { createBotApplication, type BotApplication } from '../../../app/bot-application.ts';
import { createLogger, silentLogger, type Logger } from '../../../bots/logger.ts';
import { loadConfig } from '../../../config/load-config.ts';
import type { Config } from '../../../config/schema.ts';
import { startFakeBotConnector, type FakeBotConnector } from '../../fakes/bot-connector.ts';
import { TENANT } from './activities.ts';

const LEGIFRANCE = 'https://www.legifrance.gouv.fr/codes/article_lc/';

/** Code des douanes articles, in the JSONL format of the legal base. */
export const ARTICLES = [
  { num: '60', text: 'Pour l’application des dispositions du présent code et en vue de la recherche de la fraude, les agents des douanes peuvent procéder à la visite des marchandises et des moyens de transport et à celle des personnes.' },
  { num: '65', text: 'Les agents des douanes ayant au moins le grade de contrôleur peuvent exiger la communication des papiers et documents de toute nature relatifs aux opérations intéressant leur service.' },
  { num: '414', text: 'Sont passibles d’un emprisonnement de trois ans, de la confiscation de l’objet de fraude et des moyens de transport, et d’une amende, tout fait de contrebande ainsi que tout fait d’importation ou d’exportation sans déclaration de marchandises prohibées.' },
].map((article) => ({
  id: `CD-${article.num}`,
  code: 'Code des douanes',
  num: article.num,
  title_path: ['Titre II : Organisation du service des douanes', 'Chapitre IV : Pouvoirs des agents des douanes'],
  text: article.text,
  valid_from: null,
  valid_to: null,
  source_url: `${LEGIFRANCE}CD-${article.num}`,
}));

export interface TeamsApp {
  app: BotApplication;
  config: Readonly<Config>;
  adapter: TeamsAdapter;
  connector: FakeBotConnector;
  /** http://127.0.0.1:{port} of the bot's endpoint. */
  botUrl: string;
  logLines: string[];
  close(): Promise<void>;
}

export interface TeamsAppOptions {
  env?: Record<string, string>;
  /** Configuration values applied last (loadConfig overrides). */
  overrides?: Record<string, unknown>;
  adapterOptions?: (connector: FakeBotConnector) => TeamsAdapterOptions;
  /** Capture log lines (JSON) instead of discarding them. */
  captureLogs?: boolean;
  /** Start the jobs (deliveries and, with the in-process queue, the work itself), like `passerelle serve`. */
  startJobs?: boolean;
}

export async function startTeamsApp(options: TeamsAppOptions = {}): Promise<TeamsApp> {
  const dir = mkdtempSync(join(tmpdir(), 'passerelle-teams-'));
  const corpus = join(dir, 'code_douanes.jsonl');
  writeFileSync(corpus, `${ARTICLES.map((record) => JSON.stringify(record)).join('\n')}\n`);
  const connector = await startFakeBotConnector();
  const logLines: string[] = [];
  const logger: Logger = options.captureLogs ? createLogger('debug', (line) => logLines.push(line)) : silentLogger;
  const config = loadConfig({
    env: {
      PASSERELLE_DATA_DIR: join(dir, 'data'),
      PASSERELLE_LOG_LEVEL: 'silent',
      PASSERELLE_RATE_LIMIT_PER_MINUTE: '1000',
      TEAMS_ENABLED: 'true',
      TEAMS_PORT: '0',
      ...options.env,
    },
    overrides: { chatModel: { maxRetries: 0 }, ...options.overrides },
  });
  const app = await createBotApplication(config, logger);
  await app.knowledge.ingestion.ingest({ kb: 'legal', ceiling: 'diffusion-restreinte' }, [corpus], { defaultClassification: 'public' });
  const adapter = await createTeamsAdapter({ config, logger, limiter: app.limiters.teams }, { retry: { baseDelayMs: 40, maxDelayMs: 200 }, ...options.adapterOptions?.(connector) });
  app.bot.register(adapter);
  await app.bot.start();
  if (options.startJobs) app.startJobs();
  return {
    app,
    config,
    adapter,
    connector,
    botUrl: `http://127.0.0.1:${adapter.port}`,
    logLines,
    async close() {
      await app.close();
      await connector.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

let counter = 0;

export type PersonalParties = {
  from: { id: string; name: string; aadObjectId: string };
  conversation: { conversationType: 'personal'; id: string; tenantId: string };
};

/** Overrides giving an activity its own user and personal conversation (fresh AI notice, fresh memory). */
export function freshPersonal(): PersonalParties {
  const n = ++counter;
  return {
    from: { id: `29:user-${n}`, name: `Agent ${n}`, aadObjectId: `aad-user-${n}` },
    conversation: { conversationType: 'personal', id: `a:personal-${n}`, tenantId: TENANT },
  };
}

/** A fresh sender for channel and group messages. */
export function freshUser(): { id: string; name: string; aadObjectId: string } {
  const n = ++counter;
  return { id: `29:member-${n}`, name: `Membre ${n}`, aadObjectId: `aad-member-${n}` };
}
