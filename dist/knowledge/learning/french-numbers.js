import { foldText } from "../analysis/normalise.js";
/**
 * French cardinal numbers written out, both ways, for the quiz: quantities in the codes are written in words
 * ("trois ans", "quarante-cinq jours") and agents answer in digits or words. Covers 0–999, the range of
 * durations, counts and rates in the texts (amounts in digits are read as digits).
 */
const UNITS = ['zéro', 'un', 'deux', 'trois', 'quatre', 'cinq', 'six', 'sept', 'huit', 'neuf', 'dix', 'onze', 'douze', 'treize', 'quatorze', 'quinze', 'seize'];
const TENS = { 20: 'vingt', 30: 'trente', 40: 'quarante', 50: 'cinquante', 60: 'soixante' };
/** The French words for 0–999 ("vingt et un", "soixante-dix", "quatre-vingts", "deux cents"). */
export function numberToWords(value) {
    if (!Number.isInteger(value) || value < 0 || value > 999)
        return undefined;
    if (value < 17)
        return UNITS[value];
    if (value < 100)
        return belowHundred(value);
    const hundreds = Math.floor(value / 100);
    const rest = value % 100;
    const head = hundreds === 1 ? 'cent' : `${UNITS[hundreds]} cent${rest === 0 ? 's' : ''}`;
    return rest === 0 ? head : `${head} ${value % 100 < 17 ? UNITS[rest] : belowHundred(rest)}`;
}
function belowHundred(value) {
    if (value < 17)
        return UNITS[value];
    if (value < 20)
        return `dix-${UNITS[value - 10]}`;
    if (value >= 80) {
        const rest = value - 80;
        return rest === 0 ? 'quatre-vingts' : `quatre-vingt-${belowHundred(rest)}`;
    }
    const base = value >= 60 ? 60 : Math.floor(value / 10) * 10;
    const rest = value - base;
    if (rest === 0)
        return TENS[base];
    if (rest === 1 || rest === 11)
        return `${TENS[base]} et ${belowHundred(rest)}`;
    return `${TENS[base]}-${belowHundred(rest)}`;
}
const WORD_VALUES = new Map([
    ...UNITS.map((word, index) => [foldText(word), index]),
    ['une', 1],
    ['dix-sept', 17], ['dix-huit', 18], ['dix-neuf', 19],
    ...Object.entries(TENS).map(([value, word]) => [word, Number(value)]),
    ['cent', 100], ['cents', 100], ['quatre-vingt', 80], ['quatre-vingts', 80],
]);
/** The value of a number written in digits ("3", "1 500", "0,5") or in French words ("trois", "vingt et un"). */
export function parseFrenchNumber(text) {
    const folded = foldText(text).trim();
    if (/^\d{1,3}(?:[ .]\d{3})*(?:,\d+)?$|^\d+(?:,\d+)?$/.test(folded))
        return Number(folded.replace(/[ .](?=\d{3}\b)/g, '').replace(',', '.'));
    const words = folded.replace(/\bet\b/g, ' ').replace(/-/g, ' ').split(/\s+/).filter(Boolean);
    if (words.length === 0)
        return undefined;
    let total = 0;
    let current = 0;
    for (let i = 0; i < words.length; i++) {
        const word = words[i];
        if (word === 'quatre' && (words[i + 1] === 'vingt' || words[i + 1] === 'vingts')) {
            current += 80;
            i += 1;
            continue;
        }
        if (word === 'cent' || word === 'cents') {
            current = (current === 0 ? 1 : current) * 100;
            continue;
        }
        if (word === 'mille') {
            total += (current === 0 ? 1 : current) * 1000;
            current = 0;
            continue;
        }
        const value = WORD_VALUES.get(word);
        if (value === undefined)
            return undefined;
        current += value;
    }
    return total + current;
}
/** A number word or digits, as a regular-expression source (folded text), for spans like "trois ans". */
export const NUMBER_WORDS_SOURCE = '(?:(?:\\d{1,3}(?: \\d{3})+|\\d+)(?:,\\d+)?|(?:(?:vingt|trente|quarante|cinquante|soixante|quatre-vingts?|cent|cents|mille|zero|un|une|deux|trois|quatre|cinq|six|sept|huit|neuf|dix|onze|douze|treize|quatorze|quinze|seize)(?:(?:-| et | )(?:vingt|trente|quarante|cinquante|soixante|quatre-vingts?|cents?|mille|un|une|deux|trois|quatre|cinq|six|sept|huit|neuf|dix|onze|douze|treize|quatorze|quinze|seize))*))';
