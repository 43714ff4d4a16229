import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { PasserelleError } from "../bots/errors.js";
/**
 * Retrieval evaluation: recall at 1/5/10 and MRR@10 over questions labelled with relevant document ids.
 * A question counts as found at rank r when one of its relevant ids is the r-th distinct document returned.
 */
export const EvalQuestionSchema = z.object({
    id: z.string().min(1),
    question: z.string().min(1),
    relevant_ids: z.array(z.string().min(1)).min(1),
    kb: z.string().min(1),
});
export function firstRelevantRank(outcome) {
    const relevant = new Set(outcome.question.relevant_ids);
    const index = outcome.ranked.findIndex((id) => relevant.has(id));
    return index < 0 ? undefined : index + 1;
}
export function computeMetrics(outcomes) {
    const n = outcomes.length;
    const ranks = outcomes.map(firstRelevantRank);
    const share = (predicate) => (n === 0 ? 0 : round(ranks.filter(predicate).length / n));
    const metrics = {
        n,
        recall_at_1: share((rank) => rank !== undefined && rank <= 1),
        recall_at_5: share((rank) => rank !== undefined && rank <= 5),
        recall_at_10: share((rank) => rank !== undefined && rank <= 10),
        mrr_at_10: n === 0 ? 0 : round(ranks.reduce((sum, rank) => sum + (rank !== undefined && rank <= 10 ? 1 / rank : 0), 0) / n),
    };
    const routed = outcomes.filter((outcome) => outcome.routedKb !== undefined);
    if (routed.length > 0)
        metrics.routing_accuracy = round(routed.filter((outcome) => outcome.routedKb === outcome.question.kb).length / routed.length);
    return metrics;
}
/** Distinct document ids in the order their chunks appear. */
export function distinctDocuments(documentIds) {
    return [...new Set(documentIds)];
}
function round(value) {
    return Math.round(value * 10_000) / 10_000;
}
/**
 * Answer-level evaluation (`passerelle eval --answers`): the whole answer path, routing included. A line with
 * `relevant_ids` is in scope; a line without is out of scope (no article answers it: the bot should abstain).
 */
export const AnswerEvalQuestionSchema = z.object({
    id: z.string().min(1),
    question: z.string().min(1),
    relevant_ids: z.array(z.string().min(1)).optional(),
    kb: z.string().min(1).optional(),
});
export function computeAnswerMetrics(outcomes) {
    const inScope = outcomes.filter((outcome) => (outcome.question.relevant_ids?.length ?? 0) > 0);
    const outOfScope = outcomes.filter((outcome) => (outcome.question.relevant_ids?.length ?? 0) === 0);
    const answered = inScope.filter((outcome) => !outcome.abstained && !outcome.refused);
    const right = (outcome) => outcome.cited.some((id) => outcome.question.relevant_ids?.includes(id));
    const onlyWrong = answered.filter((outcome) => !right(outcome));
    const share = (part, whole) => (whole === 0 ? 0 : round(part / whole));
    return {
        in_scope: inScope.length,
        answered: share(answered.length, inScope.length),
        refused: share(inScope.filter((outcome) => outcome.refused).length, inScope.length),
        right_cited: share(answered.filter(right).length, inScope.length),
        only_wrong_of_answers: share(onlyWrong.length, answered.length),
        only_wrong_of_questions: share(onlyWrong.length, inScope.length),
        out_of_scope: outOfScope.length,
        out_of_scope_abstained: share(outOfScope.filter((outcome) => outcome.abstained).length, outOfScope.length),
    };
}
/** The valid lines of a question file; a bad line is skipped with a warning naming the expected shape. */
export async function readQuestionFile(file, schema, shape, warn) {
    let text;
    try {
        text = await readFile(file, 'utf8');
    }
    catch (error) {
        throw new PasserelleError('EVAL_FILE_INVALID', { file, reason: 'fichier introuvable ou illisible' }, { cause: error });
    }
    const questions = [];
    text.split('\n').forEach((line, index) => {
        if (!line.trim())
            return;
        try {
            questions.push(schema.parse(JSON.parse(line)));
        }
        catch {
            warn(`Ligne ${index + 1} de ${file} ignorée : attendu ${shape}.\n`);
        }
    });
    if (questions.length === 0)
        throw new PasserelleError('EVAL_FILE_INVALID', { file, reason: 'aucune question valide' });
    return questions;
}
