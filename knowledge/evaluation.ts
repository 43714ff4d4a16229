import { z } from 'zod';

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
export type EvalQuestion = z.infer<typeof EvalQuestionSchema>;

export interface EvalOutcome {
  question: EvalQuestion;
  /** Distinct document ids in rank order. */
  ranked: string[];
  /** Base chosen by the router, when routing was evaluated. */
  routedKb?: string;
}

export interface EvalMetrics {
  n: number;
  recall_at_1: number;
  recall_at_5: number;
  recall_at_10: number;
  mrr_at_10: number;
  routing_accuracy?: number;
}

export function firstRelevantRank(outcome: EvalOutcome): number | undefined {
  const relevant = new Set(outcome.question.relevant_ids);
  const index = outcome.ranked.findIndex((id) => relevant.has(id));
  return index < 0 ? undefined : index + 1;
}

export function computeMetrics(outcomes: EvalOutcome[]): EvalMetrics {
  const n = outcomes.length;
  const ranks = outcomes.map(firstRelevantRank);
  const share = (predicate: (rank: number | undefined) => boolean) => (n === 0 ? 0 : round(ranks.filter(predicate).length / n));
  const metrics: EvalMetrics = {
    n,
    recall_at_1: share((rank) => rank !== undefined && rank <= 1),
    recall_at_5: share((rank) => rank !== undefined && rank <= 5),
    recall_at_10: share((rank) => rank !== undefined && rank <= 10),
    mrr_at_10: n === 0 ? 0 : round(ranks.reduce<number>((sum, rank) => sum + (rank !== undefined && rank <= 10 ? 1 / rank : 0), 0) / n),
  };
  const routed = outcomes.filter((outcome) => outcome.routedKb !== undefined);
  if (routed.length > 0) metrics.routing_accuracy = round(routed.filter((outcome) => outcome.routedKb === outcome.question.kb).length / routed.length);
  return metrics;
}

/** Distinct document ids in the order their chunks appear. */
export function distinctDocuments(documentIds: string[]): string[] {
  return [...new Set(documentIds)];
}

function round(value: number): number {
  return Math.round(value * 10_000) / 10_000;
}
