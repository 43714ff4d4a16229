/** Validity dates as whole days since 1970-01-01, with sentinels for "unknown", shared by every store. */
export const UNKNOWN_START_DAY = -100_000_000;
export const UNKNOWN_END_DAY = 100_000_000;
export function isoToDay(date, fallback) {
    if (!date)
        return fallback;
    const time = Date.parse(`${date.slice(0, 10)}T00:00:00Z`);
    return Number.isNaN(time) ? fallback : Math.floor(time / 86_400_000);
}
/** The date the "in force" filter uses: an ISO date, "today", or "none". */
export function resolveInForceDate(setting, now = new Date()) {
    if (setting === 'none')
        return undefined;
    if (setting === 'today')
        return now.toISOString().slice(0, 10);
    return setting;
}
