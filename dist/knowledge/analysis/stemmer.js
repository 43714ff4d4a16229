import * as snowballModule from 'snowball-stemmers';
/**
 * Snowball French stemming of accent-folded words, memoised: the vocabulary is small and stemming is the hot
 * path of ingestion.
 *
 * Words reach the stemmer folded (so that a question typed without accents still matches), but Snowball's
 * French rules are written for accented words. Folded, "-ière(s)" escapes the rule that turns "-ier(s)" and
 * "-ière(s)" into "-i", so "douanière" ≠ "douanier" and "particulières" ≠ "particulier": `foldedEndings`
 * restores it, whichever way the word was typed. (The same gap exists for "-ée(s)" against "-é(s)"; closing it
 * was measured and not kept, see docs/retrieval.md.)
 */
// The package is a Babel UMD build: its functions are named exports under ESM, `default` under some CJS interops.
const snowball = 'newStemmer' in snowballModule ? snowballModule : snowballModule.default;
const stemmer = snowball.newStemmer('french');
const cache = new Map();
const CACHE_LIMIT = 200_000;
export function stem(word) {
    let result = cache.get(word);
    if (result === undefined) {
        result = foldedEndings(word, stemmer.stem(word));
        if (cache.size >= CACHE_LIMIT)
            cache.clear();
        cache.set(word, result);
    }
    return result;
}
/**
 * Corrections of Snowball on folded words, each for a family it splits or merges wrongly:
 * - -ière(s): Snowball keeps "douanier" for folded "douaniere(s)", where accented it gives "douani" like "douanier";
 * - verbs in -ionner and their forms ("démissionner", "sanctionné", "stationnent") stem apart from their noun
 *   ("démission" → "demiss"): they take the noun's stem;
 * - "usager(s)" (a person) and "usage(s)" (a use) share Snowball's "usag": the person keeps "usager".
 */
function foldedEndings(word, stemmed) {
    if (/^usager(e?s?)$/.test(word))
        return 'usager';
    const verb = /^(.{3,}ion)n(er|e|es|ent|ez|ons|ee|ees|ant|ait|aient|a|ai|erait|era)$/.exec(word);
    if (verb)
        return stem(verb[1]);
    return /ieres?$/.test(word) && stemmed.endsWith('ier') ? stemmed.slice(0, -2) : stemmed;
}
