import { isInfractionQualification } from './infraction-qualification.ts';
import { detectProceduralDrafting } from './procedural-acts.ts';

/**
 * How the request classifiers are judged on the committed sets of `test/fixtures/policies/requests/`
 * (one wording per line, `{"part": "tune" | "holdout", "text", "act"?}`). "Right" follows what the bot does
 * with the outcome (bots/answer-service.ts): a drafting request is refused; a question about an act is not;
 * a qualification question is answered with the reservation; an ordinary question gets neither.
 */

export interface Wording {
  part: 'tune' | 'holdout';
  text: string;
  /** For drafting requests: the act the refusal must name. */
  act?: string;
}

export interface RequestSet {
  /** File name without `.jsonl`. */
  name: string;
  expected: string;
  right(wording: Wording): boolean;
}

export const REQUEST_SETS: readonly RequestSet[] = [
  { name: 'drafting-requests', expected: 'refused', right: (w) => detectProceduralDrafting(w.text) !== undefined },
  { name: 'act-questions', expected: 'answered, not refused', right: (w) => detectProceduralDrafting(w.text) === undefined },
  {
    name: 'qualification-questions',
    expected: 'answered with the reservation',
    right: (w) => detectProceduralDrafting(w.text) === undefined && isInfractionQualification(w.text),
  },
  {
    name: 'ordinary-questions',
    expected: 'answered, neither refused nor reserved',
    right: (w) => detectProceduralDrafting(w.text) === undefined && !isInfractionQualification(w.text),
  },
];

/** The share of `wordings` the set's rule gets right, and the ones it gets wrong. */
export function accuracyOf(set: RequestSet, wordings: Wording[]): { accuracy: number; wrong: Wording[] } {
  const wrong = wordings.filter((wording) => !set.right(wording));
  return { accuracy: wordings.length === 0 ? 1 : (wordings.length - wrong.length) / wordings.length, wrong };
}

/** Drafting requests whose refusal names the labelled act. */
export function actAccuracy(wordings: Wording[]): { accuracy: number; wrong: Wording[] } {
  const wrong = wordings.filter((wording) => detectProceduralDrafting(wording.text)?.act !== wording.act);
  return { accuracy: wordings.length === 0 ? 1 : (wordings.length - wrong.length) / wordings.length, wrong };
}

export function parseWordings(jsonl: string): Wording[] {
  return jsonl
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as Wording);
}
