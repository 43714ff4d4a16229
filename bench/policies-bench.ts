import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { findPersonalData } from '../knowledge/policies/personal-data/find-personal-data.ts';
import { overallScore, parseLabelledTexts, scoreRecogniser } from '../knowledge/policies/personal-data/evaluation.ts';
import { accuracyOf, actAccuracy, parseWordings, REQUEST_SETS } from '../knowledge/policies/request-evaluation.ts';
import type { BenchContext, Figure, PartReport, Target } from './bench-part.ts';

/**
 * Policies: the French personal-data recogniser and the request classifiers, on the labelled sets committed
 * under `test/fixtures/policies/` (see its README for how each was written and what was held out).
 * 1. Recogniser precision and recall per kind, on the corpus written before it and on the held-out corpus.
 * 2. Request classifiers: share right per set, tune and held-out parts.
 * 3. Recogniser cost and findings on the shared legal corpus (`../shared/corpus`, texts that name almost no
 *    one: what it flags there is, but for a few case-law names, false positives).
 */

const FIXTURES = 'test/fixtures/policies';
const RECALL_TARGETS: Readonly<Record<string, number>> = { nir: 0.95, courriel: 0.95, telephone: 0.95, iban: 0.95, personne: 0.85 };
const CORPORA = [
  { key: 'before', label: 'corpus written before', files: ['positives.jsonl', 'negatives.jsonl'] },
  { key: 'holdout', label: 'held-out corpus', files: ['holdout-positives.jsonl', 'holdout-negatives.jsonl'] },
] as const;

export async function run(context: BenchContext): Promise<PartReport> {
  const report: Required<PartReport> = { figures: [], notes: [], details: {} };
  measureRecogniser(context, report);
  measureClassifiers(context, report);
  measureOnLegalCorpus(context, report);
  return report;
}

function measureRecogniser(context: BenchContext, report: Required<PartReport>): void {
  for (const corpus of CORPORA) {
    const items = corpus.files.flatMap((file) => parseLabelledTexts(readFileSync(join(context.root, FIXTURES, 'personal-data', file), 'utf8')));
    context.log(`recogniser on the ${corpus.label}: ${items.length} strings`);
    const { scores, misses } = scoreRecogniser(items, findPersonalData);
    for (const score of scores.filter((s) => s.expected > 0 || s.predicted > 0)) {
      const name = `${score.kind} (${score.expected} labelled, ${score.predicted} found)`;
      const recallTarget: Target = { atLeast: RECALL_TARGETS[score.kind] ?? 0.85 };
      report.figures.push(ratio(`recogniser.${corpus.key}.${score.kind}.recall`, `${corpus.label}: ${name}, recall`, score.recall, recallTarget));
      report.figures.push(ratio(`recogniser.${corpus.key}.${score.kind}.precision`, `${corpus.label}: ${score.kind}, precision`, score.precision, { atLeast: 0.95 }));
    }
    const overall = overallScore(scores);
    report.figures.push(ratio(`recogniser.${corpus.key}.all.precision`, `${corpus.label}: all kinds, precision`, overall.precision, { atLeast: 0.95 }));
    report.figures.push(ratio(`recogniser.${corpus.key}.all.recall`, `${corpus.label}: all kinds, recall`, overall.recall));
    report.figures.push(ratio(`recogniser.${corpus.key}.all.masked`, `${corpus.label}: labelled spans hidden, whatever kind`, overall.maskedRate));
    const negatives = items.filter((item) => item.spans.length === 0);
    const clean = negatives.filter((item) => findPersonalData(item.text).length === 0).length;
    report.figures.push({ key: `recogniser.${corpus.key}.negatives.clean`, label: `${corpus.label}: negatives with no finding (of ${negatives.length})`, value: clean, unit: '' });
    report.details[`misses.${corpus.key}`] = misses;
    report.notes.push(`${corpus.label}: ${misses.length} miss(es): ${misses.map((miss) => `${miss.problem} ${miss.id} ${miss.kind} « ${miss.text} »`).join('; ') || 'none'}`);
  }
}

function measureClassifiers(context: BenchContext, report: Required<PartReport>): void {
  for (const set of REQUEST_SETS) {
    const wordings = parseWordings(readFileSync(join(context.root, FIXTURES, 'requests', `${set.name}.jsonl`), 'utf8'));
    for (const part of ['tune', 'holdout'] as const) {
      const partWordings = wordings.filter((wording) => wording.part === part);
      const { accuracy, wrong } = accuracyOf(set, partWordings);
      report.figures.push(ratio(`classifiers.${set.name}.${part}`, `${set.name} (${part}, ${partWordings.length}): ${set.expected}`, accuracy, { atLeast: 0.95 }));
      if (wrong.length > 0) report.notes.push(`${set.name} (${part}) wrong: ${wrong.map((wording) => `« ${wording.text} »`).join('; ')}`);
    }
    if (set.name === 'drafting-requests') {
      report.figures.push(ratio('classifiers.drafting-requests.act', `drafting-requests (all ${wordings.length}): refusal names the right act`, actAccuracy(wordings).accuracy, { atLeast: 0.9 }));
    }
  }
}

function measureOnLegalCorpus(context: BenchContext, report: Required<PartReport>): void {
  const corpus = join(context.sharedDir, 'corpus');
  if (!existsSync(corpus)) {
    report.notes.push(`${corpus} not found: no cost or findings on the legal corpus`);
    return;
  }
  const texts: string[] = [];
  for (const file of ['code_douanes.jsonl', 'code_general_fonction_publique.jsonl', 'code_impositions_biens_services.jsonl', 'code_pensions_civiles_militaires.jsonl', 'hr_faq_cisirh.jsonl']) {
    for (const line of readFileSync(join(corpus, file), 'utf8').split('\n')) {
      if (line.trim() === '') continue;
      const record = JSON.parse(line) as Record<string, unknown>;
      for (const field of ['text', 'answer', 'question']) if (typeof record[field] === 'string') texts.push(record[field]);
    }
  }
  const characters = texts.reduce((total, text) => total + text.length, 0);
  findPersonalData(texts[0] ?? '');
  const started = performance.now();
  const findings = texts.flatMap((text) => findPersonalData(text).map((span) => `${span.kind} « ${text.slice(span.start, span.end)} »`));
  const elapsed = performance.now() - started;
  report.figures.push({ key: 'legal.cost', label: `Recogniser on ${(characters / 1e6).toFixed(2)} M characters of legal text, per 1,000 characters`, value: (elapsed / characters) * 1000, unit: 'ms', digits: 2 });
  report.figures.push({ key: 'legal.question_cost', label: 'Recogniser on a 2,000-character question (estimate from the above)', value: (elapsed / characters) * 2000, unit: 'ms', digits: 1, target: { below: 10 } });
  report.figures.push({ key: 'legal.findings', label: `Findings in ${texts.length} legal texts (almost all false positives)`, value: findings.length, unit: '' });
  report.notes.push(`findings in the legal corpus: ${findings.join('; ') || 'none'}`);
}

function ratio(key: string, label: string, value: number, target?: Target): Figure {
  return { key, label, value, unit: '', digits: 3, ...(target ? { target } : {}) };
}
