import { existsSync } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { CliContext } from '../cli/cli-context.ts';
import type { Knowledge } from '../knowledge/create-knowledge.ts';
import { ingestCatalogueSources } from '../knowledge/ingestion/catalogue-sources.ts';
import type { IngestReport } from '../knowledge/ingestion/ingestion-service.ts';
import type { BenchContext, PartReport } from './bench-part.ts';
import { phase } from './cpu-profile.ts';
import { cpuSince, peakRssMegabytes, since } from './statistics.ts';

/**
 * Ingestion figures of the `knowledge` part: the catalogue corpus exactly as `passerelle ingest --all` puts
 * it in (same function), a second pass over the same files (idempotent: nothing should be written), then
 * the off-catalogue files of ../shared/corpus into a throwaway base, to show the cost of the whole folder.
 * Peak RSS is the process's maxRSS read right after each step, so it includes the modules loaded before.
 */

/** Files of ../shared/corpus that no base of the catalogue maps. */
const OFF_CATALOGUE = ['code_douanes_legi_2019.jsonl', 'eval_cdtn_requests.jsonl'];
const THROWAWAY_BASE = 'bench-offcatalogue';

interface Pass {
  ms: number;
  /** CPU time of the process over the pass (less sensitive than wall time to a busy machine), ms. */
  cpuMs: number;
  /** Per base, in catalogue order, with the process's peak RSS right after it (MB). */
  bases: Array<{ report: IngestReport; ms: number; peakRss: number }>;
}

export async function measureIngestion(context: BenchContext, cli: CliContext, report: Required<PartReport>): Promise<void> {
  try {
    const knowledge = await cli.knowledge({ create: true });
    const baseline = peakRssMegabytes();
    const bytes = await catalogueBytes(knowledge);
    context.log(`ingestion: catalogue corpus (${(bytes / 1e6).toFixed(2)} MB)`);
    const first = await phase(context, 'ingestion (catalogue)', report, () => ingestCatalogue(cli, knowledge));
    const peak = peakRssMegabytes();
    const stored = await sizeOf(join(cli.config.dataDir, 'knowledge.sqlite')) + (await sizeOf(join(cli.config.dataDir, 'knowledge.sqlite-wal')));
    const total = (pass: Pass, field: 'added' | 'updated' | 'unchanged' | 'removed' | 'chunks') => pass.bases.reduce((sum, base) => sum + base.report[field], 0);
    const documents = total(first, 'added') + total(first, 'updated') + total(first, 'unchanged');
    report.figures.push(
      { key: 'ingest.catalogue.bytes', label: 'Catalogue corpus size', value: bytes / 1e6, unit: 'MB', digits: 2 },
      { key: 'ingest.baseline_rss', label: 'RSS before ingestion (modules, config, store)', value: baseline, unit: 'MB' },
      { key: 'ingest.catalogue.wall', label: 'Ingestion, catalogue corpus, wall time', value: first.ms / 1000, unit: 's', digits: 2, target: { below: 20 } },
      { key: 'ingest.catalogue.cpu', label: 'Ingestion, catalogue corpus, CPU time (all threads)', value: first.cpuMs / 1000, unit: 's', digits: 2 },
      ...first.bases.flatMap(({ report: base, ms, peakRss }) => [
        { key: `ingest.catalogue.${base.kb}.wall`, label: `  base ${base.kb} (${base.files} files, ${base.added + base.updated + base.unchanged} docs), wall time`, value: ms / 1000, unit: 's', digits: 2 },
        { key: `ingest.catalogue.${base.kb}.peak_rss`, label: `  base ${base.kb}, peak RSS once done`, value: peakRss, unit: 'MB' },
      ]),
      { key: 'ingest.catalogue.documents', label: 'Ingestion, catalogue documents', value: documents, unit: '' },
      { key: 'ingest.catalogue.chunks', label: 'Ingestion, catalogue chunks', value: total(first, 'chunks'), unit: '' },
      { key: 'ingest.catalogue.throughput', label: 'Ingestion throughput', value: bytes / 1e6 / (first.ms / 1000), unit: 'MB/s', digits: 2 },
      { key: 'ingest.catalogue.peak_rss', label: 'Ingestion, catalogue, peak RSS', value: peak, unit: 'MB', target: { below: 400 } },
      { key: 'ingest.store_size', label: 'Store on disk after ingestion (SQLite + WAL)', value: stored / 1e6, unit: 'MB', digits: 1 },
    );
    for (const { report: base } of first.bases) notesOf(base, report.notes);

    context.log('ingestion: second pass over the same corpus');
    const second = await ingestCatalogue(cli, knowledge);
    report.figures.push(
      { key: 'reingest.wall', label: 'Re-ingestion (unchanged corpus), wall time', value: second.ms / 1000, unit: 's', digits: 2 },
      { key: 'reingest.unchanged', label: 'Re-ingestion, documents left unchanged', value: total(second, 'unchanged'), unit: '' },
      { key: 'reingest.written', label: 'Re-ingestion, documents written (added+updated+removed)', value: total(second, 'added') + total(second, 'updated') + total(second, 'removed'), unit: '' },
      { key: 'reingest.chunks', label: 'Re-ingestion, chunks written', value: total(second, 'chunks'), unit: '' },
    );

    const offCatalogue = OFF_CATALOGUE.map((name) => join(context.sharedDir, 'corpus', name)).filter((file) => existsSync(file));
    if (offCatalogue.length === 0) return;
    const offBytes = (await Promise.all(offCatalogue.map(sizeOf))).reduce((sum, size) => sum + size, 0);
    context.log(`ingestion: off-catalogue files into « ${THROWAWAY_BASE} »`);
    const start = performance.now();
    const off = await knowledge.ingestion.ingest({ kb: THROWAWAY_BASE, ceiling: 'diffusion-restreinte' }, offCatalogue, { defaultClassification: 'public' });
    const offMs = since(start);
    report.figures.push(
      { key: 'offcatalogue.wall', label: `Ingestion, off-catalogue files (${(offBytes / 1e6).toFixed(2)} MB), wall time`, value: offMs / 1000, unit: 's', digits: 2 },
      { key: 'offcatalogue.documents', label: 'Ingestion, off-catalogue documents', value: off.added + off.updated + off.unchanged, unit: '' },
      { key: 'offcatalogue.chunks', label: 'Ingestion, off-catalogue chunks', value: off.chunks, unit: '' },
      { key: 'all.wall', label: `Ingestion, whole folder (${((bytes + offBytes) / 1e6).toFixed(2)} MB), wall time`, value: (first.ms + offMs) / 1000, unit: 's', digits: 2 },
      { key: 'all.peak_rss', label: 'Ingestion, whole folder, peak RSS', value: peakRssMegabytes(), unit: 'MB' },
    );
    notesOf(off, report.notes);
    await knowledge.store.dropBase(THROWAWAY_BASE);
  } finally {
    await cli.close();
  }
}

