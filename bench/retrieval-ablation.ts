import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { silentLogger } from '../bots/logger.ts';
import { loadConfig } from '../config/load-config.ts';
import { loadDefaultLexicon } from '../knowledge/analysis/lexicon.ts';
import { DEFAULT_LEXICAL_PARAMETERS, SparseEncoder, type LexicalParameters } from '../knowledge/analysis/sparse-encoder.ts';
import { KnowledgeCatalog } from '../knowledge/catalog.ts';
import { CorpusStatistics } from '../knowledge/corpus-statistics.ts';
import { EnrichmentLookup } from '../knowledge/enrichment/enrichment-lookup.ts';
import { ShippedEnrichment } from '../knowledge/enrichment/shipped-enrichment.ts';
import { computeMetrics, distinctDocuments, EvalQuestionSchema, type EvalOutcome } from '../knowledge/evaluation.ts';
import { ingestCatalogueSources } from '../knowledge/ingestion/catalogue-sources.ts';
import { IngestionService } from '../knowledge/ingestion/ingestion-service.ts';
import type { RerankerSettings } from '../knowledge/reranker.ts';
import { Retriever } from '../knowledge/retriever.ts';
import { EvidenceRouter } from '../knowledge/evidence-router.ts';
import { OfflineRouter, type OfflineRouterSettings } from '../knowledge/router.ts';
import { SqliteVectorStore } from '../knowledge/stores/embedded/sqlite-vector-store.ts';

/**
 * Retrieval ablation: the whole catalogue indexed in memory as `npm start` indexes it (embedded store, lexical
 * only), then each component switched off in turn, on the field evaluation set.
 *
 *   node --import tsx bench/retrieval-ablation.ts [--half tune|holdout|calibration|field2|field3-tune|field3-holdout|field4-tune|field4-holdout|field5|field6] [--only <name>]
 *
 * `--half holdout` is the frozen half: run it once, at the end, and report it (docs/retrieval.md); tune on
 * `--half tune` (the default). Figures: R@1, R@5, MRR@10 per base, routing accuracy over both bases.
 */

interface Variant {
  name: string;
  description: string;
  lexical?: Partial<LexicalParameters>;
  rerank?: Partial<RerankerSettings> | false;
  router?: Partial<OfflineRouterSettings>;
  enrichment?: boolean;
  speller?: boolean;
  /** Acronyms read from the bases' texts (knowledge/analysis/acronyms.ts). */
  acronyms?: boolean;
  /** The passages' second opinion on the route (knowledge/evidence-router.ts). */
  evidenceRouter?: boolean;
}

const VARIANTS: Variant[] = [
  { name: 'full', description: 'everything on (the shipped configuration)' },
  { name: '-enrichment', description: 'no enrichment field (index, re-ranker coverage, router models)', enrichment: false },
  { name: '-reranker', description: 'store order, no coverage/proximity re-ranking', rerank: false },
  { name: '-speller', description: 'no spelling correction or abbreviation reading', speller: false },
  { name: '-acronyms', description: 'no acronym read from the bases’ texts (« AMR » → « avis de mise en recouvrement »)', acronyms: false },
  { name: '-negation', description: 'no negated terms', lexical: { negationWeight: 0 } },
  { name: '-definition', description: 'no defining-article boost', rerank: { definitionWeight: 0 } },
  { name: '-referral', description: 'no demotion of articles that only refer to other provisions', rerank: { referralFactor: 1 } },
  { name: '-lexicon', description: 'no query lexicon (lexicon.yaml)', lexical: { synonymWeight: 0 } },
  { name: '-lm-router', description: 'former router: search scores 0.6 + catalogue descriptions 0.4', router: { profileWeight: 0, descriptionWeight: 0.4, searchWeight: 0.6 } },
  { name: '-evidence-router', description: 'route by word statistics alone, no second opinion from the passages', evidenceRouter: false },
  { name: '-style', description: 'router without the bases’ style models (how each base’s typical questions are worded)', router: { styleWeight: 0 } },
  { name: '-size-prior', description: 'router language models with a uniform prior', router: { sizePrior: 0 } },
];

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const { values } = parseArgs({ options: { half: { type: 'string', default: 'tune' }, only: { type: 'string' } } });
// tune / holdout: the halves of the first field set; calibration: the calibration set (docs/retrieval.md §3.6);
// field2: the second field set, written afterwards and run once (test/fixtures/eval/field2/README.md).
const FILES: Record<string, { legal: string; hr: string }> = {
  tune: { legal: 'eval/field/legal-tune.jsonl', hr: 'eval/field/hr-tune.jsonl' },
  holdout: { legal: 'eval/field/legal-holdout.jsonl', hr: 'eval/field/hr-holdout.jsonl' },
  calibration: { legal: 'calibration/legal.jsonl', hr: 'calibration/hr.jsonl' },
  field2: { legal: 'eval/field2/legal.jsonl', hr: 'eval/field2/hr.jsonl' },
  // field3: the third field set, written situation-first; tune on field3-tune, report field3-holdout once.
  'field3-tune': { legal: 'eval/field3/legal-tune.jsonl', hr: 'eval/field3/hr-tune.jsonl' },
  'field3-holdout': { legal: 'eval/field3/legal-holdout.jsonl', hr: 'eval/field3/hr-holdout.jsonl' },
  // field4: the fourth set (the first three hold-outs are spent); tune on field4-tune, report field4-holdout once.
  'field4-tune': { legal: 'eval/field4/legal-tune.jsonl', hr: 'eval/field4/hr-tune.jsonl' },
  'field4-holdout': { legal: 'eval/field4/legal-holdout.jsonl', hr: 'eval/field4/hr-holdout.jsonl' },
  // field5: written after field4's hold-out was reported; run once, whole, at the end.
  field5: { legal: 'eval/field5/legal.jsonl', hr: 'eval/field5/hr.jsonl' },
  // field6: written after field5 was run; run once, whole, on the final code of the stop.
  field6: { legal: 'eval/field6/legal.jsonl', hr: 'eval/field6/hr.jsonl' },
};
const files = FILES[values.half];
if (!files) throw new Error(`--half ${Object.keys(FILES).join('|')}`);

