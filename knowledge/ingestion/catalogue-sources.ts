import { existsSync } from 'node:fs';
import { isAbsolute, relative } from 'node:path';
import type { Logger } from '../../bots/logger.ts';
import type { KnowledgeBaseConfig } from '../../config/schema.ts';
import type { IngestionService, IngestReport } from './ingestion-service.ts';

/**
 * Puts a base in line with its catalogue entry: its configured sources that exist, else its examples folder —
 * never both. Fictional examples never sit next to real texts: when a source is present, documents from the
 * examples folder are removed; when a configured source has disappeared, its documents are removed too rather
 * than silently kept next to the examples. Every removal is reported (warnings), in French.
 */
export async function ingestCatalogueSources(kb: KnowledgeBaseConfig, ingestion: IngestionService, logger: Logger): Promise<IngestReport> {
  const present = kb.sources.filter((source) => existsSync(source.path) || !source.optional);
  const absent = kb.sources.filter((source) => !present.includes(source));
  const target = { kb: kb.id, ceiling: kb.classificationCeiling };
  const merged: IngestReport = { kb: kb.id, files: 0, added: 0, updated: 0, unchanged: 0, removed: 0, chunks: 0, skipped: [], warnings: [], instructionLike: [] };
  // Nothing to read: only makes sure the base exists before documents are looked up for removal.
  await ingestion.ingest(target, []);

  for (const source of absent) {
    const removed = await ingestion.removeSource(kb.id, source.path);
    if (removed === 0) continue;
    merged.removed += removed;
    merged.warnings.push({ file: shown(source.path), message: `source absente : ses ${removed} document(s) ont été retirés de la base` });
    logger.info('configured source gone, its documents removed', { kb: kb.id, source: source.path, removed });
  }

  if (present.length === 0) {
    if (!kb.examples) return merged;
    logger.info('no source present, ingesting examples', { kb: kb.id });
    const report = await ingestion.ingest(target, [kb.examples], { defaultClassification: 'interne' });
    add(merged, report);
    merged.warnings.push({ file: shown(kb.examples), message: 'documents d’exemple fictifs (aucune source réelle présente) : ils sont signalés comme tels dans chaque réponse qui les cite' });
    return merged;
  }

  if (kb.examples) {
    const removed = await ingestion.removeSource(kb.id, kb.examples);
    if (removed > 0) {
      merged.removed += removed;
      merged.warnings.push({ file: shown(kb.examples), message: `${removed} document(s) d’exemple fictifs retirés : les sources réelles sont présentes` });
      logger.info('real sources present, examples removed', { kb: kb.id, removed });
    }
  }
  for (const source of present) add(merged, await ingestion.ingest(target, [source.path], { defaultClassification: source.classification }));
  return merged;
}

function add(into: IngestReport, report: IngestReport): void {
  into.files += report.files;
  into.added += report.added;
  into.updated += report.updated;
  into.unchanged += report.unchanged;
  into.removed += report.removed;
  into.chunks += report.chunks;
  into.skipped.push(...report.skipped);
  into.warnings.push(...report.warnings);
  into.instructionLike.push(...report.instructionLike);
}

/** A catalogue path as the user would type it from here (the catalogue holds absolute paths). */
function shown(path: string): string {
  const here = relative(process.cwd(), path);
  return here && !isAbsolute(here) && here.length < path.length ? here : path;
}
