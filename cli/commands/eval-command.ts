import { computeMetrics, distinctDocuments, EvalQuestionSchema, readQuestionFile, type EvalOutcome } from '../../knowledge/evaluation.ts';
import { createChatModel } from '../../knowledge/models/langchain-chat-model.ts';
import { createRouter } from '../../app/bot-application.ts';
import { inForceDate, parseCommandArgs, UsageError, type Command } from './command.ts';
import { evaluateAnswers } from './eval-answers.ts';
import { FEATURES, type FeatureName } from '../../knowledge/answering/confidence.ts';

/**
 * `passerelle eval [--json] [--details] [--date YYYY-MM-DD] <questions.jsonl>`: R@1/5/10 and MRR@10 of retrieval in
 * each question's base, passages in force at the date (default: the configured `retrieval.inForceAt`).
 * `--answers <file…>`: the whole answer path instead (see eval-answers.ts).
 */
export const evalCommand: Command = {
  async run(args, context) {
    const { values, positionals } = parseCommandArgs(args, { json: { type: 'boolean' }, details: { type: 'boolean' }, answers: { type: 'boolean' }, calibrate: { type: 'boolean' }, features: { type: 'string' }, date: { type: 'string' } });
    if (values.answers) {
      if (positionals.length === 0) throw new UsageError('précisez au moins un fichier de questions (.jsonl)');
      const features = values.features?.split(',').map((name) => name.trim()) as FeatureName[] | undefined;
      if (features && !features.every((name) => (FEATURES as readonly string[]).includes(name))) throw new UsageError(`--features attend des noms parmi : ${FEATURES.join(', ')}`);
      // --date: the whole answer path answers with the texts in force that day.
      const dated = values.date === undefined ? context : { ...context, config: { ...context.config, retrieval: { ...context.config.retrieval, inForceAt: inForceDate(values.date, context.config.retrieval.inForceAt) as string } } };
      return evaluateAnswers(positionals, { json: values.json ?? false, details: values.details ?? false, calibrate: values.calibrate ?? false, ...(features ? { features } : {}) }, dated);
    }
    const [file] = positionals;
    if (!file || positionals.length > 1) throw new UsageError('précisez un seul fichier de questions (.jsonl)');
    const inForceAt = inForceDate(values.date, context.config.retrieval.inForceAt);
    const questions = await readQuestionFile(file, EvalQuestionSchema, '{id, question, relevant_ids, kb}', context.err);
    const knowledge = await context.knowledge();
    for (const question of questions) knowledge.catalog.get(question.kb);
    const { config } = context;
    const router = createRouter(config, knowledge, createChatModel(config.chatModel));
    const routeAll = new Set(questions.map((question) => question.kb)).size > 1;
    const outcomes: EvalOutcome[] = [];
    for (const question of questions) {
      const result = await knowledge.retriever.retrieve({ question: question.question, kb: question.kb, maxClassification: 'diffusion-restreinte', limit: 10, ...(inForceAt ? { inForceAt } : {}) });
      const outcome: EvalOutcome = { question, ranked: distinctDocuments(result.passages.map((passage) => passage.chunk.documentId)).slice(0, 10) };
      if (routeAll) outcome.routedKb = (await router.route(question.question, knowledge.catalog.ids)).kb;
      outcomes.push(outcome);
    }
    const metrics = computeMetrics(outcomes);
    if (values.json) {
      context.out(`${JSON.stringify(values.details ? { ...metrics, details: outcomes.map(detail) } : metrics)}\n`);
      return 0;
    }
    context.out(
      `n=${metrics.n}  R@1=${metrics.recall_at_1.toFixed(3)}  R@5=${metrics.recall_at_5.toFixed(3)}  R@10=${metrics.recall_at_10.toFixed(3)}  MRR@10=${metrics.mrr_at_10.toFixed(3)}` +
        `${metrics.routing_accuracy !== undefined ? `  routage=${metrics.routing_accuracy.toFixed(3)}` : ''}\n`,
    );
    if (values.details) for (const outcome of outcomes) context.out(`${JSON.stringify(detail(outcome))}\n`);
    return 0;
  },
};

function detail(outcome: EvalOutcome) {
  const relevant = new Set(outcome.question.relevant_ids);
  const rank = outcome.ranked.findIndex((id) => relevant.has(id));
  return { id: outcome.question.id, rank: rank < 0 ? null : rank + 1, top: outcome.ranked.slice(0, 5), relevant: outcome.question.relevant_ids, ...(outcome.routedKb ? { kb: outcome.question.kb, routedKb: outcome.routedKb } : {}) };
}
