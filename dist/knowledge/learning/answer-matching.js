import { analyse } from "../analysis/french-analyser.js";
import { foldText } from "../analysis/normalise.js";
import { quantityOf } from "./quiz-generator.js";
export function readAnswer(text, choices) {
    const trimmed = text.trim().replace(/[\s.!)]+$/u, '');
    const number = /^(?:(?:r[ée]ponse|choix|n°)\s*)?(\d{1,2})$/iu.exec(trimmed);
    if (number) {
        const index = Number(number[1]) - 1;
        if (index >= 0 && index < choices.length)
            return { kind: 'choice', index };
    }
    const letter = /^(?:(?:r[ée]ponse|choix)\s*)?([a-z])$/iu.exec(trimmed);
    if (letter) {
        const index = letter[1].toLowerCase().charCodeAt(0) - 97;
        if (index >= 0 && index < choices.length)
            return { kind: 'choice', index };
    }
    const matching = choices.map((choice, index) => ({ index, match: sameAnswer(trimmed, choice) })).filter((entry) => entry.match);
    return matching.length === 1 ? { kind: 'choice', index: matching[0].index } : { kind: 'other', text: trimmed };
}
/** Whether free text says the same as a choice. */
export function sameAnswer(answer, choice) {
    const a = plain(answer);
    const b = plain(choice);
    if (a === '' || b === '')
        return false;
    if (a === b)
        return true;
    const quantities = [quantityOf(a), quantityOf(b)];
    if (quantities[0] && quantities[1])
        return quantities[0].value === quantities[1].value && quantities[0].unit === quantities[1].unit;
    if (quantities[0] || quantities[1])
        return false;
    const [termsA, termsB] = [analyse(a).terms, analyse(b).terms];
    if (termsA.length > 0 && termsA.length === termsB.length && termsA.every((term, index) => term === termsB[index]))
        return true;
    const allowed = b.length >= 10 ? 2 : b.length >= 5 ? 1 : 0;
    return allowed > 0 && editDistance(a, b, allowed) <= allowed;
}
/** Folded, without leading articles, punctuation or extra spaces. */
function plain(text) {
    return foldText(text)
        .replace(/[«»"“”.,;:!?()]/g, ' ')
        .replace(/^\s*(?:(?:le|la|les|un|une|des|du|de)\s+|l'|d')/, '')
        .replace(/\s+/g, ' ')
        .trim();
}
/** Levenshtein distance, stopping early above `limit`. */
function editDistance(a, b, limit) {
    if (Math.abs(a.length - b.length) > limit)
        return limit + 1;
    let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
    for (let i = 1; i <= a.length; i++) {
        const current = [i];
        let best = i;
        for (let j = 1; j <= b.length; j++) {
            const value = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
            current.push(value);
            best = Math.min(best, value);
        }
        if (best > limit)
            return limit + 1;
        previous = current;
    }
    return previous[b.length];
}
