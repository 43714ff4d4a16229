/**
 * HTML written by templates: every interpolated value is escaped unless it is already `Html` (a fragment
 * built by this module). Arrays are joined. Nothing else produces markup in the console.
 */
export class Html {
    value;
    constructor(value) {
        this.value = value;
    }
    toString() {
        return this.value;
    }
}
export function escapeHtml(text) {
    return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}
function render(value) {
    if (value === null || value === undefined || value === false)
        return '';
    if (value instanceof Html)
        return value.value;
    if (Array.isArray(value))
        return value.map(render).join('');
    return escapeHtml(String(value));
}
export function html(strings, ...values) {
    let out = strings[0] ?? '';
    values.forEach((value, index) => {
        out += render(value) + (strings[index + 1] ?? '');
    });
    return new Html(out);
}
/** Markup that is already safe (sanitised channel previews). */
export function trusted(markup) {
    return new Html(markup);
}
/** `fr-FR` date and time in Paris. */
export function dateTime(iso) {
    if (!iso)
        return '—';
    return new Date(iso).toLocaleString('fr-FR', { timeZone: 'Europe/Paris', dateStyle: 'short', timeStyle: 'short' });
}
export function number(value, digits = 0) {
    return value.toLocaleString('fr-FR', { maximumFractionDigits: digits, minimumFractionDigits: digits });
}
