import { fork } from 'node:child_process';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { fileURLToPath } from 'node:url';
import { createCliContext } from '../cli/cli-context.ts';
import { lexicalFilePath } from '../knowledge/stores/embedded/lexical-file.ts';
import type { BenchContext, PartReport } from './bench-part.ts';
import { since } from './statistics.ts';

/**
 * Footprint of a serve replica on a large base: the legal base replicated 16 times (every article again
 * with a renumbered id and number) is ingested once into the embedded store; then fresh processes, each
 * like a replica starting, report the time from ready (modules loaded) to the first search and to the first
 * answer — wall time and the process's CPU time (load-independent) — and their memory. Measured three times:
 * with the lexical index file the ingestion wrote next to the store, with SQLite's copy only (file removed),
 * and with neither (every process rebuilds the index from the rows, the first behaviour). The machine's load average is reported with the figures.
 */

const REPLICAS = 16;

const CHILD = fileURLToPath(new URL('./footprint-child.ts', import.meta.url));

export interface ChildReport {
  mode: 'search' | 'answer';
  /** Wall time from ready (modules loaded) to the first search or answer. */
  elapsedMs: number;
  /** CPU time (user + system) of the process meanwhile: independent of the machine's load. */
  cpuMs: number;
  rssMb: number;
  heapMb: number;
  peakRssMb: number;
  answered: boolean;
}

