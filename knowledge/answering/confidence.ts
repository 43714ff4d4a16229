import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { analyse, PREFIX_LENGTH } from '../analysis/french-analyser.ts';
import { enrichmentMatch, matchTerms } from '../analysis/question-match.ts';
import type { RetrievedPassage } from '../retriever.ts';

/**
 * How sure the bot may be that the passages it is about to cite answer the question: a calibrated probability
 * that the answer cites a relevant article, from four signals a wrong answer lacks —
 *
 * - coverage: the share of the question's content terms the best passage holds (title, headings, text and the
 *   enrichment's agents' wording), by stem or word prefix;
 * - margin: how far the best document stands above the next one (log of the score ratio);
 * - route: the router's confidence in the base;
 * - match: how close the question is to one of the best article's typical questions (its enrichment).
 *
 * All four are free of the base's size (a raw score is not: IDF grows with the base, so a model using it would
 * abstain on every small base).
 *
 * The coefficients come from a logistic regression fitted on the tuning half of the team's field evaluation set
 * (in-scope questions labelled by whether the cited articles include a relevant one, out-of-scope questions as
 * negatives): `npm run bench -- calibrate`, see docs/retrieval.md. An article the question names gives full
 * confidence.
 */

export const FEATURES = ['coverage', 'margin', 'route', 'match', 'textCoverage', 'terms'] as const;
export type FeatureName = (typeof FEATURES)[number];

const ModelSchema = z
  .object({
    features: z.array(z.enum(FEATURES)).min(1),
    intercept: z.number(),
    weights: z.array(z.number()),
    mean: z.array(z.number()),
    scale: z.array(z.number().positive()),
    fittedOn: z.string(),
    threshold: z.number().min(0).max(1),
  })
  .refine((model) => [model.weights, model.mean, model.scale].every((list) => list.length === model.features.length), 'one weight, mean and scale per feature');
export type ConfidenceModel = z.infer<typeof ModelSchema>;

const loadModel = (file: string): ConfidenceModel => ModelSchema.parse(JSON.parse(readFileSync(new URL(file, import.meta.url), 'utf8')));

/** The shipped model, for passages that carry agents' wording (enrichment): coverage, margin, route and match. */
export const CONFIDENCE_MODEL: ConfidenceModel = loadModel('./confidence-model.json');

/**
 * The model for passages without enrichment (a base nobody enriched yet, a curator's new document): the same
 * calibration without the `match` signal, which such passages cannot have — scoring them with the full model
 * would read "no typical question" as "wrong article" and abstain on every question of the base.
 */
export const PLAIN_CONFIDENCE_MODEL: ConfidenceModel = loadModel('./confidence-model-plain.json');

/** The model that applies to these passages: the full one when the best passage is enriched, else the plain one. */
export function confidenceModelFor(passages: RetrievedPassage[]): ConfidenceModel {
  return passages[0]?.chunk.enrichment ? CONFIDENCE_MODEL : PLAIN_CONFIDENCE_MODEL;
}

export interface ConfidenceFeatures {
  /** Share of the question's terms the best passage holds, its enrichment included. */
  coverage: number;
  /** Log ratio of the best document's score to the next one's. */
  margin: number;
  /** The router's confidence in the base. */
  route: number;
  /** How close the question is to one of the best article's typical questions (enrichment; Dice over terms). */
  match: number;
  /** The same share without the enrichment: what the law's own words cover. */
  textCoverage: number;
  /** Log of 1 + the question's distinct content terms (one-word questions are the least reliable). */
  terms: number;
}

const vector = (features: ConfidenceFeatures, names: readonly FeatureName[]) => names.map((name) => features[name]);

/** The signals of the passages as retrieved (best first) for the question, in the routed base. */
export function confidenceFeatures(question: string, passages: RetrievedPassage[], routeConfidence: number): ConfidenceFeatures {
  const best = passages[0];
  const next = passages.find((passage) => passage.chunk.documentId !== best?.chunk.documentId);
  const bestScore = best && Number.isFinite(best.score) ? best.score : 0;
  const nextScore = next && Number.isFinite(next.score) ? next.score : 0;
  return {
    coverage: best ? coverage(question, best) : 0,
    textCoverage: best ? coverage(question, best, false) : 0,
    match: best ? questionMatch(question, best) : 0,
    terms: Math.log(1 + new Set(analyse(question).terms).size),
    margin: nextScore > 0 ? Math.log(bestScore / nextScore) : Math.log(9),
    route: routeConfidence,
  };
}

/** Probability (0–1) that an answer built on these passages cites a relevant article. */
export function answerConfidence(question: string, passages: RetrievedPassage[], routeConfidence: number, model: ConfidenceModel = confidenceModelFor(passages)): number {
  if (passages.some((passage) => passage.namedInQuestion)) return 1;
  if (passages.length === 0) return 0;
  return Math.round(probability(vector(confidenceFeatures(question, passages, routeConfidence), model.features), model) * 1000) / 1000;
}

/**
 * Share of the question's content terms found in a passage (title, headings, text, enrichment), by stem or by
 * word prefix for morphological variants.
 */
export function coverage(question: string, passage: RetrievedPassage, withEnrichment = true): number {
  const terms = matchTerms(question);
  if (terms.length === 0) return 0;
  const { chunk } = passage;
  const content = analyse([chunk.title, ...chunk.headingPath, chunk.section ?? '', chunk.text, withEnrichment ? (chunk.enrichment?.text ?? '') : ''].join('\n'));
  const stems = new Set(content.terms);
  const prefixes = new Set(content.prefixes);
  const covered = terms.filter((term) => stems.has(term) || prefixes.has(`~${term.slice(0, PREFIX_LENGTH)}`)).length;
  return Math.round((covered / terms.length) * 1000) / 1000;
}

