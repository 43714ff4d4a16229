import { fork } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { availableParallelism, cpus, release, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { describeTarget, statusOf, type Figure, type FigureStatus, type PartReport } from './bench-part.ts';
import type { PartMessage } from './part-process.ts';
import { PARTS, type BenchPartEntry } from './parts.ts';
import { median } from './statistics.ts';

/**
 * `npm run bench [-- <part>… ] [--runs N] [--profile] [--list]`: runs the selected parts (all by default),
 * each in a fresh Node process so that peak RSS is per part and parts do not disturb each other; with
 * `--runs N` each part runs N times and the table shows medians. Prints a table and writes
 * `bench/results/<part>.json` (`<part>.profile.json` with `--profile`, whose timings carry the profiler's
 * overhead). A missed target is printed, never an error: the exit code is 1 only when a part crashed.
 */

interface FigureResult extends Figure {
  samples: Array<number | null>;
  status: FigureStatus;
}

const USAGE = `usage: npm run bench [-- <part>…] [--runs N] [--profile] [--list]\nparts: ${PARTS.map((part) => part.name).join(', ')}\n`;
const RESULTS_DIR = new URL('./results/', import.meta.url);

const { values, positionals } = parseArgs({
  args: process.argv.slice(2),
  allowPositionals: true,
  options: {
    runs: { type: 'string', default: '1' },
    profile: { type: 'boolean', default: false },
    list: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
});

const runs = Number(values.runs);
const unknown = positionals.filter((name) => !PARTS.some((part) => part.name === name));
if (values.help || unknown.length > 0 || !Number.isInteger(runs) || runs < 1) {
  if (unknown.length > 0) process.stderr.write(`unknown part(s): ${unknown.join(', ')}\n`);
  process.stderr.write(USAGE);
  process.exit(values.help ? 0 : 2);
}
if (values.list) {
  for (const part of PARTS) process.stdout.write(`${part.name.padEnd(14)} ${part.description}\n`);
  process.exit(0);
}

const machine = {
  cpu: cpus()[0]?.model.trim() ?? 'unknown',
  cores: availableParallelism(),
  ramGb: Math.round((totalmem() / 2 ** 30) * 10) / 10,
  node: process.version,
  os: `${process.platform} ${release()}`,
};
const selected = positionals.length > 0 ? PARTS.filter((part) => positionals.includes(part.name)) : [...PARTS];
process.stdout.write(`Machine: ${machine.cpu}, ${machine.cores} cores, ${machine.ramGb} GB RAM, Node ${machine.node}\n`);

let failed = false;
for (const part of selected) {
  const reports: PartReport[] = [];
  for (let run = 1; run <= runs; run++) {
    process.stderr.write(`${part.name}: run ${run}/${runs}\n`);
    const message = await runPart(part, values.profile);
    if (message.report) reports.push(message.report);
    else {
      failed = true;
      process.stderr.write(`${part.name}: run ${run} failed\n${message.error ?? ''}\n`);
    }
  }
  const last = reports[reports.length - 1];
  if (!last) continue;
  const figures = mergeRuns(reports);
  process.stdout.write(formatTable(part, figures, reports.length));
  for (const note of last.notes) process.stdout.write(`  ${note}\n`);
  await mkdir(RESULTS_DIR, { recursive: true });
  const file = new URL(`${part.name}${values.profile ? '.profile' : ''}.json`, RESULTS_DIR);
  const result = { part: part.name, description: part.description, date: new Date().toISOString(), machine, runs: reports.length, profile: values.profile, figures, notes: last.notes, details: last.details ?? {} };
  await writeFile(file, `${JSON.stringify(result, null, 2)}\n`);
  process.stdout.write(`  → ${fileURLToPath(file)}\n\n`);
}
process.exitCode = failed ? 1 : 0;

function runPart(part: BenchPartEntry, profile: boolean): Promise<PartMessage> {
  return new Promise((resolveMessage) => {
    const child = fork(fileURLToPath(new URL('./part-process.ts', import.meta.url)), [part.name, ...(profile ? ['--profile'] : [])], {
      execArgv: ['--import', import.meta.resolve('tsx'), '--disable-warning=ExperimentalWarning'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    let received: PartMessage | undefined;
    child.on('message', (message) => (received = message as PartMessage));
    child.on('error', (error) => resolveMessage({ error: error.message }));
    child.on('exit', (code, signal) => resolveMessage(received ?? { error: `child exited (${signal ?? `code ${code}`}) without a report` }));
  });
}

function mergeRuns(reports: PartReport[]): FigureResult[] {
  const merged = new Map<string, FigureResult>();
  for (const report of reports) {
    for (const figure of report.figures) {
      const entry = merged.get(figure.key) ?? { ...figure, samples: [], status: '' as FigureStatus };
      entry.samples.push(figure.value);
      merged.set(figure.key, entry);
    }
  }
  for (const entry of merged.values()) {
    const measured = entry.samples.filter((value): value is number => value !== null);
    entry.value = measured.length === 0 ? null : median(measured);
    entry.status = statusOf(entry.value, entry.target);
  }
  return [...merged.values()];
}

function formatTable(part: BenchPartEntry, figures: FigureResult[], count: number): string {
  const show = (value: number | null, figure: Figure) => (value === null ? 'n/a' : `${value.toFixed(figure.digits ?? 0)}${figure.unit ? ` ${figure.unit}` : ''}`);
  const rows = figures.map((figure) => {
    const measured = figure.samples.filter((value): value is number => value !== null);
    const spread = count > 1 && measured.length > 1 ? `${show(Math.min(...measured), figure)} … ${show(Math.max(...measured), figure)}` : '';
    return [figure.label, show(figure.value, figure), describeTarget(figure.target, figure.unit), figure.status, spread];
  });
  const header = ['figure', count > 1 ? `median of ${count}` : 'value', 'target', 'status', count > 1 ? 'range' : ''];
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)));
  const line = (cells: string[]) => `  ${cells.map((cell, column) => (column === 1 ? cell.padStart(widths[column] ?? 0) : cell.padEnd(widths[column] ?? 0))).join('  ').trimEnd()}\n`;
  return `\n${part.name} — ${part.description}\n${line(header)}${line(widths.map((width) => '-'.repeat(width)))}${rows.map(line).join('')}`;
}
