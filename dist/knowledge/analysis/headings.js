import { foldText } from "./normalise.js";
/**
 * Code headings named the way agents type them: "titre XII", "Titre XII : Contentieux…" and "titre 12" share
 * one key ("titre 12"); "Chapitre Ier" and "chapitre 1er" → "chapitre 1". Used to find a part of a code for
 * summaries and quizzes.
 */
const LEVEL = String.raw `(?:partie|livre|titre|chapitre|section)\s+(?:[ivxlcdm]+|\d+)(?:er|re)?(?:\s+(?:bis|ter))?`;
/** "titre xii", "chapitre ii du titre iii" (every level kept: a chapter number alone is ambiguous). */
const HEADING_LABEL = new RegExp(String.raw `\b(${LEVEL}(?:\s+(?:du|de la|de l')\s+${LEVEL})*)\b`);
/** The part of a code a request names, in folded text ("résume le titre xii …" → "titre xii"), if any. */
export function headingLabelIn(folded) {
    return HEADING_LABEL.exec(folded)?.[1];
}
/** Joins the levels of "chapitre II du titre III" (every level named must be on the heading path). */
export const HEADING_QUALIFIER = /\s+(?:du|de la|de l['’]|de)\s+(?=(?:partie|livre|titre|chapitre|section)\b)/i;
/** The comparison key of a heading or of a label naming one. */
export function headingKey(text) {
    const folded = foldText(text).replace(/\s+/g, ' ').trim();
    const match = /^(partie|livre|titre|chapitre|section|paragraphe|sous-section)\s+([ivxlcdm]+|\d+)(?:er|re)?(?:\s+(bis|ter|quater))?\b/.exec(folded);
    if (!match)
        return folded;
    return [match[1], romanToNumber(match[2] ?? ''), match[3]].filter(Boolean).join(' ');
}
/** Whether a heading path holds every level a label names ("chapitre II du titre III"). */
export function headingPathMatches(label, headingPath) {
    const wanted = label.split(HEADING_QUALIFIER).map(headingKey);
    const keys = new Set(headingPath.map(headingKey));
    return wanted.every((key) => keys.has(key));
}
function romanToNumber(numeral) {
    if (/^\d+$/.test(numeral))
        return String(Number(numeral));
    const values = { i: 1, v: 5, x: 10, l: 50, c: 100, d: 500, m: 1000 };
    let total = 0;
    for (let i = 0; i < numeral.length; i++) {
        const value = values[numeral[i] ?? ''] ?? 0;
        total += value < (values[numeral[i + 1] ?? ''] ?? 0) ? -value : value;
    }
    return String(total);
}
