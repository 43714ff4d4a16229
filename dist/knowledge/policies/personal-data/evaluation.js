import { z } from 'zod';
import { PERSONAL_DATA_KINDS } from "./kinds.js";
/**
 * Precision and recall of the recogniser per kind, over strings labelled with the spans to hide
 * (`test/fixtures/policies/personal-data/`).
 * - A labelled span is **found** when spans of its kind cover every letter and digit of it (a span may be
 *   wider: `M. Dupont` for `Dupont`), and **masked** when spans of any kind do (what privacy needs).
 * - A predicted span is **right** when it overlaps a labelled span of its kind.
 */
export const LabelledTextSchema = z.object({
    id: z.string().min(1),
    text: z.string().min(1),
    spans: z.array(z.object({ kind: z.enum(PERSONAL_DATA_KINDS), text: z.string().min(1), occurrence: z.number().int().min(1).optional() })),
});
/** Lines of a labelled JSONL file, validated. */
export function parseLabelledTexts(jsonl) {
    return jsonl
        .split('\n')
        .filter((line) => line.trim() !== '')
        .map((line) => LabelledTextSchema.parse(JSON.parse(line)));
}
/** The labelled spans as offsets; throws when a label's text is not in the string (a broken corpus line). */
export function labelledSpans(item) {
    return item.spans.map((span) => {
        let start = -1;
        for (let seen = 0; seen < (span.occurrence ?? 1); seen++)
            start = item.text.indexOf(span.text, start + 1);
        if (start < 0)
            throw new Error(`${item.id}: « ${span.text} » is not in the text`);
        return { kind: span.kind, start, end: start + span.text.length };
    });
}
export function scoreRecogniser(items, find) {
    const totals = new Map(PERSONAL_DATA_KINDS.map((kind) => [kind, { expected: 0, found: 0, masked: 0, predicted: 0, right: 0 }]));
    const misses = [];
    for (const item of items) {
        const expected = labelledSpans(item);
        const predicted = find(item.text);
        for (const span of expected) {
            const total = totals.get(span.kind);
            total.expected += 1;
            if (covers(item.text, span, predicted.filter((other) => other.kind === span.kind)))
                total.found += 1;
            else
                misses.push({ id: item.id, kind: span.kind, text: item.text.slice(span.start, span.end), problem: 'missed' });
            if (covers(item.text, span, predicted))
                total.masked += 1;
        }
        for (const span of predicted) {
            const total = totals.get(span.kind);
            total.predicted += 1;
            if (expected.some((other) => other.kind === span.kind && other.start < span.end && span.start < other.end))
                total.right += 1;
            else
                misses.push({ id: item.id, kind: span.kind, text: item.text.slice(span.start, span.end), problem: 'wrong' });
        }
    }
    const scores = [...totals].map(([kind, total]) => ({
        kind,
        ...total,
        precision: total.predicted === 0 ? 1 : total.right / total.predicted,
        recall: total.expected === 0 ? 1 : total.found / total.expected,
    }));
    return { scores, misses };
}
/** Sums over kinds (micro average). */
export function overallScore(scores) {
    const sum = (pick) => scores.reduce((total, score) => total + pick(score), 0);
    return {
        precision: sum((s) => s.right) / Math.max(1, sum((s) => s.predicted)),
        recall: sum((s) => s.found) / Math.max(1, sum((s) => s.expected)),
        maskedRate: sum((s) => s.masked) / Math.max(1, sum((s) => s.expected)),
    };
}
function covers(text, span, by) {
    for (let index = span.start; index < span.end; index++) {
        if (/[\p{L}\p{N}]/u.test(text[index] ?? '') && !by.some((other) => other.start <= index && index < other.end))
            return false;
    }
    return true;
}