export async function run(context: BenchContext): Promise<PartReport> {
  const report: Required<PartReport> = { figures: [], notes: [], details: {} };
  const sources = ['code_douanes.jsonl', 'code_impositions_biens_services.jsonl'].map((file) => join(context.sharedDir, 'corpus', file));
  let records: Array<Record<string, unknown>>;
  try {
    records = sources.flatMap((file) => readFileSync(file, 'utf8').split('\n').filter((line) => line.trim()).map((line) => JSON.parse(line) as Record<string, unknown>));
  } catch {
    report.notes.push('../shared/corpus absent: footprint not measured');
    return report;
  }
  const dataDir = await mkdtemp(join(tmpdir(), 'passerelle-bench-footprint-'));
  try {
    const corpus = join(dataDir, 'legal-x16.jsonl');
    const lines: string[] = [];
    for (let copy = 0; copy < REPLICAS; copy++) {
      for (const record of records) {
        lines.push(JSON.stringify(copy === 0 ? record : { ...record, id: `${String(record.id)}-x${copy}`, num: `${String(record.num ?? '')}-x${copy}` }));
      }
    }
    await writeFile(corpus, `${lines.join('\n')}\n`);
    const env = { PASSERELLE_DATA_DIR: join(dataDir, 'data'), PASSERELLE_LOG_LEVEL: 'warn', PASSERELLE_ENRICHMENT: 'off' };
    context.log(`ingesting the legal base ×${REPLICAS} (${lines.length} articles)`);
    const cli = createCliContext({ out: () => {}, err: () => {}, env });
    const knowledge = await cli.knowledge({ create: true });
    const started = performance.now();
    const ingested = await knowledge.ingestion.ingest({ kb: 'legal', ceiling: 'diffusion-restreinte' }, [corpus], { defaultClassification: 'public' });
    await knowledge.statistics.of('legal'); // as `passerelle ingest` does: the corpus statistics kept with the base
    const ingestSeconds = since(started) / 1000;
    await cli.close();
    report.figures.push(
      { key: 'footprint.articles', label: `Legal base ×${REPLICAS}: articles / chunks`, value: lines.length, unit: '' },
      { key: 'footprint.chunks', label: `Legal base ×${REPLICAS}: chunks indexed`, value: ingested.chunks, unit: '' },
      { key: 'footprint.ingest', label: 'Ingestion, wall time (index and corpus statistics persisted at the end)', value: ingestSeconds, unit: 's', digits: 1 },
    );
    const db = new DatabaseSync(join(dataDir, 'data', 'knowledge.sqlite'));
    const snapshot = db.prepare("SELECT length(data) AS bytes FROM lexical_snapshots WHERE kb = 'legal'").get() as { bytes: number } | undefined;
    report.figures.push({ key: 'footprint.snapshot', label: 'Persisted lexical index (legal ×16)', value: (snapshot?.bytes ?? 0) / 1e6, unit: 'MB', digits: 1 });
    const indexFile = lexicalFilePath(join(dataDir, 'data', 'knowledge.sqlite'), 'legal');
    report.figures.push({ key: 'footprint.index_file', label: 'Lexical index file next to the store (legal ×16)', value: (await stat(indexFile)).size / 1e6, unit: 'MB', digits: 1 });
    const measure = async (label: string, mode: ChildReport['mode']): Promise<ChildReport> => {
      context.log(`replica start, ${label}, first ${mode}`);
      return new Promise((resolve, reject) => {
        const child = fork(CHILD, [mode], { env: { ...process.env, ...env }, execArgv: ['--import', 'tsx', '--disable-warning=ExperimentalWarning'], stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
        child.once('message', (message) => resolve(message as ChildReport));
        child.once('exit', (code) => (code === 0 ? undefined : reject(new Error(`footprint child exited with ${code}`))));
      });
    };
    const loadBefore = loadavg()[0] ?? 0;
    await measure('warm-up (compiles the modules once)', 'answer');
    const persisted = { search: await measure('index file', 'search'), answer: await measure('index file', 'answer') };
    // Without the file, the SQLite copy (the previous round); reading it writes the file again: removed before each.
    const withoutFile = async (mode: ChildReport['mode']) => {
      await rm(indexFile, { force: true });
      return measure('index in SQLite only', mode);
    };
    const inSqlite = { search: await withoutFile('search'), answer: await withoutFile('answer') };
    db.exec('DELETE FROM lexical_snapshots; DELETE FROM derived_snapshots');
    db.close();
    const rebuilt = { search: await withoutFile('search'), answer: await withoutFile('answer') };
    const loadAfter = loadavg()[0] ?? 0;
    report.notes.push(`1-min load average ${loadBefore.toFixed(1)} before the replicas' measures, ${loadAfter.toFixed(1)} after (2 cores): wall times grow with it, CPU times do not`);
    for (const [key, label, result] of [
      ['persisted', 'index file and statistics persisted', persisted],
      ['sqlite', 'index read from SQLite (no file), statistics persisted', inSqlite],
      ['rebuilt', 'both rebuilt from the rows', rebuilt],
    ] as const) {
      const target = key === 'persisted' ? { target: { below: 1_000 } } : {};
      report.figures.push(
        { key: `footprint.${key}.first_search`, label: `Replica ready → store open and first search, wall, ${label}`, value: result.search.elapsedMs, unit: 'ms' },
        { key: `footprint.${key}.first_search_cpu`, label: `Replica ready → store open and first search, CPU, ${label}`, value: result.search.cpuMs, unit: 'ms' },
        { key: `footprint.${key}.first_answer`, label: `Replica ready → first answer (config, store, routing, speller, search, answer), wall, ${label}`, value: result.answer.elapsedMs, unit: 'ms', ...target },
        { key: `footprint.${key}.first_answer_cpu`, label: `Replica ready → first answer, CPU, ${label}`, value: result.answer.cpuMs, unit: 'ms', ...target },
        { key: `footprint.${key}.rss`, label: `Replica RSS after the first answer, ${label}`, value: result.answer.rssMb, unit: 'MB' },
        { key: `footprint.${key}.peak_rss`, label: `Replica peak RSS, ${label}`, value: result.answer.peakRssMb, unit: 'MB' },
        { key: `footprint.${key}.heap`, label: `Replica JS heap + buffers after a GC, ${label}`, value: result.answer.heapMb, unit: 'MB' },
      );
      if (!result.answer.answered) report.notes.push(`${label}: the question was not answered (abstention)`);
    }
    report.details = { persisted, rebuilt };
    return report;
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
}
