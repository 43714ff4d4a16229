import { runSync } from '../../app/sync-run.ts';
import { createChatModel } from '../../knowledge/models/langchain-chat-model.ts';
import { formatSyncReport } from '../../knowledge/sync/sync-report.ts';
import { parseCommandArgs, UsageError, type Command } from './command.ts';

/**
 * `passerelle sync legi --kb <id> (--dir <folder> | --url [<directory>]) [--json]`: applies the DILA LEGI archives
 * of a folder (full dump, then daily increments) to the codes of the base; with `--url`, first downloads from
 * DILA's directory the archives newer than the last applied (into `--dir`, else `<data>/sync/legi-archives`).
 * `passerelle sync legifrance --kb <id> [--json]`: the same through the Légifrance API on PISTE. With a chat model
 * configured, the agents' wording of changed articles is rewritten; without, it is flagged stale. Exit 0 when
 * every step applied, 3 when the run stopped at a failed step (the next run resumes from it).
 */
export const syncCommand: Command = {
  async run(args, context) {
    const [source, ...rest] = args;
    const { values } = parseCommandArgs(rest, { kb: { type: 'string' }, dir: { type: 'string' }, url: { type: 'string' }, json: { type: 'boolean' } });
    if (!values.kb) throw new UsageError('précisez la base : --kb <id>');
    if (source !== 'legi' && source !== 'legifrance') throw new UsageError('source attendue : legi ou legifrance');
    const url = values.url === '' || values.url === 'dila' ? context.config.sync.legiUrl : values.url;
    if (source === 'legi' && !values.dir && !url) {
      throw new UsageError(`précisez le dossier des archives LEGI (--dir <dossier>) ou leur adresse (--url ${context.config.sync.legiUrl})`);
    }
    const knowledge = await context.knowledge({ create: true });
    const model = createChatModel(context.config.chatModel);
    const report = await runSync(context.config, knowledge, model, { source, kb: values.kb, ...(values.dir ? { dir: values.dir } : {}), ...(source === 'legi' && url ? { url } : {}) });
    context.out(values.json ? `${JSON.stringify(report)}\n` : formatSyncReport(report));
    return report.complete ? 0 : 3;
  },
};
