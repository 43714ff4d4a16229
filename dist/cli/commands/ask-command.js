import { createBotApplication } from "../../app/bot-application.js";
import { renderReply } from "../../adapters/local/render-reply.js";
import { validateQuestion } from "../../knowledge/retriever.js";
import { parseCommandArgs, UsageError } from "./command.js";
/** `passerelle ask [--kb <id>] [--json] "<question>"`: one question, one answer. */
export const askCommand = {
    async run(args, context) {
        const { values, positionals } = parseCommandArgs(args, { kb: { type: 'string' }, json: { type: 'boolean' } });
        if (positionals.length === 0)
            throw new UsageError('écrivez la question entre guillemets');
        const question = validateQuestion(positionals.join(' '), context.config.bot.maxMessageChars);
        const knowledge = await context.knowledge();
        if (values.kb)
            knowledge.catalog.get(values.kb);
        const app = await createBotApplication(context.config, context.logger, { knowledge });
        try {
            const outcome = await app.answers.answer({
                question,
                ...(values.kb ? { forcedKb: values.kb } : {}),
                allowedKbs: knowledge.catalog.ids,
                clearance: 'diffusion-restreinte',
                conversationKey: `local:ask:${process.pid}`,
                channel: 'local',
                userHash: 'cli',
            });
            if (values.json) {
                context.out(`${JSON.stringify({
                    route: outcome.route ? { kb: outcome.route.kb, confidence: outcome.route.confidence } : null,
                    answer: outcome.reply.text,
                    citations: outcome.reply.citations.map((citation) => ({ id: citation.id, kb: citation.kb, title: citation.title, url: citation.url ?? null })),
                    abstained: outcome.abstained,
                    mode: outcome.mode,
                })}\n`);
            }
            else {
                context.out(renderReply(outcome.reply));
            }
            return 0;
        }
        finally {
            await app.close();
        }
    },
};
