import { LocalAdapter } from "../../adapters/local/local-adapter.js";
import { createBotApplication } from "../../app/bot-application.js";
import { ingestCatalogueSources } from "../../knowledge/ingestion/catalogue-sources.js";
import { formatReport } from "./ingest-command.js";
import { parseCommandArgs } from "./command.js";
/** `passerelle chat`: the interactive terminal chat through the whole bot pipeline. */
export const chatCommand = {
    async run(args, context) {
        parseCommandArgs(args, {});
        return runChat(context);
    },
};
/** `passerelle demo`: ingests the catalogue's sources (../shared/corpus when present, else examples/), then chats. */
export const demoCommand = {
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
async function runChat(context) {
    const knowledge = await context.knowledge({ create: true });
    const app = await createBotApplication(context.config, context.logger, { knowledge });
    const adapter = new LocalAdapter(process.stdin, process.stdout);
    app.bot.register(adapter);
    app.startJobs();
    const mode = app.model ? `modèle ${app.model.id}` : 'mode extractif (aucun modèle configuré : réponses par citation des textes)';
    context.out(`Passerelle — ${mode}. Posez votre question, « aide » pour les commandes, « quitter » pour sortir.\n`);
    await app.bot.start();
    await adapter.finished;
    await app.close();
    return 0;
}
