/**
 * Shared vocabulary of the knowledge layer: classification labels, documents as loaded, chunks as indexed
 * and hits as returned. Every store and every loader speaks these types.
 */
/** Classification labels, from least to most sensitive. */
export const CLASSIFICATIONS = ['public', 'interne', 'diffusion-restreinte', 'interdit-ia'];
export function classificationRank(label) {
    return CLASSIFICATIONS.indexOf(label);
}
/** True when `label` may be handled by something cleared up to `ceiling`. */
export function isWithinCeiling(label, ceiling) {
    return classificationRank(label) <= classificationRank(ceiling);
}
