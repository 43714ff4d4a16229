import { LocalAdapter } from '../../adapters/local/local-adapter.ts';
import { createBotApplication } from '../../app/bot-application.ts';
import type { CliContext } from '../cli-context.ts';
import { ingestCatalogueSources } from '../../knowledge/ingestion/catalogue-sources.ts';
import { formatReport } from './ingest-command.ts';
import { parseCommandArgs, type Command } from './command.ts';
import { resolve } from 'node:path';
import type { Knowledge } from '../../knowledge/create-knowledge.ts';
import { emptyBaseAtStart, exampleBaseNotice } from '../../bots/user-messages.ts';

/** `passerelle chat`: the interactive terminal chat through the whole bot pipeline. */
export const chatCommand: Command = {
  async run(args, context) {
    parseCommandArgs(args, {});
    return runChat(context);
  },
};

/** `passerelle demo`: ingests the catalogue's sources (../shared/corpus when present, else examples/), then chats. */
export const demoCommand: Command = {
  async run(args, context) {
    parseCommandArgs(args, {});
    const knowledge = await context.knowledge({ create: true });
    for (const kb of knowledge.catalog.bases) {
      const report = await ingestCatalogueSources(kb, knowledge.ingestion, context.logger);
      context.out(formatReport(report, kb.name));
    }
    return runChat(context);
  },
};

async function runChat(context: CliContext): Promise<number> {
  const knowledge = await context.knowledge({ create: true });
  const app = await createBotApplication(context.config, context.logger, { knowledge });
  const adapter = new LocalAdapter(process.stdin, process.stdout);
  app.bot.register(adapter);
  app.startJobs();
  const mode = app.model ? `modèle ${app.model.id}` : 'mode extractif (aucun modèle configuré : réponses par citation des textes)';
  context.out(`Passerelle — ${mode}. Posez votre question, « aide » pour les commandes, « quitter » pour sortir.\n`);
  for (const line of await baseWarnings(knowledge, context.config.rootDir)) context.out(`${line}\n`);
  await app.bot.start();
  await adapter.finished;
  await app.close();
  return 0;
}

/** Said before the first question: which bases are empty (and how to fill them), which hold only fictional examples. */
async function baseWarnings(knowledge: Knowledge, rootDir: string): Promise<string[]> {
  const lines: string[] = [];
  for (const kb of knowledge.catalog.bases) {
    const documents = await knowledge.store.listDocuments(kb.id).catch(() => undefined);
    if (!documents) continue;
    if (documents.length === 0) lines.push(`⚠️ ${emptyBaseAtStart(kb.name, kb.id)}`);
    else if (kb.examples && documents.every((document) => resolve(rootDir, document.source).startsWith(`${kb.examples}/`))) lines.push(`⚠️ ${exampleBaseNotice(kb.name)}`);
  }
  return lines;
}
