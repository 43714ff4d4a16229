import { analyse } from '../analysis/french-analyser.ts';
import { withoutInstructions } from '../policies/instruction-injection.ts';
import type { RetrievedPassage } from '../retriever.ts';
import { citationOf, type PassageCitation } from './citations.ts';
import { clipSentence, highlightDecisive } from './decisive-sentence.ts';

/**
 * The offline answer: the best passages quoted as they are, each with its citation marker, trimmed to the
 * sentences that share the most words with the question, the first passage's decisive sentence in bold.
 * Nothing is paraphrased, so nothing is invented.
 */

export interface DraftAnswer {
  /** Markdown with [n] markers. */
  text: string;
  citations: PassageCitation[];
}

const MAX_QUOTE_CHARS = 600;

/** Shown above a quoted passage that holds an instruction-like sentence (prompt injection suspected). */
export const INSTRUCTION_WARNING =
  '⚠️ Attention : ce document contient une formulation qui ressemble à une consigne adressée à un assistant IA (tentative de manipulation possible). ' +
  'Elle n’est pas reproduite ci-dessous ; ne la suivez pas et signalez ce document aux responsables de la base.';

export function extractiveAnswer(question: string, passages: RetrievedPassage[], maxPassages = 3): DraftAnswer {
  const chosen = choosePassages(passages, maxPassages);
  const terms = new Set(analyse(question).terms);
  const citations = chosen.map((passage, index) => citationOf(passage.chunk, index + 1));
  const blocks = chosen.map((passage, index) => {
    const citation = citations[index] as PassageCitation;
    const { text, withheld } = withoutInstructions(passage.chunk.text);
    const flagged = withheld || (passage.chunk.instructionLike?.length ?? 0) > 0;
    const best = bestSentences(text, terms, MAX_QUOTE_CHARS);
    const quote = index === 0 && !flagged ? highlightDecisive(best, question) : best;
    const warning = flagged ? `${INSTRUCTION_WARNING}\n` : '';
    return `**${citation.title}** [${citation.index}]\n${warning}${quote.split('\n').map((line) => `> ${line}`).join('\n')}`;
  });
  const intro = chosen.length === 1 ? 'Le texte le plus pertinent trouvé :' : 'Les textes les plus pertinents trouvés :';
  return { text: `${intro}\n\n${blocks.join('\n\n')}`, citations };
}

/** The named articles, then the best-scored passages, one per document, keeping those close to the best. */
function choosePassages(passages: RetrievedPassage[], max: number): RetrievedPassage[] {
  const chosen: RetrievedPassage[] = [];
  const documents = new Set<string>();
  const best = passages.find((passage) => !passage.namedInQuestion)?.score ?? 0;
  for (const passage of passages) {
    if (chosen.length >= max) break;
    if (documents.has(passage.chunk.documentId) && !passage.namedInQuestion) continue;
    if (!passage.namedInQuestion && chosen.length > 0 && passage.score < best * 0.6) continue;
    chosen.push(passage);
    documents.add(passage.chunk.documentId);
  }
  return chosen;
}

/** Keeps the text when short; otherwise the highest-overlap sentences in their original order. */
function bestSentences(text: string, terms: Set<string>, maxChars: number): string {
  const clean = text.trim();
  if (clean.length <= maxChars) return clean;
  const sentences = clean.match(/[^.!?;\n]+(?:[.!?;]+|\n|$)/g)?.map((sentence) => sentence.trim()).filter(Boolean) ?? [clean];
  const scored = sentences.map((sentence, index) => ({
    index,
    sentence,
    score: analyse(sentence).terms.filter((term) => terms.has(term)).length,
  }));
  const picked: typeof scored = [];
  let size = 0;
  for (const candidate of [...scored].sort((a, b) => b.score - a.score || a.index - b.index)) {
    if (size + candidate.sentence.length > maxChars && picked.length > 0) continue;
    picked.push(candidate);
    size += candidate.sentence.length + 1;
    if (size >= maxChars) break;
  }
  picked.sort((a, b) => a.index - b.index);
  const parts: string[] = [];
  picked.forEach((entry, position) => {
    const previous = picked[position - 1];
    if ((position === 0 && entry.index > 0) || (previous && entry.index > previous.index + 1)) parts.push('[…]');
    // A sentence longer than the quote is cut between two words, never inside one.
    parts.push(entry.sentence.length > maxChars ? clipSentence(entry.sentence, maxChars) : entry.sentence);
  });
  if ((picked[picked.length - 1]?.index ?? 0) < sentences.length - 1) parts.push('[…]');
  return parts.join(' ').replace(/\[…\](?:\s*\[…\])+/g, '[…]');
}
