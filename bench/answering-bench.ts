import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { evaluateSupport, parseSupportPairs } from '../knowledge/answering/support-evaluation.ts';
import { SUPPORT_THRESHOLD } from '../knowledge/answering/sentence-support.ts';
import { evaluateInjection, parseLabelledTexts } from '../knowledge/policies/injection-evaluation.ts';
import { isInstructionLike } from '../knowledge/policies/instruction-injection.ts';
import type { BenchContext, Figure, PartReport, Target } from './bench-part.ts';

/**
 * The generative path's checks on committed labelled sets:
 * 1. Support check (knowledge/answering/sentence-support.ts) on test/fixtures/citations/support-pairs.jsonl:
 *    precision and recall of "unsupported" (the sentence removed), share of supported sentences kept, per threshold.
 * 2. Instruction-like passage classifier (knowledge/policies/instruction-injection.ts) on test/fixtures/injection/:
 *    precision and recall on the sets written with the rules and on the held-out ones; chunks of the shared corpus
 *    flagged (all false alarms: the codes and the HR FAQ address no assistant).
 */

export async function run(context: BenchContext): Promise<PartReport> {
  const report: Required<PartReport> = { figures: [], notes: [], details: {} };
  measureSupport(context, report);
  measureInjection(context, report);
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

function measureInjection(context: BenchContext, report: Required<PartReport>): void {
  const read = (name: string) => parseLabelledTexts(readFileSync(join(context.root, 'test/fixtures/injection', `${name}.jsonl`), 'utf8'));
  const sets = [
    { key: 'tune', label: 'written with the rules', positives: read('positives'), negatives: read('negatives') },
    { key: 'holdout', label: 'held out (blind set 2, negatives sampled)', positives: read('holdout2-positives'), negatives: read('holdout-negatives') },
  ];
  for (const set of sets) {
    const evaluation = evaluateInjection(set.positives, set.negatives);
    const label = `injection classifier, ${set.label} (${evaluation.positives} positives, ${evaluation.negatives} negatives)`;
    report.figures.push(ratio(`injection.${set.key}.precision`, `${label}: precision`, evaluation.precision, { atLeast: 0.95 }));
    report.figures.push(ratio(`injection.${set.key}.recall`, `${label}: recall`, evaluation.recall, { atLeast: set.key === 'tune' ? 0.95 : 0.85 }));
    report.notes.push(`injection ${set.key}: missed ${evaluation.missed.map((item) => `« ${item.text} »`).join('; ') || 'none'}; false alarms ${evaluation.falseAlarms.map((item) => `${item.source} « ${item.text} »`).join('; ') || 'none'}`);
  }
  const corpus = join(context.sharedDir, 'corpus');
  if (!existsSync(corpus)) {
    report.notes.push(`${corpus} not found: no false-alarm count on the corpus`);
    return;
  }
  let records = 0;
  const flagged: string[] = [];
  for (const file of ['code_douanes.jsonl', 'code_general_fonction_publique.jsonl', 'code_impositions_biens_services.jsonl', 'code_pensions_civiles_militaires.jsonl', 'hr_faq_cisirh.jsonl']) {
    for (const line of readFileSync(join(corpus, file), 'utf8').split('\n')) {
      if (line.trim() === '') continue;
      const record = JSON.parse(line) as { id: string; text?: string; answer?: string };
      records++;
      if (isInstructionLike(record.text ?? record.answer ?? '')) flagged.push(record.id);
    }
  }
  report.figures.push({ key: 'injection.corpus.flagged', label: `injection classifier: records of the shared corpus flagged (of ${records})`, value: flagged.length, unit: '', target: { below: 1 } });
  if (flagged.length > 0) report.notes.push(`corpus records flagged: ${flagged.join(', ')}`);
}

function ratio(key: string, label: string, value: number, target?: Target): Figure {
  return { key, label, value, unit: '', digits: 3, ...(target ? { target } : {}) };
}
