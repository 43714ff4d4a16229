import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { evaluateSupport, parseSupportPairs } from '../knowledge/answering/support-evaluation.ts';
import { SUPPORT_THRESHOLD } from '../knowledge/answering/sentence-support.ts';
import type { BenchContext, Figure, PartReport, Target } from './bench-part.ts';

/**
 * The generative path's checks on committed labelled sets:
 * 1. Support check (knowledge/answering/sentence-support.ts) on test/fixtures/citations/support-pairs.jsonl:
 *    precision and recall of "unsupported" (the sentence removed), share of supported sentences kept, per threshold.
 */

export async function run(context: BenchContext): Promise<PartReport> {
  const report: Required<PartReport> = { figures: [], notes: [], details: {} };
  measureSupport(context, report);
  return report;
}

function measureSupport(context: BenchContext, report: Required<PartReport>): void {
  const pairs = parseSupportPairs(readFileSync(join(context.root, 'test/fixtures/citations/support-pairs.jsonl'), 'utf8'));
  context.log(`support check on ${pairs.length} pairs`);
  const chosen = evaluateSupport(pairs);
  const label = `support check (${pairs.length} pairs, threshold ${SUPPORT_THRESHOLD})`;
  report.figures.push(ratio('support.precision', `${label}: precision of « unsupported »`, chosen.precision, { atLeast: 0.9 }));
  report.figures.push(ratio('support.recall', `${label}: recall of « unsupported »`, chosen.recall, { atLeast: 0.9 }));
  report.figures.push(ratio('support.kept', `${label}: supported sentences kept`, chosen.kept, { atLeast: 0.95 }));
  report.details['support.sweep'] = [0.5, 0.6, 0.65, 0.7, 0.75, 0.8].map((threshold) => {
    const { precision, recall, kept } = evaluateSupport(pairs, threshold);
    return { threshold, precision, recall, kept };
  });
  report.notes.push(`support check wrong: ${chosen.wrong.map((pair) => `${pair.supported ? 'removed' : 'kept'} ${pair.score.toFixed(2)} « ${pair.sentence} »`).join('; ') || 'none'}`);
}

function ratio(key: string, label: string, value: number, target?: Target): Figure {
  return { key, label, value, unit: '', digits: 3, ...(target ? { target } : {}) };
}
