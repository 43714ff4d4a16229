import { createBotApplication } from '../../app/bot-application.ts';
import { renderReply } from '../../adapters/local/render-reply.ts';
import { validateQuestion } from '../../knowledge/retriever.ts';
import { inForceDate, parseCommandArgs, UsageError, type Command } from './command.ts';

/** `passerelle ask [--kb <id>] [--date YYYY-MM-DD] [--json] "<question>"`: one question, one answer (texts in force at the date). */
export const askCommand: Command = {
  async run(args, context) {
    const { values, positionals } = parseCommandArgs(args, { kb: { type: 'string' }, json: { type: 'boolean' }, date: { type: 'string' } });
    if (positionals.length === 0) throw new UsageError('écrivez la question entre guillemets');
    const question = validateQuestion(positionals.join(' '), context.config.bot.maxMessageChars);
    const knowledge = await context.knowledge();
    if (values.kb) knowledge.catalog.get(values.kb);
    const config = values.date === undefined ? context.config : { ...context.config, retrieval: { ...context.config.retrieval, inForceAt: inForceDate(values.date, context.config.retrieval.inForceAt) as string } };
    const app = await createBotApplication(config, context.logger, { knowledge });
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
        context.out(
          `${JSON.stringify({
            route: outcome.route ? { kb: outcome.route.kb, confidence: outcome.route.confidence } : null,
            answer: outcome.reply.text,
            citations: outcome.reply.citations.map((citation) => ({ id: citation.id, kb: citation.kb, title: citation.title, url: citation.url ?? null, version: citation.version ?? null })),
            abstained: outcome.abstained,
            mode: outcome.mode,
          })}\n`,
        );
      } else {
        context.out(renderReply(outcome.reply));
      }
      return 0;
    } finally {
      await app.close();
    }
  },
};
