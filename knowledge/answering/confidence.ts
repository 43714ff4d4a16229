import { analyse, PREFIX_LENGTH } from '../analysis/french-analyser.ts';
import type { RetrievedPassage } from '../retriever.ts';

/**
 * Retrieval confidence in [0, 1]: the share of the question's content terms that the best passage
 * contains (by stem, or by word prefix for morphological variants), taken over the top passages. An
 * article the question names gives full confidence. Scores from different bases or stores are not
 * comparable; coverage is, which is why abstention is decided on it.
 */
export function retrievalConfidence(question: string, passages: RetrievedPassage[], top = 3): number {
  if (passages.some((passage) => passage.namedInQuestion)) return 1;
  const analysed = analyse(question);
  const terms = [...new Set(analysed.terms)].filter((term) => term.length > 2 || /\d/.test(term));
  if (terms.length === 0 || passages.length === 0) return 0;
  let best = 0;
  for (const passage of passages.slice(0, top)) {
    const text = [passage.chunk.title, ...passage.chunk.headingPath, passage.chunk.section ?? '', passage.chunk.text].join('\n');
    const content = analyse(text);
    const stems = new Set(content.terms);
    const prefixes = new Set(content.prefixes);
    const covered = terms.filter((term) => stems.has(term) || prefixes.has(`~${term.slice(0, PREFIX_LENGTH)}`)).length;
    best = Math.max(best, covered / terms.length);
  }
  return Math.round(best * 1000) / 1000;
}
