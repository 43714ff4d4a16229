/**
 * Word-level comparison of two texts: the longest common subsequence of their tokens (words, spaces and
 * punctuation, so that joining the tokens gives the texts back exactly), reported as runs of equal, deleted and
 * inserted text. Articles are short (a few thousand tokens); the common head and tail are taken off first, and
 * beyond MAX_CELLS of table the middle is compared paragraph by paragraph instead, so memory stays bounded.
 */

export type DiffOp = 'equal' | 'insert' | 'delete';

export interface DiffChange {
  op: DiffOp;
  text: string;
}

/** Largest LCS table (cells) built for one comparison: 16 M cells of 4 bytes = 64 MB at most. */
const MAX_CELLS = 16_000_000;

export function tokenize(text: string): string[] {
  return text.match(/[\p{L}\p{N}]+(?:['’][\p{L}\p{N}]+)*|\s+|[^\p{L}\p{N}\s]/gu) ?? [];
}

/** The changes that turn `before` into `after`; joining the equal and deleted runs gives `before`, equal and inserted `after`. */
export function wordDiff(before: string, after: string): DiffChange[] {
  const changes: DiffChange[] = [];
  diffTokens(tokenize(before), tokenize(after), changes);
  return merge(changes);
}

function diffTokens(a: string[], b: string[], out: DiffChange[]): void {
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) tail++;
  if (head > 0) out.push({ op: 'equal', text: a.slice(0, head).join('') });
  const middleA = a.slice(head, a.length - tail);
  const middleB = b.slice(head, b.length - tail);
  if ((middleA.length + 1) * (middleB.length + 1) > MAX_CELLS) byParagraphs(middleA, middleB, out);
  else lcs(middleA, middleB, out);
  if (tail > 0) out.push({ op: 'equal', text: a.slice(a.length - tail).join('') });
}

/** Classic dynamic programme on suffixes, then one forward walk. */
function lcs(a: string[], b: string[], out: DiffChange[]): void {
  if (a.length === 0 && b.length === 0) return;
  if (a.length === 0) return void out.push({ op: 'insert', text: b.join('') });
  if (b.length === 0) return void out.push({ op: 'delete', text: a.join('') });
  const width = b.length + 1;
  const table = new Uint32Array((a.length + 1) * width);
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      table[i * width + j] = a[i] === b[j] ? (table[(i + 1) * width + j + 1] as number) + 1 : Math.max(table[(i + 1) * width + j] as number, table[i * width + j + 1] as number);
    }
  }
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      out.push({ op: 'equal', text: a[i] as string });
      i++;
      j++;
    } else if ((table[(i + 1) * width + j] as number) >= (table[i * width + j + 1] as number)) {
      out.push({ op: 'delete', text: a[i] as string });
      i++;
    } else {
      out.push({ op: 'insert', text: b[j] as string });
      j++;
    }
  }
  if (i < a.length) out.push({ op: 'delete', text: a.slice(i).join('') });
  if (j < b.length) out.push({ op: 'insert', text: b.slice(j).join('') });
}

/** Too large for one table: paragraphs are matched first (as tokens), then each replaced paragraph word by word when it fits. */
function byParagraphs(a: string[], b: string[], out: DiffChange[]): void {
  const paragraphs = (tokens: string[]) => tokens.join('').split(/(?<=\n\n)/);
  const pa = paragraphs(a);
  const pb = paragraphs(b);
  if ((pa.length + 1) * (pb.length + 1) > MAX_CELLS || (pa.length === 1 && pb.length === 1)) {
    out.push({ op: 'delete', text: a.join('') }, { op: 'insert', text: b.join('') });
    return;
  }
  const coarse: DiffChange[] = [];
  lcs(pa, pb, coarse);
  for (let index = 0; index < coarse.length; index++) {
    const change = coarse[index] as DiffChange;
    const next = coarse[index + 1];
    if (change.op === 'delete' && next?.op === 'insert' && (tokenize(change.text).length + 1) * (tokenize(next.text).length + 1) <= MAX_CELLS) {
      lcs(tokenize(change.text), tokenize(next.text), out);
      index++;
    } else {
      out.push(change);
    }
  }
}

/** Adjacent runs of one kind become one; a lone space between two replacements joins them ("deux fois" → "trois fois"). */
function merge(changes: DiffChange[]): DiffChange[] {
  const runs = mergeAdjacent(changes.filter((change) => change.text !== ''));
  const result: DiffChange[] = [];
  for (let index = 0; index < runs.length; index++) {
    const change = runs[index] as DiffChange;
    // delete A, insert A', equal " ", delete B, insert B'  →  delete "A B", insert "A' B'"
    const [d1, i1, d2, i2] = [result[result.length - 2], result[result.length - 1], runs[index + 1], runs[index + 2]];
    if (change.op === 'equal' && /^[ \t]+$/.test(change.text) && d1?.op === 'delete' && i1?.op === 'insert' && d2?.op === 'delete' && i2?.op === 'insert') {
      d1.text += change.text + d2.text;
      i1.text += change.text + i2.text;
      index += 2;
      continue;
    }
    result.push({ ...change });
  }
  return result;
}

function mergeAdjacent(changes: DiffChange[]): DiffChange[] {
  const merged: DiffChange[] = [];
  for (const change of changes) {
    const last = merged[merged.length - 1];
    if (last && last.op === change.op) last.text += change.text;
    else merged.push({ ...change });
  }
  return merged;
}

/** The text before (`equal` + `delete`) or after (`equal` + `insert`) the changes. */
export function sideOf(changes: DiffChange[], side: 'before' | 'after'): string {
  const skip: DiffOp = side === 'before' ? 'insert' : 'delete';
  return changes
    .filter((change) => change.op !== skip)
    .map((change) => change.text)
    .join('');
}
