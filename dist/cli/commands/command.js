import { parseArgs } from 'node:util';
export class UsageError extends Error {
}
/** Parses flags strictly; unknown flags or missing values become a UsageError (exit 2). */
export function parseCommandArgs(args, options) {
    try {
        return parseArgs({ args, options, allowPositionals: true, strict: true });
    }
    catch (error) {
        throw new UsageError(error.message);
    }
}
export function positiveInteger(value, fallback, name) {
    if (value === undefined)
        return fallback;
    const parsed = Number(value);
    if (!Number.isInteger(parsed) || parsed <= 0 || parsed > 1000)
        throw new UsageError(`--${name} attend un entier entre 1 et 1000`);
    return parsed;
}
