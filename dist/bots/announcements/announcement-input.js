import { PasserelleError } from "../errors.js";
import * as say from "./messages.js";
/** Checks of what an admin submits, shared by the chat command, the admin API and the CLI. */
/** Longest time ahead an announcement may be scheduled. */
const MAX_AHEAD_MS = 366 * 86_400_000;
/** Full ISO 8601 date, or date and time with an optional offset (without one: the server's local time). */
const ISO = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,3})?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;
/** The message, trimmed; refuses an empty one (no letter nor digit) or one over `maxChars`. */
export function checkMarkdown(markdown, maxChars) {
    const text = typeof markdown === 'string' ? markdown.trim() : '';
    if (!/[\p{L}\p{N}]/u.test(text))
        throw new PasserelleError('ANNOUNCEMENT_EMPTY');
    if (text.length > maxChars)
        throw new PasserelleError('ANNOUNCEMENT_TOO_LONG', { length: text.length.toLocaleString('fr-FR'), max: maxChars.toLocaleString('fr-FR') });
    return text;
}
/** The schedule as canonical ISO, or undefined for "now"; refuses an unreadable, past or too distant date. */
export function checkSchedule(at, now) {
    if (at === undefined || at === null || at === '')
        return undefined;
    const text = typeof at === 'string' ? at.trim() : '';
    const ms = ISO.test(text) ? Date.parse(text.replace(' ', 'T')) : Number.NaN;
    if (Number.isNaN(ms)) {
        throw new PasserelleError('SCHEDULE_INVALID', { value: String(at).slice(0, 60) });
    }
    if (ms <= now.getTime())
        throw new PasserelleError('SCHEDULE_PAST', { date: say.formatDate(new Date(ms).toISOString()) });
    if (ms - now.getTime() > MAX_AHEAD_MS)
        throw new PasserelleError('SCHEDULE_TOO_FAR');
    return new Date(ms).toISOString();
}
