import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCliContext, type CliContext } from '../cli/cli-context.ts';
import { computeMetrics, distinctDocuments, firstRelevantRank, type EvalOutcome, type EvalQuestion } from '../knowledge/evaluation.ts';
import type { Knowledge } from '../knowledge/create-knowledge.ts';
import type { RetrievalRequest } from '../knowledge/retriever.ts';
import { resolveInForceDate } from '../knowledge/stores/validity.ts';
import type { BenchContext, Figure, PartReport } from './bench-part.ts';
import { phase } from './cpu-profile.ts';
import { measureIngestion } from './knowledge-ingestion.ts';
import { measureIndexMemory } from './knowledge-memory.ts';
import { EvidenceRouter } from '../knowledge/evidence-router.ts';
import { OfflineRouter } from '../knowledge/router.ts';
import { buildQueries, evalQuestionsIn, readEvalQuestions, type BenchQuery } from './knowledge-queries.ts';
import { cpuSince, percentile, since } from './statistics.ts';

/**
 * The `knowledge` part, on a fresh temporary data directory with the embedded store and no embedder:
 * 1. ingestion of the catalogue corpus, a second (idempotent) ingestion, the off-catalogue files;
 * 2. search latency of 1,000 queries through `Retriever.retrieve` (limit 10) after one warm-up pass,
 *    and the cold first query of a freshly opened store (lexical index build);
 * 3. retrieval quality on the tuning halves of the team's field set (test/fixtures/eval/field; the hold-out
 *    halves are reported once, in docs/retrieval.md, never here), routing over both, and the legal dev set;
 * 4. memory of the lexical index with and without the shipped enrichment, and of the corpus statistics.
 * Without ../shared, it says so and measures on examples/ only.
 */

const QUERY_COUNT = 1_000;
const QUERY_SEED = 20261123;
const LIMIT = 10;
/** Smallest group of queries worth a p95 of its own. */
const MIN_GROUP = 20;

