import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { createCliContext } from '../cli/cli-context.ts';
import { ingestCatalogueSources } from '../knowledge/ingestion/catalogue-sources.ts';
import { ArticleGuide } from '../knowledge/learning/article-walkthrough.ts';
import { definitionsIn } from '../knowledge/learning/definitions.ts';
import { QuizBank } from '../knowledge/learning/quiz-bank.ts';
import type { BenchContext, PartReport } from './bench-part.ts';
import { cpuSince, peakRssMegabytes, since } from './statistics.ts';

/**
 * The `learning` part, on a fresh temporary data directory (embedded store) holding the catalogue corpus:
 * for each base, the quiz items written from its texts (wall and CPU time, the longest stall of the event
 * loop while writing — the bank hands it back every 50 documents so the bot keeps acknowledging messages),
 * how many pass the automatic check against the cited text, the documents covered; then the definitions read
 * for `explique` and one walkthrough. Without ../shared, on examples/ only.
 */
export async function run(context: BenchContext): Promise<PartReport> {
  const report: Required<PartReport> = { figures: [], notes: [], details: {} };
  const dataDir = await mkdtemp(join(tmpdir(), 'passerelle-bench-learning-'));
  const cli = createCliContext({ out: () => {}, err: () => {}, env: { ...process.env, PASSERELLE_DATA_DIR: dataDir, PASSERELLE_LOG_LEVEL: 'error' } });
  try {
    report.notes.push(existsSync(join(context.sharedDir, 'corpus')) ? `corpus: ${join(context.sharedDir, 'corpus')} as mapped by config/knowledge-bases.yaml` : 'corpus: ../shared absent, examples/ only');
    const knowledge = await cli.knowledge({ create: true });
    for (const kb of knowledge.catalog.bases) {
      context.log(`learning: ingesting ${kb.id}`);
      await ingestCatalogueSources(kb, knowledge.ingestion, cli.logger);
    }
    const bank = new QuizBank(knowledge.store);
    const details: Record<string, unknown> = {};
    for (const kb of knowledge.catalog.ids) {
      context.log(`learning: quiz items of ${kb}`);
      const stalls = monitorEventLoopDelay({ resolution: 10 });
      stalls.enable();
      const started = performance.now();
      const cpu = process.cpuUsage();
      const base = await bank.base(kb);
      const wall = since(started);
      const cpuMs = cpuSince(cpu);
      stalls.disable();
      const { report: quiz } = base;
      const share = quiz.generated > 0 ? quiz.passed / quiz.generated : null;
      report.figures.push(
        { key: `quiz.${kb}.documents`, label: `base ${kb}: documents`, value: quiz.documents, unit: '' },
        { key: `quiz.${kb}.items`, label: `  quiz items kept (quantities ${quiz.byKind.quantity}, terms ${quiz.byKind.term}; ${quiz.withSituation} framed by an agents' question)`, value: quiz.passed, unit: '' },
        { key: `quiz.${kb}.check_share`, label: '  share of written items whose expected answer is in the cited text and that pass every check', value: share, unit: '', digits: 3, target: { atLeast: 0.95 } },
        { key: `quiz.${kb}.documents_covered`, label: '  share of documents with at least one item', value: quiz.documents > 0 ? quiz.documentsWithItems / quiz.documents : null, unit: '', digits: 3 },
        { key: `quiz.${kb}.wall`, label: '  writing and checking the items, wall time', value: wall / 1000, unit: 's', digits: 2, target: { below: 10 } },
        { key: `quiz.${kb}.cpu`, label: '  writing and checking the items, CPU time', value: cpuMs / 1000, unit: 's', digits: 2 },
        { key: `quiz.${kb}.max_stall`, label: '  longest event-loop stall meanwhile', value: stalls.max / 1e6, unit: 'ms', target: { below: 100 } },
      );
      details[kb] = quiz;
    }
    for (const kb of knowledge.catalog.ids) {
      const chunks = await knowledge.store.listChunks(kb);
      const started = performance.now();
      const definitions = definitionsIn(chunks);
      report.figures.push({ key: `explain.${kb}.definitions`, label: `base ${kb}: notions defined in the texts (for explique), read in`, value: since(started), unit: 'ms' });
      report.notes.push(`${kb}: ${definitions.length} notions defined in the texts`);
    }
    const [article] = await knowledge.store.findArticle({ kb: 'legal', number: '414', code: 'Code des douanes', filter: { maxClassification: 'diffusion-restreinte' } });
    if (article) {
      const guide = new ArticleGuide(knowledge.store);
      await guide.walkThrough(article, { question: 'peine pour contrebande', filter: { maxClassification: 'diffusion-restreinte' } });
      const started = performance.now();
      const walk = await guide.walkThrough(article, { question: 'peine pour contrebande', filter: { maxClassification: 'diffusion-restreinte' } });
      report.figures.push({ key: 'explain.walkthrough', label: '`explique` art. 414 of the Code des douanes (definitions read), one walkthrough', value: since(started), unit: 'ms' });
      report.notes.push(`explique art. 414: ${walk.definitions.length} definitions, ${walk.references.length} references (${walk.missing.length} outside the bases), ${walk.versions.others.length} other versions`);
    }
    report.figures.push({ key: 'learning.peak_rss', label: 'peak RSS of the part', value: peakRssMegabytes(), unit: 'MB' });
    report.details = details;
  } finally {
    await cli.close();
    await rm(dataDir, { recursive: true, force: true });
  }
  return report;
}
