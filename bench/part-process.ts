import { availableParallelism, loadavg } from 'node:os';
import { resolve } from 'node:path';
import { PROJECT_ROOT } from '../config/load-config.ts';
import type { BenchContext, PartReport } from './bench-part.ts';
import { PARTS } from './parts.ts';
import { peakRssMegabytes, since } from './statistics.ts';

/**
 * Child-process entry of one benchmark part, forked by `bench/run.ts`: `part-process.ts <part> [--profile]`.
 * Runs the part, adds the process-wide figures (wall time, peak RSS) and sends the report over IPC.
 */

export interface PartMessage {
  report?: PartReport;
  error?: string;
}

const [name, ...flags] = process.argv.slice(2);
const entry = PARTS.find((part) => part.name === name);
const send = (message: PartMessage) => new Promise<void>((done) => (process.send ? process.send(message, undefined, {}, () => done()) : done()));

try {
  if (!entry) throw new Error(`unknown part « ${name ?? ''} »`);
  const context: BenchContext = {
    root: PROJECT_ROOT,
    sharedDir: resolve(PROJECT_ROOT, '../shared'),
    profile: flags.includes('--profile'),
    log: (message) => process.stderr.write(`  [${entry.name}] ${message}\n`),
  };
  const started = performance.now();
  const load = loadavg()[0] ?? 0;
  const module = await entry.load();
  const report = await module.run(context);
  report.figures.push(
    { key: 'process.wall', label: 'Whole part, wall time', value: since(started) / 1000, unit: 's', digits: 1 },
    { key: 'process.peak_rss', label: 'Whole part, peak RSS (maxRSS)', value: peakRssMegabytes(), unit: 'MB' },
    { key: 'process.load', label: `Load average (1 min) at start; above ${availableParallelism()} = contended`, value: load, unit: '', digits: 1 },
  );
  await send({ report });
} catch (error) {
  await send({ error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  process.exitCode = 1;
}
if (process.connected) process.disconnect();
