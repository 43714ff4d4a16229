/**
 * Phone numbers: French (`06 12 34 56 78`, `0612345678`, `01.23.45.67.89`, `+33 6…`, `0033 6…`,
 * `+33 (0)6…`) and international (`+32 475 12 34 56`, 9 to 15 digits after a `+` or `00`).
 *
 * A French number is ten digits in pairs with one separator used throughout, so a tariff code laid out
 * 4-2-2-2 (`0406 10 50 30`) is not one; an unseparated ten-digit run next to a tariff word (« code NC »,
 * « TARIC », « classé en ») is a tariff code, not a phone number.
 */
const NATIONAL = /(?<![\p{L}\p{N}+])0[1-9]([ .-]?)\d{2}(?:\1\d{2}){3}(?!\p{N})/gu;
const FRENCH_INTERNATIONAL = /(?<![\p{L}\p{N}+])(?:\+|00)33[ .-]?(?:\(0\)[ .-]?)?[1-9](?:[ .-]?\d{2}){4}(?!\p{N})/gu;
const INTERNATIONAL = /(?<![\p{L}\p{N}+])(?:\+|00)(?!33)[1-9]\d{0,2}(?:[ .-]?\(?\d{1,4}\)?){2,6}(?!\p{N})/gu;
const TARIFF_WORDS = /\b(?:code|nc|taric|sh\d?|nomenclature|(?:sous-)?positions?|tarif\w*|chapitres?|class\w*)\b/i;
const TARIFF_WINDOW = 30;
export function findPhoneNumbers(text) {
    const spans = [];
    for (const match of text.matchAll(NATIONAL)) {
        const start = match.index;
        const end = start + match[0].length;
        const around = `${text.slice(Math.max(0, start - TARIFF_WINDOW), start)} ${text.slice(end, end + TARIFF_WINDOW)}`;
        if (match[1] === '' && TARIFF_WORDS.test(around))
            continue;
        spans.push({ kind: 'telephone', start, end });
    }
    for (const match of text.matchAll(FRENCH_INTERNATIONAL))
        spans.push({ kind: 'telephone', start: match.index, end: match.index + match[0].length });
    for (const match of text.matchAll(INTERNATIONAL)) {
        const digits = match[0].replace(/\D/g, '').length;
        if (digits >= 9 && digits <= 15)
            spans.push({ kind: 'telephone', start: match.index, end: match.index + match[0].length });
    }
    return spans;
}
