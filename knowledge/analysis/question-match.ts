import { analyse } from './french-analyser.ts';

/**
 * How close a question is to the closest line (subject, one typical question, the terms) of an article's enrichment:
 * the Dice coefficient of their content-term sets, 0–1. The enrichment is written from the article alone, so a
 * question close to one of the article's own questions is strong evidence that the article answers it. Read by the
 * re-ranker (knowledge/reranker.ts) and by the answer's confidence (answering/confidence.ts).
 */
export function enrichmentMatch(question: string, enrichmentText: string | undefined): number {
  return bestLineMatch(matchTerms(question), enrichmentLines(enrichmentText));
}

/** The content-term sets of an enrichment's lines (what {@link bestLineMatch} compares; worth caching per passage). */
export function enrichmentLines(enrichmentText: string | undefined): Array<Set<string>> {
  return (enrichmentText ?? '')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => new Set(matchTerms(line)));
}

/** The best Dice coefficient between the question's terms and one of the lines. */
export function bestLineMatch(asked: readonly string[], lines: ReadonlyArray<ReadonlySet<string>>): number {
  if (asked.length === 0) return 0;
  let best = 0;
  for (const line of lines) {
    let shared = 0;
    for (const term of asked) if (line.has(term)) shared++;
    best = Math.max(best, (2 * shared) / (asked.length + line.size));
  }
  return best;
}

/** The distinct content terms a match compares (one- and two-letter stems left out, numbers kept). */
export function matchTerms(text: string): string[] {
  return [...new Set(analyse(text).terms)].filter((term) => term.length > 2 || /\d/.test(term));
}
