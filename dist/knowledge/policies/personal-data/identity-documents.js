/**
 * Passport and identity-card numbers. Their formats vary by country (French passport `18AV45213`, French
 * card `880692310285` or `X4RTBPFW4`, Belgian card `592-1234567-89`, foreign passports of 6 to 10 letters and
 * digits), so apart from the French passport's distinctive shape a number is taken only when the document is
 * named just before it, in the same sentence: « passeport n° … », « CNI : … », « carte d'identité belge … ».
 * The French passport's shape is also that of an administrative court of appeal's case number (`04MA01459`):
 * after « arrêt », « CAA », « requête »… it is one.
 */
const CUES = [
    { kind: 'passeport', pattern: /\bpasseports?\b/giu },
    { kind: 'carte-identite', pattern: /\b(?:cartes? (?:nationales? )?|pi[èe]ces? )d['’]identit[ée](?!\p{L})|\bCNI\b/giu },
];
const FRENCH_PASSPORT = /(?<![\p{L}\p{N}])\d{2}[A-Z]{2}\d{5}(?![\p{L}\p{N}])/gu;
const DOCUMENT_NUMBER = /(?<![\p{L}\p{N}])(?:\d{4} \d{4} \d{4}|\d{3}-\d{7}-\d{2}|(?=[A-Z\d]*\d)[A-Z\d]{6,12})(?![\p{L}\p{N}-])/u;
const WINDOW = 45;
const CASE_LAW = /\b(?:arr[êe]ts?|caa|cour|tribunal|jugement|d[ée]cision|req(?:u[êe]te)?|ordonnance)\b[^.\n]{0,40}$/iu;
export function findIdentityDocuments(text) {
    const spans = [];
    for (const match of text.matchAll(FRENCH_PASSPORT)) {
        if (!CASE_LAW.test(text.slice(Math.max(0, match.index - 50), match.index)))
            spans.push({ kind: 'passeport', start: match.index, end: match.index + match[0].length });
    }
    for (const { kind, pattern } of CUES) {
        for (const cue of text.matchAll(pattern)) {
            const from = cue.index + cue[0].length;
            const window = text.slice(from, from + WINDOW).split(/[.!?](?:\s|$)|\n/)[0] ?? '';
            const number = DOCUMENT_NUMBER.exec(window);
            if (number)
                spans.push({ kind, start: from + number.index, end: from + number.index + number[0].length });
        }
    }
    return spans;
}
