import { parseCommandArgs, UsageError } from "./command.js";
/** `passerelle remove --kb <id> <path…>`: removes the documents that came from those files or folders. */
export const removeCommand = {
    async run(args, context) {
        const { values, positionals } = parseCommandArgs(args, { kb: { type: 'string' } });
        if (!values.kb || positionals.length === 0)
            throw new UsageError('précisez --kb <id> et au moins un chemin');
        const knowledge = await context.knowledge();
        knowledge.catalog.get(values.kb);
        let removed = 0;
        for (const path of positionals)
            removed += await knowledge.ingestion.removeSource(values.kb, path);
        context.out(`${removed} document(s) retiré(s) de la base ${values.kb}.\n`);
        return 0;
    },
};
