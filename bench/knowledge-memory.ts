import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { createCliContext } from '../cli/cli-context.ts';
import { frenchWordsFootprint } from '../knowledge/analysis/french-words.ts';
import { ingestCatalogueSources } from '../knowledge/ingestion/catalogue-sources.ts';
import type { BenchContext, PartReport } from './bench-part.ts';

/**
 * Memory of what a process builds to search, with the shipped enrichment and without it: the in-memory lexical
 * index of every base (built by the first search), then the corpus statistics and speller (routing language
 * models, vocabulary, symmetric-delete index; built by the first routed, spell-checked question). Heap measured
 * after a forced garbage collection, before and after each build, on fresh stores. The French word list the
 * speller consults (loaded once per process) is reported on its own, by its size.
 */

setFlagsFromString('--expose_gc');
const collect = runInNewContext('gc') as () => void;

/** JS heap plus typed-array backing stores (which live outside the heap), after a full collection. */
function heapMegabytes(): number {
  collect();
  collect();
  const usage = process.memoryUsage();
  return (usage.heapUsed + usage.arrayBuffers) / 2 ** 20;
}

export async function measureIndexMemory(context: BenchContext, report: Required<PartReport>): Promise<void> {
  report.figures.push({ key: 'memory.french_words', label: 'French word list for the speller (336k forms: text + offsets)', value: frenchWordsFootprint() / 2 ** 20, unit: 'MB', digits: 1 });
  const measured: Record<string, { index: number; statistics: number }> = {};
  for (const [label, enrichment] of [['with', 'all'], ['without', 'off']] as const) {
    const dataDir = await mkdtemp(join(tmpdir(), `passerelle-bench-memory-${label}-`));
    const env = { PASSERELLE_DATA_DIR: dataDir, PASSERELLE_VECTOR_STORE: 'embedded', PASSERELLE_LOG_LEVEL: 'warn', PASSERELLE_ENRICHMENT: enrichment };
    try {
      const ingest = createCliContext({ out: () => {}, err: () => {}, env });
      const writer = await ingest.knowledge({ create: true });
      for (const kb of writer.catalog.bases) await ingestCatalogueSources(kb, writer.ingestion, ingest.logger);
      await ingest.close();
      context.log(`memory: lexical index and statistics, enrichment ${enrichment}`);
      const cli = createCliContext({ out: () => {}, err: () => {}, env });
      const knowledge = await cli.knowledge();
      const start = heapMegabytes();
      for (const kb of knowledge.catalog.ids) {
        await knowledge.store.search({ kb, sparse: knowledge.encoder.encodeQuery('douane'), filter: { maxClassification: 'diffusion-restreinte' }, limit: 1 });
      }
      const indexed = heapMegabytes();
      for (const kb of knowledge.catalog.ids) await knowledge.statistics.of(kb);
      await knowledge.statistics.speller(knowledge.catalog.ids);
      for (const kb of knowledge.catalog.ids) await knowledge.statistics.speller([kb]);
      const counted = heapMegabytes();
      measured[label] = { index: indexed - start, statistics: counted - indexed };
      await cli.close();
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  }
  const { with: withEnrichment, without } = measured as Record<'with' | 'without', { index: number; statistics: number }>;
  report.figures.push(
    { key: 'memory.index.without', label: 'Lexical index in memory, all bases, no enrichment', value: without.index, unit: 'MB', digits: 1 },
    { key: 'memory.index.with', label: 'Lexical index in memory, all bases, with the shipped enrichment', value: withEnrichment.index, unit: 'MB', digits: 1 },
    { key: 'memory.index.growth', label: 'Lexical index growth from the enrichment', value: ((withEnrichment.index - without.index) / without.index) * 100, unit: '%', target: { below: 50 } },
    { key: 'memory.statistics.with', label: 'Corpus statistics + spellers (routing models, vocabulary), with enrichment', value: withEnrichment.statistics, unit: 'MB', digits: 1 },
    { key: 'memory.statistics.without', label: 'Corpus statistics + spellers, no enrichment', value: without.statistics, unit: 'MB', digits: 1 },
  );
}
