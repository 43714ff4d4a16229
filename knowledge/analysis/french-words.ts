import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';

/**
 * The words of French (~336,000 inflected forms from the `an-array-of-french-words` package, MIT, derived from
 * the Letterpress word list), folded like the analysis folds text. Used to tell a typo from a real word the
 * bases happen not to use ("valise", "malle" are words; "diffrence" is not), and real words from split ones
 * when PDF lines are joined. Compiled once (folded, sorted, gzipped: knowledge/analysis/build-french-words.ts)
 * and shipped as french-words.txt.gz; a process reads it on first use: one string and an offset table (about
 * 5 MB), tens of milliseconds.
 */

export const FRENCH_WORDS_FILE = fileURLToPath(new URL('./french-words.txt.gz', import.meta.url));

let dictionary: { text: string; offsets: Int32Array } | undefined;

function load(): { text: string; offsets: Int32Array } {
  const text = gunzipSync(readFileSync(FRENCH_WORDS_FILE)).toString('utf8');
  let count = 0;
  for (let at = text.indexOf('\n'); at !== -1; at = text.indexOf('\n', at + 1)) count++;
  // offsets[i]: where word i starts; word i ends one before offsets[i + 1] (its newline).
  const offsets = new Int32Array(count + 1);
  let index = 0;
  for (let start = 0; index < count; index++) {
    offsets[index] = start;
    start = text.indexOf('\n', start) + 1;
  }
  offsets[count] = text.length;
  return { text, offsets };
}

/** True when `word` (folded) is a French word. */
export function isFrenchWord(word: string): boolean {
  dictionary ??= load();
  const { text, offsets } = dictionary;
  let low = 0;
  let high = offsets.length - 2;
  while (low <= high) {
    const middle = (low + high) >> 1;
    const candidate = text.slice(offsets[middle] as number, (offsets[middle + 1] as number) - 1);
    if (candidate === word) return true;
    if (candidate < word) low = middle + 1;
    else high = middle - 1;
  }
  return false;
}

/** Bytes the loaded word list holds (its text and offset table), loading it if needed: for the benchmark. */
export function frenchWordsFootprint(): number {
  dictionary ??= load();
  return dictionary.text.length + dictionary.offsets.byteLength;
}
