import { globToRegExp } from "../../knowledge/catalog.js";
/**
 * The console's roles: `admin` (everything), `curator` (bases, standard answers, feedback and the queue,
 * dashboards), `reader` (dashboards). Each page and action names the roles it needs.
 */
export const ROLES = ['admin', 'curator', 'reader'];
export const ROLE_LABELS = { admin: 'administrateur', curator: 'curateur', reader: 'lecteur' };
/** The areas of the console and who may enter them. */
export const AREAS = {
    overview: ['admin', 'curator', 'reader'],
    curation: ['admin', 'curator'],
    knowledge: ['admin', 'curator'],
    announcements: ['admin'],
    audit: ['admin'],
};
export function allowed(role, area) {
    return AREAS[area].includes(role);
}
/** The highest role whose rules match the claims, if any. */
export function roleFromClaims(claims, rules) {
    const matches = (rule) => {
        const separator = rule.indexOf('=');
        const names = separator > 0 ? [rule.slice(0, separator).trim()] : rules.defaultClaims;
        const pattern = globToRegExp((separator > 0 ? rule.slice(separator + 1) : rule).trim());
        return names.some((name) => valuesOf(claims[name]).some((value) => pattern.test(value)));
    };
    if (rules.admins.some(matches))
        return 'admin';
    if (rules.curators.some(matches))
        return 'curator';
    if (rules.readers.some(matches))
        return 'reader';
    return undefined;
}
function valuesOf(claim) {
    if (Array.isArray(claim))
        return claim.filter((value) => typeof value === 'string' || typeof value === 'number').map(String);
    return typeof claim === 'string' || typeof claim === 'number' || typeof claim === 'boolean' ? [String(claim)] : [];
}
