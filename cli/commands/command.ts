import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { CliContext } from '../cli-context.ts';

export interface Command {
  run(args: string[], context: CliContext): Promise<number>;
}

export class UsageError extends Error {}

/** Parses flags strictly; unknown flags or missing values become a UsageError (exit 2). */
export function parseCommandArgs<T extends NonNullable<ParseArgsConfig['options']>>(args: string[], options: T) {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

export function positiveInteger(value: string | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed <= 0 || parsed > 1000) throw new UsageError(`--${name} attend un entier entre 1 et 1000`);
  return parsed;
}