const read = (file: string) =>
  readFileSync(join(ROOT, 'test/fixtures', file), 'utf8')
    .trim()
    .split('\n')
    .map((line) => EvalQuestionSchema.parse(JSON.parse(line)));
const sets = { legal: read(files.legal), hr: read(files.hr) };
const config = loadConfig({ env: { PASSERELLE_DATA_DIR: join(ROOT, 'data'), PASSERELLE_LOG_LEVEL: 'silent' } });
if (!existsSync(join(ROOT, '../shared/corpus'))) throw new Error('../shared/corpus is required');

const rows: string[] = [];
for (const variant of VARIANTS.filter((entry) => !values.only || entry.name === values.only)) {
  const catalog = new KnowledgeCatalog(config.knowledgeBases);
  const store = new SqliteVectorStore(':memory:');
  const encoder = new SparseEncoder(loadDefaultLexicon(), { ...DEFAULT_LEXICAL_PARAMETERS, ...(variant.enrichment === false ? { enrichmentWeight: 0 } : {}), ...variant.lexical });
  const ingestion = new IngestionService(store, encoder, undefined, {
    rootDir: config.rootDir,
    maxFileBytes: config.ingestion.maxFileBytes,
    maxChunkChars: config.ingestion.maxChunkChars,
    embedderCeiling: 'public',
    ...(variant.enrichment === false ? {} : { enrichment: new EnrichmentLookup(new ShippedEnrichment(), undefined, true) }),
  });
  for (const kb of catalog.bases) await ingestCatalogueSources(kb, ingestion, silentLogger);
  const statistics = new CorpusStatistics(store);
  const retriever = new Retriever(
    store, encoder, catalog, undefined,
    { maxQueryLength: 4_000, candidates: config.retrieval.candidates, embedderCeiling: 'public', ...(variant.rerank !== undefined ? { rerank: variant.rerank } : {}), ...(variant.acronyms === false ? { acronyms: false } : {}) },
    () => {},
    variant.speller === false ? undefined : statistics,
  );
  const offline = new OfflineRouter(store, encoder, catalog, { margin: config.bot.routingMargin, maxClassification: 'diffusion-restreinte', ...variant.router }, statistics);
  const router = variant.evidenceRouter === false ? offline : new EvidenceRouter(offline, retriever);
  const cells: string[] = [];
  let routed = 0;
  let total = 0;
  for (const [kb, questions] of Object.entries(sets)) {
    const outcomes: EvalOutcome[] = [];
    for (const question of questions) {
      const result = await retriever.retrieve({ question: question.question, kb, maxClassification: 'diffusion-restreinte', limit: 10 });
      outcomes.push({ question, ranked: distinctDocuments(result.passages.map((passage) => passage.chunk.documentId)).slice(0, 10) });
      total++;
      if ((await router.route(question.question, catalog.ids)).kb === question.kb) routed++;
    }
    const metrics = computeMetrics(outcomes);
    cells.push(metrics.recall_at_1.toFixed(3), metrics.recall_at_5.toFixed(3), metrics.mrr_at_10.toFixed(3));
  }
  cells.push((routed / total).toFixed(3));
  rows.push(`| ${variant.name} | ${cells.join(' | ')} |`);
  process.stderr.write(`${variant.name}: ${cells.join(' ')}\n`);
  await store.close();
}
process.stdout.write(
  `Field set, ${values.half} half (legal n=${sets.legal.length}, HR n=${sets.hr.length}), lexical only:\n\n` +
    '| variant | legal R@1 | legal R@5 | legal MRR | HR R@1 | HR R@5 | HR MRR | routing |\n|---|---:|---:|---:|---:|---:|---:|---:|\n' +
    `${rows.join('\n')}\n\n` +
    VARIANTS.map((variant) => `- \`${variant.name}\`: ${variant.description}`).join('\n') +
    '\n',
);
