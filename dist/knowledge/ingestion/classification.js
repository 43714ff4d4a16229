import { PasserelleError } from "../../bots/errors.js";
import { foldText } from "../analysis/normalise.js";
import { CLASSIFICATIONS } from "../types.js";
/**
 * Reads a document's classification: an explicit label (front matter, JSONL field, HTML meta) wins, then a
 * marking banner in the first lines ("INTERDIT IA", "DIFFUSION RESTREINTE", a line "Classification : interne"),
 * then the source's default.
 *
 * A label that is given but unknown (`confidentiel`, `secret`, a typo) is an ingestion error naming the known
 * labels (CLASSIFICATION_UNKNOWN): guessing — the default, often `interne` — could put a document above a
 * base's ceiling or in front of a model not cleared for it.
 */
const BANNER_WINDOW = 600;
/** A marking line: « Classification : <one to four words> » alone on its line (not « classification : position 2203 »). */
const BANNER_LINE = /^[ \t>*#_-]*classification\s*:\s*([a-z][a-z' _-]{0,40}?)[ \t*_.]*$/m;
export function parseClassificationLabel(value) {
    if (typeof value !== 'string')
        return undefined;
    const folded = foldText(value).trim().replace(/[\s_']+/g, '-');
    if (/^interdit-?(a-l-)?ia$|^interdit-(a-l-)?intelligence-artificielle$/.test(folded))
        return 'interdit-ia';
    return CLASSIFICATIONS.find((label) => label === folded);
}
/** The label of a banner in the head of the text; throws CLASSIFICATION_UNKNOWN for a « Classification : » line with an unknown label. */
export function classificationFromBanner(text) {
    const head = foldText(text.slice(0, BANNER_WINDOW));
    if (/interdit[\s-]*(?:a l'|aux? |pour l'|pour les )?(?:ia\b|intelligence artificielle)/.test(head))
        return 'interdit-ia';
    const line = BANNER_LINE.exec(head);
    if (line?.[1] && line[1].trim().split(/\s+/).length <= 4)
        return knownLabel(line[1].trim());
    if (/diffusion restreinte/.test(head))
        return 'diffusion-restreinte';
    return undefined;
}
export function resolveClassification(explicit, text, fallback) {
    if (!isAbsent(explicit))
        return knownLabel(explicit);
    return classificationFromBanner(text) ?? fallback;
}
function knownLabel(value) {
    const label = parseClassificationLabel(value);
    if (label)
        return label;
    const shown = typeof value === 'string' ? value.trim() : JSON.stringify(value);
    throw new PasserelleError('CLASSIFICATION_UNKNOWN', { label: shown, known: CLASSIFICATIONS.join(', ') });
}
function isAbsent(value) {
    return value === undefined || value === null || (typeof value === 'string' && value.trim() === '');
}
