import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { compileFrenchWords } from '../../../knowledge/analysis/build-french-words.ts';
import { FRENCH_WORDS_FILE, isFrenchWord } from '../../../knowledge/analysis/french-words.ts';

describe('analysis: the compiled French word list', function () {
  this.timeout(60_000);

  it('the shipped french-words.txt.gz is the package’s list, folded and sorted (else: node --import tsx knowledge/analysis/build-french-words.ts)', () => {
    const shipped = gunzipSync(readFileSync(FRENCH_WORDS_FILE)).toString('utf8');
    const compiled = gunzipSync(compileFrenchWords()).toString('utf8');
    assert.ok(shipped === compiled, 'french-words.txt.gz is stale');
  });

  it('finds the first, the last and ordinary words; not typos, prefixes or words run together', () => {
    const words = gunzipSync(readFileSync(FRENCH_WORDS_FILE)).toString('utf8').split('\n').filter(Boolean);
    assert.ok(words.length > 300_000);
    for (const word of [words[0]!, words.at(-1)!, 'valise', 'douanier', 'marchandises']) assert.ok(isFrenchWord(word), word);
    for (const word of ['diffrence', 'douan', 'douanierdouanier', '', `${words.at(-1)!}z`]) assert.ok(!isFrenchWord(word), word);
  });
});
