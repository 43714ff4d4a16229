import { PasserelleError } from '../../bots/errors.ts';
import { ConcordanceRowSchema, type ConcordanceKind, type ConcordanceRow } from './concordance-store.ts';

export { concordanceKey, ConcordanceRowSchema, CONCORDANCE_KINDS, type ConcordanceKind, type ConcordanceRow, type ConcordanceStore } from './concordance-store.ts';

/** Reading and writing concordance tables as CSV (the port and row schema: concordance-store.ts). */

const HEADER = ['code', 'old_number', 'new_number', 'date', 'kind'];

/**
 * Reads a concordance CSV: header `code,old_number,new_number,date,kind[,new_code][,note]` (comma or semicolon,
 * double quotes for fields holding separators; lines starting with # are comments). Kinds may be written in French (déplacé, scindé, fusionné, abrogé).
 * Every bad line is reported by number at once (CONCORDANCE_FILE_INVALID); an empty file too.
 */
export function parseConcordanceCsv(text: string, file: string): ConcordanceRow[] {
  // Blank lines and comment lines (# …) are skipped; line numbers stay those of the file.
  const numbered = text.replace(/^\uFEFF/, '').split(/\r?\n/).map((line, index) => ({ line, number: index + 1 })).filter(({ line }) => line.trim() !== '' && !line.trimStart().startsWith('#'));
  const lines = numbered.map(({ line }) => line);
  if (lines.length === 0) throw new PasserelleError('CONCORDANCE_FILE_INVALID', { file, reason: 'fichier vide' });
  const separator = (lines[0] as string).includes(';') && !(lines[0] as string).includes(',') ? ';' : ',';
  const header = splitCsvLine(lines[0] as string, separator).map((name) => name.trim().toLowerCase());
  const missing = HEADER.filter((name) => !header.includes(name));
  if (missing.length > 0) throw new PasserelleError('CONCORDANCE_FILE_INVALID', { file, reason: `colonnes manquantes : ${missing.join(', ')} (attendu : ${HEADER.join(',')}[,new_code][,note])` });
  const rows: ConcordanceRow[] = [];
  const problems: string[] = [];
  lines.slice(1).forEach((line, index) => {
    const cells = splitCsvLine(line, separator);
    const value = (name: string) => {
      const cell = cells[header.indexOf(name)]?.trim();
      return cell ? cell : undefined;
    };
    const kind = KIND_NAMES[(value('kind') ?? '').toLowerCase()] ?? value('kind');
    const candidate = {
      code: value('code'),
      oldNumber: value('old_number'),
      ...(value('new_code') ? { newCode: value('new_code') } : {}),
      ...(value('new_number') ? { newNumber: value('new_number') } : {}),
      ...(value('date') ? { date: value('date') } : {}),
      kind,
      ...(value('note') ? { note: value('note') } : {}),
    };
    const parsed = ConcordanceRowSchema.safeParse(candidate);
    const lineNumber = numbered[index + 1]?.number ?? index + 2;
    if (!parsed.success) problems.push(`ligne ${lineNumber} : ${parsed.error.issues.map((issue) => `${issue.path.join('.') || 'ligne'} ${issue.message}`).join(', ')}`);
    else if (parsed.data.kind !== 'repealed' && !parsed.data.newNumber) problems.push(`ligne ${lineNumber} : new_number manquant (seul un article abrogé n’en a pas)`);
    else rows.push(parsed.data);
  });
  if (problems.length > 0) throw new PasserelleError('CONCORDANCE_FILE_INVALID', { file, reason: problems.slice(0, 10).join(' ; ') + (problems.length > 10 ? ` ; et ${problems.length - 10} autre(s)` : '') });
  return rows;
}

const KIND_NAMES: Record<string, ConcordanceKind> = {
  'déplacé': 'moved', deplace: 'moved', 'renuméroté': 'moved', renumerote: 'moved',
  'scindé': 'split', scinde: 'split', 'fusionné': 'merged', fusionne: 'merged', 'abrogé': 'repealed', abroge: 'repealed',
};

function splitCsvLine(line: string, separator: string): string[] {
  const cells: string[] = [];
  let cell = '';
  let quoted = false;
  for (let index = 0; index < line.length; index++) {
    const char = line[index] as string;
    if (quoted) {
      if (char === '"' && line[index + 1] === '"') {
        cell += '"';
        index++;
      } else if (char === '"') quoted = false;
      else cell += char;
    } else if (char === '"') quoted = true;
    else if (char === separator) {
      cells.push(cell);
      cell = '';
    } else cell += char;
  }
  cells.push(cell);
  return cells;
}

/** Rows as CSV (the import format), for `concordance derive` and exports. */
export function concordanceCsv(rows: ConcordanceRow[]): string {
  const quote = (value: string | undefined) => (value === undefined ? '' : /[",;\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value);
  const lines = rows.map((row) => [row.code, row.oldNumber, row.newNumber, row.date, row.kind, row.newCode, row.note].map(quote).join(','));
  return `${[...HEADER, 'new_code', 'note'].join(',')}\n${lines.join('\n')}\n`;
}
