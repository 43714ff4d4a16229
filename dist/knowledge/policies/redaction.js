import { foldText } from "../analysis/normalise.js";
import { findPersonalData } from "./personal-data/find-personal-data.js";
import { KIND_LABELS, KIND_TAGS, PERSONAL_DATA_KINDS } from "./personal-data/kinds.js";
/**
 * Replaces personal data by placeholders. Pass the mapping of an earlier text of the same request (the
 * question before the history turns, say) to keep one placeholder per value across texts.
 */
export function redactPersonalData(text, previous = {}) {
    const mapping = { ...previous };
    const redacted = [];
    let result = '';
    let cursor = 0;
    for (const span of findPersonalData(text)) {
        const value = text.slice(span.start, span.end);
        result += text.slice(cursor, span.start) + placeholderFor(span.kind, value, mapping);
        redacted.push(KIND_LABELS[span.kind]);
        cursor = span.end;
    }
    return { text: result + text.slice(cursor), redacted, mapping };
}
/** The text with personal data removed altogether (for measuring how well passages cover a question). */
export function withoutPersonalData(text) {
    let result = '';
    let cursor = 0;
    for (const span of findPersonalData(text)) {
        result += `${text.slice(cursor, span.start)} `;
        cursor = span.end;
    }
    return result + text.slice(cursor);
}
const PLACEHOLDER = new RegExp(`\\[\\s*(${PERSONAL_DATA_KINDS.map((kind) => KIND_TAGS[kind]).join('|')})_(\\d+)\\s*\\]`, 'gi');
/** Puts the values back in place of the placeholders of `mapping` (case and spaces inside brackets forgiven). */
export function restore(text, mapping) {
    return text.replace(PLACEHOLDER, (placeholder, tag, number) => mapping[`[${tag.toUpperCase()}_${number}]`] ?? placeholder);
}
function placeholderFor(kind, value, mapping) {
    const prefix = `[${KIND_TAGS[kind]}_`;
    const same = Object.keys(mapping).filter((placeholder) => placeholder.startsWith(prefix));
    const key = identity(kind, value);
    const existing = same.find((placeholder) => identity(kind, mapping[placeholder]) === key) ??
        (kind === 'personne' ? samePerson(key, same.map((placeholder) => [placeholder, identity(kind, mapping[placeholder])])) : undefined);
    if (existing)
        return existing;
    const placeholder = `${prefix}${same.length + 1}]`;
    mapping[placeholder] = value;
    return placeholder;
}
/** What makes two wordings the same value: case, accents and layout ignored; `+33 6…` is `06…`. */
function identity(kind, value) {
    const folded = foldText(value);
    if (kind === 'telephone')
        return folded.replace(/\D/g, '').replace(/^(?:0033|33)0?(?=[1-9]\d{8}$)/, '0');
    if (kind === 'personne')
        return folded.replace(/[^\p{L}\s-]/gu, '').replace(/\s+/g, ' ').trim();
    return folded.replace(/[^\p{L}\p{N}@.]/gu, '');
}
/** A one-word name that is a word of exactly one known full name (`Dupont` after `Jean Dupont`), or the reverse. */
function samePerson(key, known) {
    const words = key.split(/[\s-]+/);
    const matches = known.filter(([, other]) => {
        const otherWords = other.split(/[\s-]+/);
        return (words.length === 1 && otherWords.length > 1 && otherWords.includes(words[0])) || (otherWords.length === 1 && words.length > 1 && words.includes(otherWords[0]));
    });
    return matches.length === 1 ? matches[0][0] : undefined;
}