async function ingestCatalogue(cli: CliContext, knowledge: Knowledge): Promise<Pass> {
  const start = performance.now();
  const cpu = process.cpuUsage();
  const bases: Pass['bases'] = [];
  for (const kb of knowledge.catalog.bases) {
    const baseStart = performance.now();
    const report = await ingestCatalogueSources(kb, knowledge.ingestion, cli.logger);
    bases.push({ report, ms: since(baseStart), peakRss: peakRssMegabytes() });
  }
  return { ms: since(start), cpuMs: cpuSince(cpu), bases };
}

/** Bytes of what `ingestCatalogueSources` reads: the sources present, else the examples folder. */
async function catalogueBytes(knowledge: Knowledge): Promise<number> {
  let bytes = 0;
  for (const kb of knowledge.catalog.bases) {
    const present = kb.sources.filter((source) => existsSync(source.path));
    const paths = present.length > 0 ? present.map((source) => source.path) : kb.examples ? [kb.examples] : [];
    for (const path of paths) bytes += await sizeOf(path);
  }
  return bytes;
}

async function sizeOf(path: string): Promise<number> {
  if (!existsSync(path)) return 0;
  const info = await stat(path);
  if (!info.isDirectory()) return info.size;
  let total = 0;
  for (const entry of await readdir(path)) total += await sizeOf(join(path, entry));
  return total;
}

function notesOf(report: IngestReport, notes: string[]): void {
  for (const skipped of report.skipped) notes.push(`ingestion ${report.kb}: skipped ${skipped.file} (${skipped.code}): ${skipped.message}`);
  if (report.warnings.length > 0) {
    const first = report.warnings[0];
    notes.push(`ingestion ${report.kb}: ${report.warnings.length} warning(s), first: ${first?.file}${first?.line ? ` line ${first.line}` : ''}: ${first?.message}`);
  }
}
