import { resolveInForceDate } from '../../knowledge/stores/validity.ts';
import { isIsoDay } from '../../knowledge/versions/question-dates.ts';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { CliContext } from '../cli-context.ts';
import { closest } from '../suggest.ts';

export interface Command {
  run(args: string[], context: CliContext): Promise<number>;
}

export class UsageError extends Error {}

/**
 * Parses flags strictly; unknown flags or missing values become a UsageError (exit 2) in French, with the
 * closest known option offered for a mistyped one. Node's own (English) messages never reach the user.
 */
export function parseCommandArgs<T extends NonNullable<ParseArgsConfig['options']>>(args: string[], options: T) {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError(parseErrorInFrench(error as Error & { code?: string }, Object.keys(options)));
  }
}

function parseErrorInFrench(error: Error & { code?: string }, known: string[]): string {
  const option = /'(-{1,2}[^' <]+)/.exec(error.message)?.[1] ?? '';
  const list = known.length > 0 ? known.map((name) => `--${name}`).join(', ') : 'aucune';
  if (error.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    const suggestion = closest(option.replace(/^-+/, '').replace(/=.*$/, ''), known);
    return suggestion
      ? `Option inconnue « ${option} ». Vouliez-vous dire « --${suggestion} » ?`
      : `Option inconnue « ${option} ». Options de cette commande : ${list}.`;
  }
  if (error.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    if (/does not take an argument/.test(error.message)) return `L’option « ${option} » ne prend pas de valeur.`;
    return `L’option « ${option} » attend une valeur (par exemple « ${option} <valeur> »).`;
  }
  if (error.code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') return 'Cette commande ne prend pas d’argument.';
  return `Arguments invalides. Options de cette commande : ${list}.`;
}

export function positiveInteger(value: string | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed <= 0 || parsed > 1000) throw new UsageError(`--${name} attend un entier entre 1 et 1000`);
  return parsed;
}

/**
 * The day passages must be in force: `--date YYYY-MM-DD` when given (checked), else the configured setting
 * (`retrieval.inForceAt`: an ISO date, "today" or "none").
 */
export function inForceDate(value: string | undefined, setting: string, now: Date = new Date()): string | undefined {
  if (value === undefined) return resolveInForceDate(setting, now);
  if (!isIsoDay(value)) throw new UsageError(`--date attend une date réelle au format AAAA-MM-JJ (reçu « ${value} »)`);
  return value;
}
