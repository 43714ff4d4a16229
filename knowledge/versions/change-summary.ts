import type { DiffChange } from './word-diff.ts';

/**
 * Two French readings of a word-level comparison: the whole text marked up (`[-supprimé-]{+ajouté+}`, as
 * `git diff --word-diff` does, for the terminal) and a short list of changes in context (for the chat).
 */

/** The text with deletions as [-…-] and insertions as {+…+}. */
export function markedText(changes: DiffChange[]): string {
  return changes.map((change) => (change.op === 'equal' ? change.text : change.op === 'delete' ? `[-${change.text}-]` : `{+${change.text}+}`)).join('');
}

export interface ChangeLine {
  /** "remplacé", "ajouté", "supprimé". */
  kind: 'replaced' | 'inserted' | 'deleted';
  before?: string;
  after?: string;
  /** A few words before the change, for the reader to find it. */
  context: string;
}

/** Each change (a replacement counts once), with up to `contextWords` words before it. */
export function changeLines(changes: DiffChange[], contextWords = 6): ChangeLine[] {
  const lines: ChangeLine[] = [];
  for (let index = 0; index < changes.length; index++) {
    const change = changes[index] as DiffChange;
    if (change.op === 'equal') continue;
    const previous = changes[index - 1];
    const context = previous?.op === 'equal' ? lastWords(previous.text, contextWords) : '';
    const next = changes[index + 1];
    if (change.op === 'delete' && next?.op === 'insert') {
      lines.push({ kind: 'replaced', before: clean(change.text), after: clean(next.text), context });
      index++;
    } else if (change.op === 'delete') {
      lines.push({ kind: 'deleted', before: clean(change.text), context });
    } else {
      lines.push({ kind: 'inserted', after: clean(change.text), context });
    }
  }
  return lines.filter((line) => (line.before ?? '') !== '' || (line.after ?? '') !== '');
}

/** "… entre une et : « deux » → « trois »" — one line of the chat summary, each quote bounded. */
export function describeChange(line: ChangeLine, maxQuote = 300): string {
  const where = line.context ? `après « …${line.context} » : ` : '';
  const quote = (text: string | undefined) => `« ${bound(text ?? '', maxQuote)} »`;
  if (line.kind === 'replaced') return `${where}${quote(line.before)} devient ${quote(line.after)}`;
  if (line.kind === 'inserted') return `${where}ajout de ${quote(line.after)}`;
  return `${where}suppression de ${quote(line.before)}`;
}

function lastWords(text: string, count: number): string {
  const words = text.replace(/\s+/g, ' ').trim().split(' ');
  return words.slice(-count).join(' ');
}

function clean(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

function bound(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1).replace(/\s+\S*$/, '')}…`;
}
