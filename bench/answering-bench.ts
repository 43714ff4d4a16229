import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { evaluateSupport, parseSupportPairs } from '../knowledge/answering/support-evaluation.ts';
import { SUPPORT_THRESHOLD } from '../knowledge/answering/sentence-support.ts';
import { evaluateInjection, parseLabelledTexts } from '../knowledge/policies/injection-evaluation.ts';
import { isInstructionLike } from '../knowledge/policies/instruction-injection.ts';
import { ingestCatalogueSources } from '../knowledge/ingestion/catalogue-sources.ts';
import { createRouter } from '../app/bot-application.ts';
import { isSureDecision, LEXICAL_ROUTER_SURE_ABOVE, type RouteDecision } from '../knowledge/router.ts';
import { openCli } from './knowledge-bench.ts';
import type { BenchContext, Figure, PartReport, Target } from './bench-part.ts';

/**
 * The generative path's checks on committed labelled sets:
 * 1. Support check (knowledge/answering/sentence-support.ts) on test/fixtures/citations/support-pairs.jsonl:
 *    precision and recall of "unsupported" (the sentence removed), share of supported sentences kept, per threshold.
 * 2. Instruction-like passage classifier (knowledge/policies/instruction-injection.ts) on test/fixtures/injection/:
 *    precision and recall on the sets written with the rules and on the held-out ones; chunks of the shared corpus
 *    flagged (all false alarms: the codes and the HR FAQ address no assistant).
 * 3. Model-router calls saved: the catalogue corpus ingested (embedded store, lexical only), the offline router run
 *    on the routing dev set (../shared/eval/routing_dev.jsonl) and the frozen field tuning sets
 *    (test/fixtures/eval/field/*-tune.jsonl); the model router is asked only when the offline one is unsure
 *    (knowledge/router.ts isSureDecision). Figures: share of questions with no model call, accuracy of the offline
 *    decisions kept, per threshold.
 */

export async function run(context: BenchContext): Promise<PartReport> {
  const report: Required<PartReport> = { figures: [], notes: [], details: {} };
  measureSupport(context, report);
  measureInjection(context, report);
  await measureRouting(context, report);
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
      const record = JSON.parse(line) as { id: string; text?: string; question?: string; answer?: string };
      records++;
      // Q/A records as the loader writes them (knowledge/ingestion/loaders/jsonl-loader.ts).
      if (isInstructionLike(record.text ?? `Question : ${record.question ?? ''}\n\nRéponse : ${record.answer ?? ''}`)) flagged.push(record.id);
    }
  }
  report.figures.push({ key: 'injection.corpus.flagged', label: `injection classifier: records of the shared corpus flagged (of ${records})`, value: flagged.length, unit: '', target: { below: 1 } });
  if (flagged.length > 0) report.notes.push(`corpus records flagged: ${flagged.join(', ')}`);
}

async function measureRouting(context: BenchContext, report: Required<PartReport>): Promise<void> {
  const routingDev = join(context.sharedDir, 'eval', 'routing_dev.jsonl');
  if (!existsSync(join(context.sharedDir, 'corpus')) || !existsSync(routingDev)) {
    report.notes.push(`${context.sharedDir} not found: model-router calls saved not measured`);
    return;
  }
  const dataDir = await mkdtemp(join(tmpdir(), 'passerelle-bench-routing-'));
  const cli = openCli(dataDir);
  try {
    const knowledge = await cli.knowledge({ create: true });
    context.log('routing: ingesting the catalogue corpus (lexical only)');
    let chunks = 0;
    const flagged: string[] = [];
    for (const kb of knowledge.catalog.bases) {
      const ingested = await ingestCatalogueSources(kb, knowledge.ingestion, cli.logger);
      chunks += ingested.chunks;
      flagged.push(...ingested.instructionLike.map((passage) => passage.chunkId));
    }
    report.figures.push({ key: 'injection.catalogue.flagged', label: `injection classifier: chunks flagged at ingestion of the catalogue corpus (of ${chunks})`, value: flagged.length, unit: '', target: { below: 1 } });
    if (flagged.length > 0) report.notes.push(`catalogue chunks flagged: ${flagged.join(', ')}`);
    const field = join(context.root, 'test/fixtures/eval/field');
    const sets = [
      { name: 'routing_dev', file: routingDev },
      ...(await readdir(field)).filter((file) => /-tune\.jsonl$/.test(file)).sort().map((file) => ({ name: file.replace(/\.jsonl$/, ''), file: join(field, file) })),
    ];
    // The offline router as shipped (word statistics, then the passages' second opinion): what the model router falls back to.
    const router = createRouter(cli.config, knowledge, undefined);
    const decided: Array<{ set: string; id: string; kb?: string; decision: RouteDecision }> = [];
    for (const set of sets) {
      for (const line of (await readFile(set.file, 'utf8')).split('\n')) {
        if (line.trim() === '') continue;
        const question = JSON.parse(line) as { id: string; question: string; kb?: string };
        decided.push({ set: set.name, id: question.id, ...(question.kb ? { kb: question.kb } : {}), decision: await router.route(question.question, knowledge.catalog.ids) });
      }
    }
    const sweep = [0.8, 0.85, 0.9, 0.95, 0.99].map((threshold) => {
      const sure = decided.filter((entry) => isSureDecision(entry.decision, threshold));
      const labelled = sure.filter((entry) => entry.kb);
      return { threshold, saved: sure.length / decided.length, keptRight: labelled.filter((entry) => entry.decision.kb === entry.kb).length / Math.max(1, labelled.length), keptLabelled: labelled.length };
    });
    report.details['routing.sweep'] = sweep;
    const chosen = decided.filter((entry) => isSureDecision(entry.decision));
    const labelled = decided.filter((entry) => entry.kb);
    const keptLabelled = chosen.filter((entry) => entry.kb);
    report.figures.push(
      { key: 'routing.questions', label: `routing: questions (${sets.map((set) => set.name).join(', ')})`, value: decided.length, unit: '' },
      { key: 'routing.model_calls', label: `routing: model-router calls with the gate (lexical router unsure, threshold ${LEXICAL_ROUTER_SURE_ABOVE})`, value: decided.length - chosen.length, unit: '' },
      ratio('routing.saved', 'routing: share of questions with no model-router call', chosen.length / decided.length),
      ratio('routing.kept_right', `routing: offline decisions kept (${keptLabelled.length} labelled), right base`, keptLabelled.filter((entry) => entry.decision.kb === entry.kb).length / Math.max(1, keptLabelled.length), { atLeast: 0.97 }),
      ratio('routing.offline_right', `routing: offline router alone, right base (${labelled.length} labelled)`, labelled.filter((entry) => entry.decision.kb === entry.kb).length / Math.max(1, labelled.length)),
    );
    for (const set of sets) {
      const inSet = decided.filter((entry) => entry.set === set.name);
      report.notes.push(`routing ${set.name}: ${inSet.length} questions, ${inSet.filter((entry) => isSureDecision(entry.decision)).length} without model call`);
    }
    const wrongKept = keptLabelled.filter((entry) => entry.decision.kb !== entry.kb);
    if (wrongKept.length > 0) report.notes.push(`routing: offline decisions kept but wrong: ${wrongKept.map((entry) => `${entry.id} → ${entry.decision.kb} (${entry.decision.confidence})`).join('; ')}`);
  } finally {
    await cli.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}

function ratio(key: string, label: string, value: number, target?: Target): Figure {
  return { key, label, value, unit: '', digits: 3, ...(target ? { target } : {}) };
}
