import { headingLabelIn } from '../../knowledge/analysis/headings.ts';
import { foldText } from '../../knowledge/analysis/normalise.ts';

/**
 * Reads a "résume …" request: what to summarise (the attached document, this conversation, a part of a
 * code) and how long (court by default, détaillé on request).
 */

export type SummaryTarget =
  | { type: 'document' }
  | { type: 'conversation' }
  | { type: 'code-heading'; label: string; code?: string }
  | { type: 'code-articles'; from: string; to: string; code?: string };

export interface SummaryRequest {
  target: SummaryTarget | undefined;
  length: 'court' | 'detaille';
}

const NUMBER = String.raw`(?:[lrd]\.?\s?)?\d+(?:-\d+)*(?:\s?(?:bis|ter|quater|quinquies|sexies|septies|octies|nonies|decies))?`;
const RANGE = new RegExp(`articles?\\s+(${NUMBER})\\s*(?:a|au|-|jusqu'a)\\s*(?:l'article\\s+)?(${NUMBER})`);

export function parseSummaryRequest(text: string, hasAttachment: boolean, codes: readonly string[]): SummaryRequest {
  const folded = foldText(text);
  const length = /\b(?:detaille|detaillee|en detail|long|complet|complete|approfondi)\b/.test(folded) ? 'detaille' : 'court';
  const code = codes.find((name) => folded.includes(foldText(name))) ?? aliasCode(folded, codes);
  const range = RANGE.exec(folded);
  if (range?.[1] && range[2]) return { target: { type: 'code-articles', from: range[1], to: range[2], ...(code ? { code } : {}) }, length };
  const heading = headingLabelIn(folded);
  if (heading) return { target: { type: 'code-heading', label: heading, ...(code ? { code } : {}) }, length };
  if (hasAttachment) return { target: { type: 'document' }, length };
  if (/\b(?:conversation|fil|discussion|echanges|salon|messages)\b/.test(folded)) return { target: { type: 'conversation' }, length };
  return { target: undefined, length };
}

function aliasCode(folded: string, codes: readonly string[]): string | undefined {
  const aliases: Array<[RegExp, RegExp]> = [
    [/\bcibs\b|biens et services|accises?/, /impositions sur les biens et services/],
    [/\bcgfp\b|fonction publique/, /fonction publique/],
    [/\bpensions?\b/, /pensions/],
    [/\bdouanes?\b/, /code des douanes/],
  ];
  for (const [alias, target] of aliases) {
    if (alias.test(folded)) {
      const found = codes.find((name) => target.test(foldText(name)));
      if (found) return found;
    }
  }
  return undefined;
}
