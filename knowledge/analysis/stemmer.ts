import snowball from 'snowball-stemmers';

/** Snowball French stemming, memoised: the vocabulary is small and stemming is the hot path of ingestion. */
const stemmer = snowball.newStemmer('french');
const cache = new Map<string, string>();
const CACHE_LIMIT = 200_000;

export function stem(word: string): string {
  let result = cache.get(word);
  if (result === undefined) {
    result = stemmer.stem(word);
    if (cache.size >= CACHE_LIMIT) cache.clear();
    cache.set(word, result);
  }
  return result;
}
