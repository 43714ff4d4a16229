import { CLASSIFICATIONS, type Classification } from '../../knowledge/types.ts';
import { ingestCatalogueSources } from '../../knowledge/ingestion/catalogue-sources.ts';
import type { IngestReport } from '../../knowledge/ingestion/ingestion-service.ts';
import { parseCommandArgs, UsageError, type Command } from './command.ts';

/** `passerelle ingest --kb <id> [--reindex] [--classification <label>] [--json] [path…]`; `--all` ingests every base's sources. */
export const ingestCommand: Command = {
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
          : await ingestCatalogueSources(kb, knowledge.ingestion, context.logger);
      reports.push(report);
      // Computed once here and kept with the base (embedded store): replicas starting do not redo it.
      await knowledge.statistics.of(kb.id);
      if (!values.json) context.out(formatReport(report, kb.name));
    }
    // The console's document versions and failures (app/curation.ts).
    await (await import('../../app/curation.ts')).recordIngestion(context.config, knowledge.store, reports);
    if (values.json) context.out(`${JSON.stringify(reports.length === 1 ? reports[0] : reports, null, 2)}\n`);
    const failed = reports.some((report) => report.files > 0 && report.skipped.length === report.files);
    return failed ? 1 : 0;
  },
};

export function formatReport(report: IngestReport, name: string): string {
  const lines = [
    `Base « ${name} » (${report.kb}) : ${report.files} fichier(s) lu(s) ; documents ajoutés ${report.added}, mis à jour ${report.updated}, inchangés ${report.unchanged}, retirés ${report.removed} ; ${report.chunks} passage(s) indexé(s).`,
  ];
  if (report.redated) lines.push(`  ${report.redated} document(s) redaté(s) entre versions d’un même article (version close par une plus récente, doublon d’une même version, article apparu ou disparu).`);
  for (const skipped of report.skipped) lines.push(`  ✗ ${skipped.file} ignoré — ${skipped.message}`);
  for (const warning of report.warnings.slice(0, 50)) {
    lines.push(`  ! ${warning.file}${warning.line ? `, ligne ${warning.line}` : ''} : ${warning.message}`);
  }
  if (report.warnings.length > 50) lines.push(`  … et ${report.warnings.length - 50} autre(s) avertissement(s).`);
  if (report.instructionLike.length > 0) {
    lines.push(`  ⚠ ${report.instructionLike.length} passage(s) ressemblent à des instructions adressées à un assistant IA (injection possible) : tenus hors du contexte du modèle, cités avec un avertissement. Vérifiez ces documents.`);
    for (const passage of report.instructionLike.slice(0, 20)) lines.push(`    ⚠ ${passage.file}${passage.documentId === passage.file ? '' : ` (${passage.documentId})`} : « ${passage.phrase} »`);
    if (report.instructionLike.length > 20) lines.push(`    … et ${report.instructionLike.length - 20} autre(s).`);
  }
  return `${lines.join('\n')}\n`;
}
