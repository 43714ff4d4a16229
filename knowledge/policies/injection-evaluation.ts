import { isInstructionLike } from './instruction-injection.ts';

/** Scores the instruction-like passage classifier on labelled texts (test/fixtures/injection/). */

export interface LabelledText {
  text: string;
  source: string;
}

export interface InjectionEvaluation {
  positives: number;
  negatives: number;
  precision: number;
  recall: number;
  missed: LabelledText[];
  falseAlarms: LabelledText[];
}

export function parseLabelledTexts(source: string): LabelledText[] {
  return source.split('\n').filter((line) => line.trim() !== '').map((line) => JSON.parse(line) as LabelledText);
}

export function evaluateInjection(positives: LabelledText[], negatives: LabelledText[]): InjectionEvaluation {
  const missed = positives.filter((item) => !isInstructionLike(item.text));
  const falseAlarms = negatives.filter((item) => isInstructionLike(item.text));
  const found = positives.length - missed.length;
  return {
    positives: positives.length,
    negatives: negatives.length,
    precision: found + falseAlarms.length === 0 ? 1 : found / (found + falseAlarms.length),
    recall: positives.length === 0 ? 1 : found / positives.length,
    missed,
    falseAlarms,
  };
}
