import { existsSync } from 'node:fs';
import type { KnowledgeBaseConfig } from '../../config/schema.ts';
import { CLASSIFICATIONS, type Classification } from '../../knowledge/types.ts';
import type { IngestReport } from '../../knowledge/ingestion/ingestion-service.ts';
import type { CliContext } from '../cli-context.ts';
import { parseCommandArgs, UsageError, type Command } from './command.ts';

/** `passerelle ingest --kb <id> [--reindex] [--classification <label>] [--json] [path…]`; `--all` ingests every base's sources. */
export const ingestCommand: Command = {
  summary: 'ingest --kb <id> [--reindex] [--classification <niveau>] [chemin…] | ingest --all   Verse des fichiers (PDF, DOCX, HTML, Markdown, texte, JSONL) dans une base',
  async run(args, context) {
    const { values, positionals } = parseCommandArgs(args, {
      kb: { type: 'string' },
      all: { type: 'boolean' },
      reindex: { type: 'boolean' },
      classification: { type: 'string' },
      json: { type: 'boolean' },
    });
    if (!values.kb && !values.all) throw new UsageError('précisez --kb <id> ou --all');
    if (values.all && positionals.length > 0) throw new UsageError('--all n’accepte pas de chemin');
    const classification = values.classification as Classification | undefined;
    if (classification && !CLASSIFICATIONS.includes(classification)) {
      throw new UsageError(`--classification attend une valeur parmi : ${CLASSIFICATIONS.join(', ')}`);
    }
    const knowledge = await context.knowledge({ create: true });
    const bases = values.all ? knowledge.catalog.bases : [knowledge.catalog.get(values.kb as string)];
    const reports: IngestReport[] = [];
    for (const kb of bases) {
      if (values.reindex) await knowledge.store.dropBase(kb.id);
      const report =
        positionals.length > 0
          ? await knowledge.ingestion.ingest({ kb: kb.id, ceiling: kb.classificationCeiling }, positionals, classification ? { defaultClassification: classification } : {})
          : await ingestCatalogueSources(kb, knowledge.ingestion, context);
      reports.push(report);
      if (!values.json) context.out(formatReport(report, kb.name));
    }
    if (values.json) context.out(`${JSON.stringify(reports.length === 1 ? reports[0] : reports, null, 2)}\n`);
    const failed = reports.some((report) => report.files > 0 && report.skipped.length === report.files);
    return failed ? 1 : 0;
  },
};

/** The base's configured sources that exist, else its examples folder. */
export async function ingestCatalogueSources(
  kb: KnowledgeBaseConfig,
  ingestion: Awaited<ReturnType<CliContext['knowledge']>>['ingestion'],
  context: CliContext,
): Promise<IngestReport> {
  const present = kb.sources.filter((source) => existsSync(source.path) || !source.optional);
  const target = { kb: kb.id, ceiling: kb.classificationCeiling };
  if (present.length === 0) {
    if (!kb.examples) return { kb: kb.id, files: 0, added: 0, updated: 0, unchanged: 0, removed: 0, chunks: 0, skipped: [], warnings: [] };
    context.logger.info('no source present, ingesting examples', { kb: kb.id });
    return ingestion.ingest(target, [kb.examples], { defaultClassification: 'interne' });
  }
  const merged: IngestReport = { kb: kb.id, files: 0, added: 0, updated: 0, unchanged: 0, removed: 0, chunks: 0, skipped: [], warnings: [] };
  for (const source of present) {
    const report = await ingestion.ingest(target, [source.path], { defaultClassification: source.classification });
    merged.files += report.files;
    merged.added += report.added;
    merged.updated += report.updated;
    merged.unchanged += report.unchanged;
    merged.removed += report.removed;
    merged.chunks += report.chunks;
    merged.skipped.push(...report.skipped);
    merged.warnings.push(...report.warnings);
  }
  return merged;
}

export function formatReport(report: IngestReport, name: string): string {
  const lines = [
    `Base « ${name} » (${report.kb}) : ${report.files} fichier(s) lu(s) ; documents ajoutés ${report.added}, mis à jour ${report.updated}, inchangés ${report.unchanged}, retirés ${report.removed} ; ${report.chunks} passage(s) indexé(s).`,
  ];
  for (const skipped of report.skipped) lines.push(`  ✗ ${skipped.file} ignoré — ${skipped.message}`);
  for (const warning of report.warnings.slice(0, 50)) {
    lines.push(`  ! ${warning.file}${warning.line ? `, ligne ${warning.line}` : ''} : ${warning.message}`);
  }
  if (report.warnings.length > 50) lines.push(`  … et ${report.warnings.length - 50} autre(s) avertissement(s).`);
  return `${lines.join('\n')}\n`;
}
