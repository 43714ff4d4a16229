/**
 * "Did you mean": the closest known name to what the user typed, by optimal string alignment distance
 * (Levenshtein plus swapped neighbours, so `serach` is one edit from `search`). Only a close name is
 * offered: at most 1 edit for names of up to 4 characters, 2 beyond; nothing for fewer than 3 characters typed.
 */
export function closest(typed: string, known: readonly string[]): string | undefined {
  const target = typed.toLowerCase();
  let best: { name: string; distance: number } | undefined;
  for (const name of known) {
    const distance = editDistance(target, name.toLowerCase());
    if (!best || distance < best.distance) best = { name, distance };
  }
  if (!best || typed.length < 3) return undefined;
  const allowed = Math.min(typed.length, best.name.length) <= 4 ? 1 : 2;
  return best.name !== typed && best.distance <= allowed ? best.name : undefined;
}

/** Optimal string alignment distance (insertions, deletions, substitutions, adjacent transpositions). */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const columns = b.length + 1;
  const table: number[][] = Array.from({ length: rows }, (_, i) => Array.from({ length: columns }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  const at = (i: number, j: number) => table[i]?.[j] ?? Number.POSITIVE_INFINITY;
  for (let i = 1; i < rows; i += 1) {
    for (let j = 1; j < columns; j += 1) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let value = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) value = Math.min(value, at(i - 2, j - 2) + 1);
      (table[i] as number[])[j] = value;
    }
  }
  return at(a.length, b.length);
}
