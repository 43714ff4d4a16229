import * as snowballModule from 'snowball-stemmers';

/**
 * Snowball French stemming of accent-folded words, memoised: the vocabulary is small and stemming is the hot
 * path of ingestion.
 *
 * Words reach the stemmer folded (so that "declaree" typed without accents matches "déclarée"), but Snowball's
 * French rules are written for accented words: folded, the feminine endings -ée(s) and -ière(s) escape the
 * rules that handle -é(s) and -ier(s), so "déclarée" ≠ "déclaré" and "douanière" ≠ "douanier". `foldedEndings`
 * restores what the accented rules would do, whichever way the word was typed.
 */
// The package is a Babel UMD build: its functions are named exports under ESM, `default` under some CJS interops.
const snowball = 'newStemmer' in snowballModule ? snowballModule : (snowballModule as unknown as { default: typeof snowballModule }).default;
const stemmer = snowball.newStemmer('french');
const cache = new Map<string, string>();
const CACHE_LIMIT = 200_000;

export function stem(word: string): string {
  let result = cache.get(word);
  if (result === undefined) {
    result = process.env.NOFIX ? stemmer.stem(word) : foldedEndings(word, stemmer.stem(word));
    if (cache.size >= CACHE_LIMIT) cache.clear();
    cache.set(word, result);
  }
  return result;
}

/**
 * -ée(s): Snowball drops one final "e" and keeps the other ("declaree" → "declare"); drop it too, then undouble
 * a final -nn/-tt/-ll as Snowball's step 5 does ("mentionnee" → "mentionn" → "mention", like "mentionné").
 * -ière(s): accented Snowball turns -ière into -i like -ier ("douanière", "douanier" → "douani").
 */
function foldedEndings(word: string, stemmed: string): string {
  if (/ees?$/.test(word) && stemmed.endsWith('e') && stemmed.length > 2) {
    const shorter = stemmed.slice(0, -1);
    return /(?:enn|onn|ett|ell|eill)$/.test(shorter) ? shorter.slice(0, -1) : shorter;
  }
  if (/ieres?$/.test(word) && stemmed.endsWith('ier')) return stemmed.slice(0, -2);
  return stemmed;
}
