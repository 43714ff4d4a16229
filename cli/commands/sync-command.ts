import { LegiSync } from '../../knowledge/sync/legi-sync.ts';
import { formatSyncReport } from '../../knowledge/sync/sync-report.ts';
import { parseCommandArgs, UsageError, type Command } from './command.ts';

/**
 * `passerelle sync legi --kb <id> --dir <folder> [--json]`: applies the DILA LEGI archives of a folder (full dump,
 * then daily increments) to the codes of the base. `passerelle sync legifrance --kb <id> [--json]`: the same
 * through the Légifrance API on PISTE (`legifrance:` in the configuration). Exit 0 when every step applied, 3 when
 * the run stopped at a failed step (the next run resumes from it).
 */
export const syncCommand: Command = {
  async run(args, context) {
    const [source, ...rest] = args;
    const { values } = parseCommandArgs(rest, { kb: { type: 'string' }, dir: { type: 'string' }, json: { type: 'boolean' } });
    if (!values.kb) throw new UsageError('précisez la base : --kb <id>');
    const knowledge = await context.knowledge({ create: true });
    knowledge.catalog.get(values.kb);
    let report;
    if (source === 'legi') {
      if (!values.dir) throw new UsageError('précisez le dossier des archives LEGI : --dir <dossier> (archives téléchargées depuis https://echanges.dila.gouv.fr/OPENDATA/LEGI/)');
      report = await new LegiSync(knowledge.ingestion, knowledge.catalog, context.config.dataDir).run(values.kb, values.dir);
    } else if (source === 'legifrance') {
      const { LegifranceSync } = await import('../../knowledge/sync/legifrance-sync.ts');
      report = await new LegifranceSync(knowledge.ingestion, knowledge.catalog, context.config.dataDir, context.config.legifrance).run(values.kb);
    } else {
      throw new UsageError('source attendue : legi ou legifrance');
    }
    context.out(values.json ? `${JSON.stringify(report)}\n` : formatSyncReport(report));
    return report.complete ? 0 : 3;
  },
};
