/**
 * The contract between `bench/run.ts` and a benchmark part. A part is one module whose `run` measures one
 * area (knowledge, bot, workers…) and returns figures; it runs alone in a fresh child process so that its
 * peak RSS is its own. Targets live here, never as timed assertions in tests.
 */

/** PASS when the value is strictly below `below`, or at least `atLeast`. */
export type Target = { below: number } | { atLeast: number };

export interface Figure {
  /** Stable key ("ingest.catalogue.wall"): runs are merged on it and results files diffed by it. */
  key: string;
  /** What was measured, for the table. */
  label: string;
  /** Null when the figure could not be measured on this machine (e.g. ../shared absent). */
  value: number | null;
  /** Unit shown after the value: "s", "ms", "MB", "" for counts and ratios. */
  unit: string;
  /** Decimals shown. Default 0. */
  digits?: number;
  target?: Target;
}

export interface PartReport {
  figures: Figure[];
  /** Facts worth reading beside the figures (mode, skipped files, profile summaries). */
  notes: string[];
  /** Machine-readable extras written to the results file (per-question ranks, profiles…). */
  details?: Record<string, unknown>;
}

export interface BenchContext {
  /** Project root. */
  root: string;
  /** Where the shared corpus and evaluation sets live (`<root>/../shared`); may be absent. */
  sharedDir: string;
  /** When true, the part records CPU profiles of its main phases (timings are then not representative). */
  profile: boolean;
  /** Progress line on stderr. */
  log(message: string): void;
}

export interface BenchPartModule {
  run(context: BenchContext): Promise<PartReport>;
}

export type FigureStatus = 'PASS' | 'MISS' | '';

export function statusOf(value: number | null, target: Target | undefined): FigureStatus {
  if (!target || value === null) return '';
  if ('below' in target) return value < target.below ? 'PASS' : 'MISS';
  return value >= target.atLeast ? 'PASS' : 'MISS';
}

export function describeTarget(target: Target | undefined, unit: string): string {
  if (!target) return '';
  const suffix = unit ? ` ${unit}` : '';
  return 'below' in target ? `< ${target.below}${suffix}` : `≥ ${target.atLeast}${suffix}`;
}
