import { spansOf } from "./kinds.js";
/**
 * Identifiers recognised by their shape alone: e-mail addresses, IBANs (ISO 13616 check digits), EORI,
 * SIRET and SIREN numbers, French number plates (SIV `AB-123-CD` and the older `1234 AB 75`).
 */
const EMAIL = /[\p{L}0-9._%+-]+@[\p{L}0-9.-]+\.[a-z]{2,}/giu;
const IBAN_SHAPE = /(?<![\p{L}\p{N}])[A-Z]{2}\d{2}(?:[ ]?[A-Z0-9]{4}){2,7}(?:[ ]?[A-Z0-9]{1,4})?(?![\p{L}\p{N}])/gu;
const IBAN_CUE = /\b(?:iban|rib|compte|virement|bancaire)s?\b[^.\n]{0,30}$/i;
const EORI = /\b(?:FR|DE|BE|IT|ES|NL|LU|PT|AT|IE|GB|XI)[ ]?\d{9,15}\b/g;
const SIRET = /\b\d{3}[ .]?\d{3}[ .]?\d{3}[ .]?\d{5}\b/g;
const SIREN = /\b(?:siren|siret|n° ?siren)\s*:?\s*\d{3}[ .]?\d{3}[ .]?\d{3}\b/gi;
const PLATE_SIV = /\b[A-HJ-NP-TV-Z]{2}[- ]?\d{3}[- ]?[A-HJ-NP-TV-Z]{2}\b/g;
const PLATE_FNI = /\b\d{1,4}[ ]?[A-Z]{2,3}[ ]?(?:\d{2}|2A|2B|97[1-6])\b/g;
export function findIdentifiers(text) {
    return [
        ...spansOf(text, EMAIL, 'courriel'),
        ...findIbans(text),
        ...spansOf(text, EORI, 'eori'),
        ...spansOf(text, SIRET, 'siret'),
        ...spansOf(text, SIREN, 'siren'),
        ...spansOf(text, PLATE_SIV, 'immatriculation'),
        ...spansOf(text, PLATE_FNI, 'immatriculation'),
    ];
}
/**
 * An IBAN-shaped string is an IBAN when its check digits are right (the longest such prefix, as the shape may
 * run into a following code), or when it is announced (« IBAN », « RIB », « compte »…) or laid out in groups
 * of four: a mistyped IBAN is still one. A bare, unchecked run of digits after a country code is left to EORI.
 */
function findIbans(text) {
    const spans = [];
    for (const match of text.matchAll(IBAN_SHAPE)) {
        const start = match.index;
        const valid = longestValidIban(match[0]);
        if (valid > 0)
            spans.push({ kind: 'iban', start, end: start + valid });
        else if (IBAN_CUE.test(text.slice(Math.max(0, start - 40), start)) || /^\S{4}(?: \S{4}){3,}/.test(match[0])) {
            spans.push({ kind: 'iban', start, end: start + match[0].length });
        }
    }
    return spans;
}
/** Length of the longest prefix of `candidate`, whole groups only, that is a valid IBAN; 0 if none. */
function longestValidIban(candidate) {
    let current = candidate;
    while (current.replace(/ /g, '').length >= 15) {
        if (hasValidCheckDigits(current.replace(/ /g, '')))
            return current.length;
        const cut = current.lastIndexOf(' ');
        if (cut < 0)
            return 0;
        current = current.slice(0, cut);
    }
    return 0;
}
/** ISO 13616: move the first four characters to the end, letters to numbers (A = 10), the whole mod 97 is 1. */
export function hasValidCheckDigits(iban) {
    const rearranged = `${iban.slice(4)}${iban.slice(0, 4)}`.toUpperCase();
    let remainder = 0;
    for (const char of rearranged) {
        const value = char >= 'A' && char <= 'Z' ? char.charCodeAt(0) - 55 : Number(char);
        if (Number.isNaN(value))
            return false;
        remainder = Number(`${remainder}${value}`) % 97;
    }
    return remainder === 1;
}
