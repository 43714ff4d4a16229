/**
 * Splits a generated answer into sentences, keeping its layout (lines, list items) so that the verifier can
 * drop a sentence and rebuild the rest. A sentence keeps the [n] markers written after its full stop
 * ("… marchandises. [1] La contrebande …"); abbreviations ("M. Dupont", "art. L. 621-1", "cf. l’article")
 * do not end a sentence.
 */

export interface AnswerLine {
  /** The line's leading layout: indentation, list bullet or number ("- ", "1. "). */
  lead: string;
  sentences: string[];
}

const BOUNDARY = /([.!?…]+(?:[ \t]*\[\d{1,3}\])*)[ \t]+(?=[A-ZÀ-ÖØ-Þ«"“(*])/g;
const ABBREVIATIONS = /(?:^|[\s(])(?:M|MM|Mme|Mmes|Mlle|Me|Dr|art|Art|cf|Cf|al|p|pp|n|no|etc|ex|c|chap|sect|tit|L|R|D|[A-Z])$/;
const LEAD = /^(\s*(?:[-*•]|\d{1,2}[.)°])?\s*)/;

export function splitAnswer(text: string): AnswerLine[] {
  return text.split('\n').map((line) => {
    const lead = LEAD.exec(line)?.[1] ?? '';
    return { lead, sentences: splitSentences(line.slice(lead.length)) };
  });
}

export function splitSentences(line: string): string[] {
  const sentences: string[] = [];
  let start = 0;
  for (const match of line.matchAll(BOUNDARY)) {
    const stop = (match.index ?? 0) + (match[1]?.length ?? 0);
    const before = line.slice(start, match.index ?? 0);
    if (match[1]?.startsWith('.') && ABBREVIATIONS.test(before)) continue;
    sentences.push(line.slice(start, stop).trim());
    start = (match.index ?? 0) + match[0].length;
  }
  const rest = line.slice(start).trim();
  if (rest !== '') sentences.push(rest);
  return sentences;
}

/** Rebuilds an answer from its lines; a line left with no sentence disappears, blank lines collapse. */
export function joinAnswer(lines: AnswerLine[]): string {
  const out: string[] = [];
  for (const line of lines) {
    if (line.sentences.length === 0) {
      if (line.lead.trim() !== '') continue; // a list item emptied by the verifier
      if (out.length > 0 && out.at(-1) !== '') out.push('');
      continue;
    }
    out.push(`${line.lead}${line.sentences.join(' ')}`);
  }
  while (out.at(-1) === '') out.pop();
  return out.join('\n');
}
