import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { foldText } from "./normalise.js";
/**
 * The words of French (~336,000 inflected forms from the `an-array-of-french-words` package, MIT, derived from
 * the Letterpress word list), folded like the analysis folds text. Used to tell a typo from a real word the
 * bases happen not to use ("valise", "malle" are words; "diffrence" is not). Kept compact: one sorted string
 * and an offset table (about 4 MB), built on first use.
 */
let dictionary;
function load() {
    const path = createRequire(import.meta.url).resolve('an-array-of-french-words/index.json');
    const words = [...new Set(JSON.parse(readFileSync(path, 'utf8')).map((word) => foldText(word)))].sort();
    const offsets = new Int32Array(words.length + 1);
    let at = 0;
    words.forEach((word, index) => {
        offsets[index] = at;
        at += word.length;
    });
    offsets[words.length] = at;
    return { text: words.join(''), offsets };
}
/** True when `word` (folded) is a French word. */
export function isFrenchWord(word) {
    dictionary ??= load();
    const { text, offsets } = dictionary;
    let low = 0;
    let high = offsets.length - 2;
    while (low <= high) {
        const middle = (low + high) >> 1;
        const candidate = text.slice(offsets[middle], offsets[middle + 1]);
        if (candidate === word)
            return true;
        if (candidate < word)
            low = middle + 1;
        else
            high = middle - 1;
    }
    return false;
}
/** Bytes the loaded word list holds (its text and offset table), loading it if needed: for the benchmark. */
export function frenchWordsFootprint() {
    dictionary ??= load();
    return dictionary.text.length + dictionary.offsets.byteLength;
}
