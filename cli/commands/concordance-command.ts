import { readFile, stat, writeFile } from 'node:fs/promises';
import { PasserelleError } from '../../bots/errors.ts';
import { concordanceCsv, parseConcordanceCsv, type ConcordanceStore } from '../../knowledge/versions/concordance.ts';
import { describeForward } from '../../knowledge/versions/concordance-labels.ts';
import { deriveConcordance } from '../../knowledge/versions/derive-concordance.ts';
import { parseCommandArgs, UsageError, type Command } from './command.ts';

/** Largest concordance file read (a whole recodification is a few thousand rows). */
const MAX_CSV_BYTES = 20 * 1024 * 1024;

/**
 * `passerelle concordance import --kb <id> <file.csv>` (replaces the rows of the codes the file names),
 * `concordance list --kb <id> [--code <name>] [--json]`, `concordance derive --kb <id> [--code <name>] [--out f.csv]`
 * (the table the base's own versions tell: same LEGI id under another number, articles gone from the code).
 */
export const concordanceCommand: Command = {
  async run(args, context) {
    const [action, ...rest] = args;
    const { values, positionals } = parseCommandArgs(rest, { kb: { type: 'string' }, code: { type: 'string' }, json: { type: 'boolean' }, out: { type: 'string' } });
    if (!values.kb) throw new UsageError('précisez la base : --kb <id>');
    const knowledge = await context.knowledge({ create: action === 'import' });
    knowledge.catalog.get(values.kb);
    const store = knowledge.concordance;
    if (!store) throw new UsageError('aucune table de concordance n’est configurée pour ce processus');
    switch (action) {
      case 'import':
        return importTable(values.kb, positionals, store, context);
      case 'list': {
        const rows = await store.list(values.kb, values.code);
        if (values.json) context.out(`${JSON.stringify(rows)}\n`);
        else if (rows.length === 0) context.out(`Aucune concordance dans la base ${values.kb}.\n`);
        else context.out(concordanceCsv(rows));
        return 0;
      }
      case 'derive': {
        const rows = await deriveConcordance(knowledge.store, values.kb, values.code);
        const csv = concordanceCsv(rows);
        if (values.out) {
          await writeFile(values.out, csv);
          context.out(`${rows.length} ligne(s) de concordance déduites des versions de la base ${values.kb}, écrites dans ${values.out}.\n`);
        } else context.out(csv);
        return 0;
      }
      default:
        throw new UsageError('action attendue : import, list ou derive');
    }
  },
};

async function importTable(kb: string, files: string[], store: ConcordanceStore, context: Parameters<Command['run']>[1]): Promise<number> {
  if (files.length !== 1) throw new UsageError('précisez un seul fichier CSV de concordance');
  const file = files[0] as string;
  let info;
  try {
    info = await stat(file);
  } catch {
    throw new PasserelleError('PATH_NOT_FOUND', { path: file });
  }
  if (!info.isFile()) throw new PasserelleError('FILE_UNREADABLE', { file, reason: 'ce n’est pas un fichier ordinaire' });
  if (info.size > MAX_CSV_BYTES) throw new PasserelleError('FILE_TOO_LARGE', { file, size: info.size, max: MAX_CSV_BYTES });
  const bytes = await readFile(file);
  if (bytes.includes(0)) throw new PasserelleError('FILE_BINARY', { file });
  const rows = parseConcordanceCsv(new TextDecoder('utf-8', { fatal: false }).decode(bytes), file);
  const codes = [...new Set(rows.map((row) => row.code))];
  const stored = await store.replace(kb, codes, rows);
  context.out(`${stored} ligne(s) de concordance importée(s) dans la base ${kb} (${codes.join(', ') || 'aucun code'}).\n`);
  const example = rows.find((row) => row.kind !== 'repealed');
  if (example) context.out(`Exemple : ${describeForward(example.oldNumber, rows.filter((row) => row.code === example.code && row.oldNumber === example.oldNumber))}\n`);
  return 0;
}
