import type { ConcordanceRow } from './concordance.ts';
import { frenchDate } from './version-labels.ts';

/**
 * French sentences for the concordance table: "l'ancien article 414 correspond à l'article L. 512-1 depuis le
 * 1er janvier 2027", and the reverse "l'article L. 512-1 reprend l'ancien article 414".
 */

function article(number: string, code: string | undefined, ownCode: string): string {
  return `l’article ${number}${code && code !== ownCode ? ` du ${lowerFirst(code)}` : ''}`;
}

function since(date: string | undefined): string {
  return date ? ` depuis le ${frenchDate(date)}` : '';
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}

function list(items: string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} et ${items[items.length - 1]}`;
}

/** Where an old number went: rows sharing its old number (forward lookup). */
export function describeForward(oldNumber: string, rows: ConcordanceRow[]): string {
  const first = rows[0];
  if (!first) return '';
  const code = first.code;
  const old = `l’ancien article ${oldNumber} du ${lowerFirst(code)}`;
  const repealed = rows.filter((row) => row.kind === 'repealed');
  const targets = rows.filter((row) => row.kind !== 'repealed' && row.newNumber);
  const parts: string[] = [];
  if (targets.length > 0) {
    const names = targets.map((row) => article(row.newNumber as string, row.newCode, code).replace(/^l’article /, ''));
    const date = targets[0]?.date;
    if (targets.some((row) => row.kind === 'split') || targets.length > 1) {
      parts.push(`${capitalise(old)} a été scindé : il correspond aux articles ${list(names)}${since(date)}`);
    } else if (targets[0]?.kind === 'merged') {
      parts.push(`${capitalise(old)} a été fusionné dans ${article(targets[0].newNumber as string, targets[0].newCode, code)}${since(date)}`);
    } else {
      parts.push(`${capitalise(old)} correspond à ${article(targets[0]?.newNumber as string, targets[0]?.newCode, code)}${since(date)}`);
    }
  }
  if (repealed.length > 0 && targets.length === 0) {
    const date = repealed[0]?.date;
    parts.push(`${capitalise(old)} a été abrogé${date ? ` le ${frenchDate(date)}` : ''}, sans article correspondant dans la table de concordance`);
  }
  const notes = [...new Set(rows.map((row) => row.note).filter((note): note is string => Boolean(note)))];
  return `${parts.join(' ; ')}${notes.length > 0 ? ` (${notes.join(' ; ')})` : ''}.`;
}

/** Which old numbers a new one took over (backward lookup). */
export function describeBackward(newNumber: string, rows: ConcordanceRow[]): string {
  const first = rows[0];
  if (!first) return '';
  const code = first.newCode ?? first.code;
  const olds = [...new Set(rows.map((row) => `${row.oldNumber}${row.code !== code ? ` du ${lowerFirst(row.code)}` : ''}`))];
  const subject = `L’article ${newNumber} du ${lowerFirst(code)}`;
  const taken = olds.length > 1 ? `reprend les anciens articles ${list(olds)}` : `reprend l’ancien article ${olds[0]}`;
  return `${subject} ${taken}${since(first.date)}.`;
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
