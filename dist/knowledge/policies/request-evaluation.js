import { isInfractionQualification } from "./infraction-qualification.js";
import { detectProceduralDrafting } from "./procedural-acts.js";
export const REQUEST_SETS = [
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
export function accuracyOf(set, wordings) {
    const wrong = wordings.filter((wording) => !set.right(wording));
    return { accuracy: wordings.length === 0 ? 1 : (wordings.length - wrong.length) / wordings.length, wrong };
}
/** Drafting requests whose refusal names the labelled act. */
export function actAccuracy(wordings) {
    const wrong = wordings.filter((wording) => detectProceduralDrafting(wording.text)?.act !== wording.act);
    return { accuracy: wordings.length === 0 ? 1 : (wordings.length - wrong.length) / wordings.length, wrong };
}
export function parseWordings(jsonl) {
    return jsonl
        .split('\n')
        .filter((line) => line.trim() !== '')
        .map((line) => JSON.parse(line));
}