/**
 * How close the question is to the closest of the typical questions (and subject, and terms line) the enrichment
 * gives for the passage's article: the Dice coefficient of their content-term sets (0–1). Coverage says whether the
 * question's words are somewhere in the article and its wording; this says whether the question is one of the
 * article's own questions — the enrichment was written from the article alone, so a close match is strong evidence.
 */
export function questionMatch(question: string, passage: RetrievedPassage): number {
  return Math.round(enrichmentMatch(question, passage.chunk.enrichment?.text) * 1000) / 1000;
}


/** One question of the calibration: its signals, whether the cited articles included a relevant one, and whether no article answers it. */
export interface CalibrationSample {
  features: ConfidenceFeatures;
  right: boolean;
  outOfScope: boolean;
}

/** What a threshold does, as measured on held-out folds. */
export interface ThresholdOutcome {
  threshold: number;
  /** Share of in-scope questions answered. */
  answered: number;
  /** Share of answers whose cited articles are all wrong. */
  onlyWrong: number;
  /** Share of out-of-scope questions declined. */
  declined: number;
}

/**
 * The threshold chosen by k-fold cross-validation, so that the figures it is chosen on were not fitted on: the
 * lowest threshold whose held-out only-wrong share is at most `maxOnlyWrong` and out-of-scope declined share at
 * least `minDeclined` (the highest tried when none qualifies). Folds are interleaved, deterministic.
 */
export function crossValidatedThreshold(samples: CalibrationSample[], options: { folds?: number; maxOnlyWrong: number; minDeclined: number; features?: readonly FeatureName[] }): { threshold: number; table: ThresholdOutcome[] } {
  const names = options.features ?? FEATURES;
  const folds = options.folds ?? 5;
  const predicted = new Array<number>(samples.length).fill(0);
  for (let fold = 0; fold < folds; fold++) {
    const training = samples.filter((_, index) => index % folds !== fold);
    const model = fitConfidenceModel(training, 'fold', 0.5, names);
    samples.forEach((sample, index) => {
      if (index % folds === fold) predicted[index] = probability(vector(sample.features, names), model);
    });
  }
  const table: ThresholdOutcome[] = [];
  for (let threshold = 0.4; threshold <= 0.951; threshold += 0.05) {
    const inScope = samples.map((sample, index) => ({ sample, p: predicted[index] as number })).filter(({ sample }) => !sample.outOfScope);
    const outOfScope = samples.map((sample, index) => ({ sample, p: predicted[index] as number })).filter(({ sample }) => sample.outOfScope);
    const answered = inScope.filter(({ p }) => p >= threshold);
    table.push({
      threshold: Math.round(threshold * 100) / 100,
      answered: share(answered.length, inScope.length),
      onlyWrong: share(answered.filter(({ sample }) => !sample.right).length, answered.length),
      declined: share(outOfScope.filter(({ p }) => p < threshold).length, outOfScope.length),
    });
  }
  const chosen = table.find((row) => row.onlyWrong <= options.maxOnlyWrong && row.declined >= options.minDeclined) ?? (table[table.length - 1] as ThresholdOutcome);
  return { threshold: chosen.threshold, table };
}

function share(part: number, whole: number): number {
  return whole === 0 ? 0 : Math.round((part / whole) * 1000) / 1000;
}

function probability(values: number[], model: ConfidenceModel): number {
  const logit = values.reduce((sum, value, index) => sum + (model.weights[index] as number) * ((value - (model.mean[index] as number)) / (model.scale[index] as number)), model.intercept);
  return 1 / (1 + Math.exp(-logit));
}

/** Logistic regression by gradient descent on standardised features (L2 on the weights): the calibration fit. */
export function fitConfidenceModel(samples: Array<{ features: ConfidenceFeatures; right: boolean }>, fittedOn: string, threshold: number, names: readonly FeatureName[] = FEATURES): ConfidenceModel {
  const rows = samples.map((sample) => vector(sample.features, names));
  const columns = names.map((_, index) => index);
  const labels = samples.map((sample) => (sample.right ? 1 : 0));
  const mean = columns.map((column) => rows.reduce((sum, row) => sum + (row[column] as number), 0) / Math.max(rows.length, 1));
  const scale = columns.map((column) => {
    const variance = rows.reduce((sum, row) => sum + ((row[column] as number) - (mean[column] as number)) ** 2, 0) / Math.max(rows.length, 1);
    // A constant feature (no spread) is left unscaled: it only shifts the intercept.
    return Math.sqrt(variance) < 1e-3 ? 1 : Math.sqrt(variance);
  });
  const standard = rows.map((row) => row.map((value, column) => (value - (mean[column] as number)) / (scale[column] as number)));
  let intercept = 0;
  const weights = columns.map(() => 0);
  for (let iteration = 0; iteration < 5_000; iteration++) {
    let gradientIntercept = 0;
    const gradient = columns.map(() => 0);
    standard.forEach((row, index) => {
      const logit = row.reduce((sum, value, column) => sum + (weights[column] as number) * value, intercept);
      const error = 1 / (1 + Math.exp(-logit)) - (labels[index] as number);
      gradientIntercept += error;
      row.forEach((value, column) => (gradient[column] = (gradient[column] as number) + error * value));
    });
    intercept -= (0.5 * gradientIntercept) / standard.length;
    for (const column of columns) weights[column] = (weights[column] as number) - 0.5 * ((gradient[column] as number) / standard.length + 0.01 * (weights[column] as number));
  }
  const round = (value: number) => Math.round(value * 10_000) / 10_000;
  return { features: [...names], intercept: round(intercept), weights: weights.map(round), mean: mean.map(round), scale: scale.map(round), fittedOn, threshold };
}
