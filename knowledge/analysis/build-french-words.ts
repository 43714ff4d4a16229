import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { foldText } from './normalise.ts';
import { FRENCH_WORDS_FILE } from './french-words.ts';

/**
 * Builds the compiled French word list (knowledge/analysis/french-words.txt.gz) from the
 * `an-array-of-french-words` package: every word folded like the analysis folds text, deduplicated, sorted
 * (code-unit order), one per line, gzipped. Done once here instead of in every process (JSON parse, folding
 * and sorting 336,000 words took ~1.3 s of CPU and ~100 MB of transient memory at the first question or PDF).
 * Run after upgrading the package or changing foldText: `node --import tsx knowledge/analysis/build-french-words.ts`
 * (test/unit/analysis/french-words.test.ts fails while the shipped file is stale).
 */
export function compileFrenchWords(): Buffer {
  const path = createRequire(import.meta.url).resolve('an-array-of-french-words/index.json');
  const words = [...new Set((JSON.parse(readFileSync(path, 'utf8')) as string[]).map((word) => foldText(word)))].filter((word) => word && !word.includes('\n')).sort();
  return gzipSync(`${words.join('\n')}\n`, { level: 9 });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  writeFileSync(FRENCH_WORDS_FILE, compileFrenchWords());
  process.stdout.write(`${FRENCH_WORDS_FILE} written\n`);
}
