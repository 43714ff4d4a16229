import { spansOf } from "./kinds.js";
/**
 * Dates of birth: a date is one only after its cue — « né le », « née à Dakar le », « né(e) le : »,
 * « né en 1966 », « date de naissance : », « date naiss. », « DDN ». Any other date (of a law, a seizure, a
 * deadline) is left alone. The span is the date itself; the cue stays.
 */
const MONTHS = 'janvier|f[ée]vrier|mars|avril|mai|juin|juillet|ao[uû]t|septembre|octobre|novembre|d[ée]cembre';
const DATE = `(?:\\d{1,2}[/.-]\\d{1,2}[/.-](?:\\d{4}|\\d{2})|\\d{4}-\\d{2}-\\d{2}|(?:1er|\\d{1,2})\\s+(?:${MONTHS})\\s+\\d{4})(?!\\d)`;
const BORN = 'n[ée]e?s?(?:\\s*\\(e\\))?';
const PATTERNS = [
    new RegExp(`\\b${BORN}\\s+le\\s*:?\\s*(?<value>${DATE})`, 'gid'),
    new RegExp(`\\b${BORN}\\s+(?:à|a|au|en)\\s+[^,.;:\\n\\d]{1,40}?\\s+le\\s+(?<value>${DATE})`, 'gid'),
    new RegExp(`\\b${BORN}\\s+en\\s+(?<value>(?:19|20)\\d{2})\\b`, 'gid'),
    new RegExp(`(?:\\bdate\\s+(?:et\\s+lieu\\s+)?de\\s+naissance|\\bdate\\s+(?:de\\s+)?naiss\\.?|\\bDDN\\b)[^\\d\\n]{0,25}?(?<value>${DATE})`, 'gid'),
];
export function findBirthDates(text) {
    return PATTERNS.flatMap((pattern) => spansOf(text, pattern, 'date-naissance'));
}
