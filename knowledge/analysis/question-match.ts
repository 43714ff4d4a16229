import { analyse } from './french-analyser.ts';

/**
 * How close a question is to the closest line (subject, one typical question, the terms) of an article's enrichment:
 * the Dice coefficient of their content-term sets, 0–1. The enrichment is written from the article alone, so a
 * question close to one of the article's own questions is strong evidence that the article answers it (the answer's
 * confidence, answering/confidence.ts). Re-ranking by it was measured and dropped (docs/retrieval.md §11).
 */
export function enrichmentMatch(question: string, enrichmentText: string | undefined): number {
  const asked = matchTerms(question);
  if (asked.length === 0) return 0;
  let best = 0;
  for (const line of (enrichmentText ?? '').split('\n')) {
    if (line.trim() === '') continue;
    const typical = new Set(matchTerms(line));
    const shared = asked.filter((term) => typical.has(term)).length;
    best = Math.max(best, (2 * shared) / (asked.length + typical.size));
  }
  return best;
}

/** The distinct content terms a match compares (one- and two-letter stems left out, numbers kept). */
export function matchTerms(text: string): string[] {
  return [...new Set(analyse(text).terms)].filter((term) => term.length > 2 || /\d/.test(term));
}