export async function run(context: BenchContext): Promise<PartReport> {
  const report: Required<PartReport> = { figures: [], notes: [], details: {} };
  const hasShared = existsSync(join(context.sharedDir, 'corpus'));
  report.notes.push(
    hasShared
      ? `corpus: ${join(context.sharedDir, 'corpus')} as mapped by config/knowledge-bases.yaml; embedded store, lexical only`
      : `${join(context.sharedDir, 'corpus')} not found: measured on examples/ only (no off-catalogue files, no quality sets); embedded store, lexical only`,
  );
  const dataDir = await mkdtemp(join(tmpdir(), 'passerelle-bench-'));
  try {
    await measureIngestion(context, openCli(dataDir), report);
    const cli = openCli(dataDir);
    try {
      const knowledge = await cli.knowledge();
      const inForceAt = resolveInForceDate(cli.config.retrieval.inForceAt);
      await measureSearch(context, knowledge, inForceAt, report);
      await measureQuality(context, knowledge, hasShared, report);
    } finally {
      await cli.close();
    }
    if (hasShared) await measureIndexMemory(context, report);
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
  return report;
}

/** The CLI's own wiring (config, store, retriever) on `dataDir`, isolated from the caller's environment. */
export function openCli(dataDir: string): CliContext {
  const ignore = () => {};
  return createCliContext({ out: ignore, err: ignore, env: { PASSERELLE_DATA_DIR: dataDir, PASSERELLE_VECTOR_STORE: 'embedded', PASSERELLE_LOG_LEVEL: 'warn' } });
}

async function measureSearch(context: BenchContext, knowledge: Knowledge, inForceAt: string | undefined, report: Required<PartReport>): Promise<void> {
  const request = (query: BenchQuery): RetrievalRequest => ({ question: query.question, kb: query.kb, maxClassification: 'diffusion-restreinte', limit: LIMIT, ...(inForceAt ? { inForceAt } : {}) });
  const time = async (query: BenchQuery) => {
    const start = performance.now();
    await knowledge.retriever.retrieve(request(query));
    return since(start);
  };
  // Agents' questions as typed (typos, jargon) exercise the speller and the enrichment field too.
  const questions = [...(await evalQuestionsIn(join(context.sharedDir, 'eval'))), ...(await fieldTuneQuestions(context))];
  const queries = await buildQueries(knowledge, questions, QUERY_COUNT, QUERY_SEED);
  if (queries.length === 0) {
    report.notes.push('search: no document and no question, latency not measured');
    return;
  }

  // Cold: the store was just opened, so each base's first query builds its lexical index.
  const sizes = await Promise.all(knowledge.catalog.ids.map(async (kb) => ({ kb, chunks: await knowledge.store.count(kb) })));
  const largest = sizes.reduce((best, entry) => (entry.chunks > best.chunks ? entry : best));
  const probe = queries.find((query) => query.kb === largest.kb) ?? (queries[0] as BenchQuery);
  const cold = await phase(context, 'search (cold first query)', report, () => time(probe));
  const again = await time(probe);
  report.notes.push(`search: cold first query in « ${probe.kb} » (${largest.chunks} chunks) ${cold.toFixed(1)} ms, same query again ${again.toFixed(1)} ms`);

  context.log(`search: warm-up pass over ${queries.length} queries`);
  for (const query of queries) await time(query);
  const timings: Array<{ query: BenchQuery; ms: number }> = [];
  const cpu = process.cpuUsage();
  await phase(context, 'search (measured pass)', report, async () => {
    for (const query of queries) timings.push({ query, ms: await time(query) });
  });
  const cpuMs = cpuSince(cpu);

  const stats = (entries: typeof timings) => entries.map((entry) => entry.ms).sort((a, b) => a - b);
  const all = stats(timings);
  const total = all.reduce((sum, ms) => sum + ms, 0);
  const counts = groupBy(timings, (entry) => entry.query.kind);
  report.figures.push(
    { key: 'search.cold_first', label: `Search, cold first query (index build, ${largest.kb})`, value: cold, unit: 'ms', digits: 1 },
    { key: 'search.queries', label: `Search, queries (${counts.map(([kind, list]) => `${list.length} ${kind}`).join(', ')})`, value: timings.length, unit: '' },
    { key: 'search.p50', label: 'Search latency p50', value: percentile(all, 50), unit: 'ms', digits: 2 },
    { key: 'search.p95', label: 'Search latency p95', value: percentile(all, 95), unit: 'ms', digits: 2, target: { below: 20 } },
    { key: 'search.p99', label: 'Search latency p99', value: percentile(all, 99), unit: 'ms', digits: 2 },
    { key: 'search.max', label: 'Search latency max', value: all[all.length - 1] ?? null, unit: 'ms', digits: 2 },
    { key: 'search.cpu_mean', label: 'Search, mean CPU time per query', value: cpuMs / timings.length, unit: 'ms', digits: 2 },
    { key: 'search.throughput', label: 'Search throughput (one at a time)', value: (timings.length / total) * 1000, unit: 'q/s' },
  );
  const groups: Array<[string, typeof timings]> = [
    ...counts,
    ...groupBy(timings, (entry) => entry.query.kb).map(([kb, list]): [string, typeof timings] => [`kb ${kb}`, list]),
  ];
  for (const [name, entries] of groups) {
    if (entries.length < MIN_GROUP) continue;
    const sorted = stats(entries);
    report.figures.push({ key: `search.p95.${name.replace(/\s+/g, '_')}`, label: `Search latency p95, ${name} (n=${sorted.length})`, value: percentile(sorted, 95), unit: 'ms', digits: 2 });
  }
  report.details.slowestQueries = [...timings].sort((a, b) => b.ms - a.ms).slice(0, 10).map(({ query, ms }) => ({ ms: Math.round(ms * 100) / 100, ...query }));
}

/** The tuning halves of the team's field set (never the hold-out halves). */
async function fieldTuneQuestions(context: BenchContext): Promise<EvalQuestion[]> {
  const field = join(context.root, 'test/fixtures/eval/field');
  return [...(await readEvalQuestions(join(field, 'legal-tune.jsonl'))), ...(await readEvalQuestions(join(field, 'hr-tune.jsonl')))];
}

async function measureQuality(context: BenchContext, knowledge: Knowledge, hasShared: boolean, report: Required<PartReport>): Promise<void> {
  const evalDir = join(context.sharedDir, 'eval');
  const field = join(context.root, 'test/fixtures/eval/field');
  const sets: Array<{ name: string; title: string; path: string; keep: (question: EvalQuestion) => boolean; targets?: { r1: number; r5: number } }> = [
    { name: 'field_legal', title: 'Quality, field set legal-tune', path: join(field, 'legal-tune.jsonl'), keep: () => true, targets: { r1: 0.7, r5: 0.9 } },
    { name: 'field_hr', title: 'Quality, field set hr-tune', path: join(field, 'hr-tune.jsonl'), keep: () => true, targets: { r1: 0.55, r5: 0.85 } },
    { name: 'legal', title: 'Quality, legal_dev_questions', path: join(evalDir, 'legal_dev_questions.jsonl'), keep: () => true },
  ];
  await measureRouting(knowledge, hasShared ? await fieldTuneQuestions(context) : [], report);
  for (const set of sets) {
    const path = set.path;
    const questions = hasShared && existsSync(path) ? (await readEvalQuestions(path)).filter(set.keep) : [];
    const outcomes: EvalOutcome[] = [];
    for (const question of questions) {
      const result = await knowledge.retriever.retrieve({ question: question.question, kb: question.kb, maxClassification: 'diffusion-restreinte', limit: LIMIT });
      outcomes.push({ question, ranked: distinctDocuments(result.passages.map((passage) => passage.chunk.documentId)).slice(0, LIMIT) });
    }
    const measured = outcomes.length > 0;
    const metrics = computeMetrics(outcomes);
    const value = (metric: number) => (measured ? metric : null);
    const label = set.title;
    const figures: Figure[] = [
      { key: `quality.${set.name}.n`, label: `${label} n`, value: value(metrics.n), unit: '' },
      { key: `quality.${set.name}.r1`, label: `${label} R@1`, value: value(metrics.recall_at_1), unit: '', digits: 3, ...(set.targets ? { target: { atLeast: set.targets.r1 } } : {}) },
      { key: `quality.${set.name}.r5`, label: `${label} R@5`, value: value(metrics.recall_at_5), unit: '', digits: 3, ...(set.targets ? { target: { atLeast: set.targets.r5 } } : {}) },
      { key: `quality.${set.name}.r10`, label: `${label} R@10`, value: value(metrics.recall_at_10), unit: '', digits: 3 },
      { key: `quality.${set.name}.mrr10`, label: `${label} MRR@10`, value: value(metrics.mrr_at_10), unit: '', digits: 3 },
    ];
    report.figures.push(...figures);
    report.details[`quality:${set.name}`] = outcomes.map((outcome) => ({ id: outcome.question.id, rank: firstRelevantRank(outcome) ?? null, top3: outcome.ranked.slice(0, 3), relevant: outcome.question.relevant_ids }));
  }
}

/** Routing accuracy of the offline router (with the passages' second opinion, as shipped) over the field tuning questions, every base a candidate. */
async function measureRouting(knowledge: Knowledge, questions: EvalQuestion[], report: Required<PartReport>): Promise<void> {
  const router = new EvidenceRouter(new OfflineRouter(knowledge.store, knowledge.encoder, knowledge.catalog, { margin: 0.12, maxClassification: 'diffusion-restreinte' }, knowledge.statistics), knowledge.retriever);
  let right = 0;
  for (const question of questions) if ((await router.route(question.question, knowledge.catalog.ids)).kb === question.kb) right++;
  report.figures.push({ key: 'quality.routing', label: `Routing accuracy, field tuning questions (n=${questions.length})`, value: questions.length > 0 ? right / questions.length : null, unit: '', digits: 3, target: { atLeast: 0.97 } });
}

function groupBy<T>(items: T[], key: (item: T) => string): Array<[string, T[]]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const name = key(item);
    const list = groups.get(name);
    if (list) list.push(item);
    else groups.set(name, [item]);
  }
  return [...groups.entries()].sort((a, b) => a[0].localeCompare(b[0]));
}
