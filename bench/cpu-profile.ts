import { Session, type Profiler } from 'node:inspector/promises';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchContext, PartReport } from './bench-part.ts';

/**
 * CPU profile of one phase of a part (`npm run bench -- <part> --profile`), summarised in-process so the
 * results file says which functions the time went to: by self time (where the CPU actually was) and by
 * inclusive time over project functions (which step of ours it was under).
 */

type CallFrame = Profiler.ProfileNode['callFrame'];

export interface ProfileLine {
  /** "functionName file:line", file relative to the project root. */
  name: string;
  ms: number;
  /** Share of the phase's sampled time, 0–1. */
  share: number;
}

export interface ProfileSummary {
  totalMs: number;
  bySelf: ProfileLine[];
  /** Inclusive time of functions defined in the project (not node_modules, not Node internals). */
  byInclusive: ProfileLine[];
}

/** Runs `work`, under the profiler when the part was started with --profile; the summary goes to the report. */
export async function phase<T>(context: BenchContext, title: string, report: Required<PartReport>, work: () => Promise<T>): Promise<T> {
  if (!context.profile) return work();
  const { result, profile } = await profiled(context.root, work);
  report.notes.push(...formatProfile(title, profile));
  report.details[`profile:${title}`] = profile;
  return result;
}

export async function profiled<T>(root: string, work: () => Promise<T>, top = 15): Promise<{ result: T; profile: ProfileSummary }> {
  const session = new Session();
  session.connect();
  try {
    await session.post('Profiler.enable');
    await session.post('Profiler.setSamplingInterval', { interval: 200 });
    await session.post('Profiler.start');
    const result = await work();
    const { profile } = await session.post('Profiler.stop');
    return { result, profile: summarise(profile, root, top) };
  } finally {
    session.disconnect();
  }
}

export function formatProfile(title: string, profile: ProfileSummary, lines = 10): string[] {
  const row = (line: ProfileLine) => `  ${(line.share * 100).toFixed(1).padStart(5)} %  ${line.ms.toFixed(0).padStart(6)} ms  ${line.name}`;
  return [
    `${title} — CPU profile, ${profile.totalMs.toFixed(0)} ms sampled; top self time:`,
    ...profile.bySelf.slice(0, lines).map(row),
    `${title} — inclusive time of project functions:`,
    ...profile.byInclusive.slice(0, lines).map(row),
  ];
}

function summarise(profile: Profiler.Profile, root: string, top: number): ProfileSummary {
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const parents = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parents.set(child, node.id);
  const self = new Map<string, number>();
  const inclusive = new Map<string, number>();
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  let total = 0;
  samples.forEach((id, index) => {
    const delta = (deltas[index] ?? 0) / 1000;
    const node = nodes.get(id);
    if (!node) return;
    total += delta;
    const name = frameName(node.callFrame, root);
    self.set(name, (self.get(name) ?? 0) + delta);
    const seen = new Set<string>();
    for (let current: number | undefined = id; current !== undefined; current = parents.get(current)) {
      const frame = nodes.get(current)?.callFrame;
      if (!frame || !isProjectFrame(frame, root)) continue;
      const key = frameName(frame, root);
      if (seen.has(key)) continue;
      seen.add(key);
      inclusive.set(key, (inclusive.get(key) ?? 0) + delta);
    }
  });
  const ranked = (map: Map<string, number>) =>
    [...map.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, ms]) => ({ name, ms: round(ms), share: total === 0 ? 0 : round(ms / total, 4) }));
  return { totalMs: round(total), bySelf: ranked(self), byInclusive: ranked(inclusive) };
}

function frameName(frame: CallFrame, root: string): string {
  const name = frame.functionName || '(anonymous)';
  if (!frame.url) return name;
  // Modules transformed by tsx report line 0 for every function: the file name is what is known then.
  return `${name} ${displayUrl(frame.url, root)}${frame.lineNumber > 0 ? `:${frame.lineNumber + 1}` : ''}`;
}

function isProjectFrame(frame: CallFrame, root: string): boolean {
  return frame.url.startsWith('file://') && !frame.url.includes('/node_modules/') && fileURLToPath(frame.url).startsWith(root) && !frame.url.includes('/bench/');
}

function displayUrl(url: string, root: string): string {
  if (!url.startsWith('file://')) return url;
  const path = fileURLToPath(url);
  const inside = relative(root, path);
  return inside.startsWith('..') ? path : inside.replace(/^node_modules\//, '~/');
}

function round(value: number, digits = 1): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}
