import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { BenchContext, Figure, PartReport } from './bench-part.ts';
import { median } from './statistics.ts';

/**
 * Start-up of the `passerelle` command, as an operator runs it (`node bin/passerelle.js`, a fresh process
 * each time): `ask` until its answer is printed and the process exits, `serve` (Teams endpoint, anonymous,
 * in-process queue) until GET /healthz answers 200. Three ways to run: the compiled JavaScript in dist/
 * (`npm run build`), the sources through tsx with its compile cache warm, and tsx cold (a fresh TMPDIR, as
 * on a first start). Wall times on a shared machine: read them with its load.
 */

const RUNS = 3;
const QUESTION = 'Les agents des douanes peuvent-ils visiter les marchandises ?';
const ARTICLES = [
  { id: 'CD-60', code: 'Code des douanes', num: '60', title_path: ['Titre II'], text: 'Pour l’application des dispositions du présent code et en vue de la recherche de la fraude, les agents des douanes peuvent procéder à la visite des marchandises et des moyens de transport et à celle des personnes.', valid_from: null, valid_to: null, source_url: 'https://www.legifrance.gouv.fr/codes/article_lc/CD-60' },
];

type Runtime = 'compiled' | 'tsx-warm' | 'tsx-cold';

export async function run(context: BenchContext): Promise<PartReport> {
  const { chooseRuntime } = (await import(join(context.root, 'bin', 'launcher.js'))) as { chooseRuntime(root: string, env?: Record<string, string | undefined>): string };
  const notes: string[] = [];
  const compiledReady = chooseRuntime(context.root, {}) === 'compiled';
  if (!compiledReady) notes.push('dist/ is missing or older than the sources: run `npm run build` first; compiled figures not measured');
  const work = mkdtempSync(join(tmpdir(), 'passerelle-startup-'));
  try {
    const corpus = join(work, 'code.jsonl');
    writeFileSync(corpus, `${ARTICLES.map((article) => JSON.stringify(article)).join('\n')}\n`);
    const baseEnv = { PASSERELLE_DATA_DIR: join(work, 'data'), PASSERELLE_LOG_LEVEL: 'warn' };
    context.log('startup: ingesting one article');
    await command(context.root, ['ingest', '--kb', 'legal', '--classification', 'public', corpus], { ...baseEnv, PASSERELLE_RUNTIME: 'tsx' });
    const figures: Figure[] = [];
    const runtimes: Runtime[] = compiledReady ? ['compiled', 'tsx-warm', 'tsx-cold'] : ['tsx-warm', 'tsx-cold'];
    for (const runtime of runtimes) {
      const asks: Measure[] = [];
      const serves: Measure[] = [];
      for (let index = 0; index < RUNS; index++) {
        const env = { ...baseEnv, ...runtimeEnv(runtime, work, index) };
        context.log(`startup: ${runtime} ask #${index + 1}`);
        asks.push(await command(context.root, ['ask', QUESTION], env));
        context.log(`startup: ${runtime} serve #${index + 1}`);
        serves.push(await serveUntilHealthy(context.root, { ...runtimeEnv(runtime, work, index + RUNS), ...baseEnv }));
      }
      const pick = (measures: Measure[], value: (measure: Measure) => number | undefined) => {
        const values = measures.map(value).filter((item): item is number => item !== undefined);
        return values.length > 0 ? median(values) : null;
      };
      figures.push({ key: `startup.${runtime}.ask.wall`, label: `ask, until the answer, wall (${runtime})`, value: pick(asks, (m) => m.wall), unit: 's', digits: 2 });
      figures.push({ key: `startup.${runtime}.ask.cpu`, label: `ask, CPU user+sys (${runtime})`, value: pick(asks, (m) => m.usage?.cpu), unit: 's', digits: 2 });
      figures.push({ key: `startup.${runtime}.ask.rss`, label: `ask, peak RSS (${runtime})`, value: pick(asks, (m) => m.usage?.rssMb), unit: 'MB' });
      figures.push({ key: `startup.${runtime}.serve.wall`, label: `serve, until healthy, wall (${runtime})`, value: pick(serves, (m) => m.wall), unit: 's', digits: 2 });
      figures.push({ key: `startup.${runtime}.serve.cpu`, label: `serve, CPU user+sys to exit (${runtime})`, value: pick(serves, (m) => m.usage?.cpu), unit: 's', digits: 2 });
      figures.push({ key: `startup.${runtime}.serve.rss`, label: `serve, peak RSS (${runtime})`, value: pick(serves, (m) => m.usage?.rssMb), unit: 'MB' });
    }
    notes.push(`median of ${RUNS} fresh processes per figure; tsx-cold: a fresh TMPDIR (tsx compile cache empty) for each process`);
    return { figures, notes };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

function runtimeEnv(runtime: Runtime, work: string, index: number): Record<string, string> {
  if (runtime === 'compiled') return {};
  if (runtime === 'tsx-warm') return { PASSERELLE_RUNTIME: 'tsx' };
  const fresh = join(work, `tmp-${index}-${Math.random().toString(36).slice(2)}`);
  return { PASSERELLE_RUNTIME: 'tsx', TMPDIR: fresh };
}

/** What a child reports on exit (NODE_OPTIONS import): CPU seconds (user + system) and peak RSS, MB. */
interface Usage {
  cpu: number;
  rssMb: number;
}

let reports = 0;

function spawnCli(root: string, args: string[], env: Record<string, string>) {
  if (env.TMPDIR) mkdirSync(env.TMPDIR, { recursive: true });
  const report = join(tmpdir(), `passerelle-startup-usage-${process.pid}-${++reports}.json`);
  const reporter = join(tmpdir(), `passerelle-startup-reporter-${process.pid}.mjs`);
  writeFileSync(reporter, `import { writeFileSync } from 'node:fs';\nprocess.on('exit', () => { const usage = process.resourceUsage(); writeFileSync(process.env.PASSERELLE_USAGE_REPORT, JSON.stringify({ cpu: (usage.userCPUTime + usage.systemCPUTime) / 1e6, rssMb: usage.maxRSS / 1024 })); });\n`);
  const child = spawn(process.execPath, [join(root, 'bin', 'passerelle.js'), ...args], {
    cwd: root,
    env: { ...process.env, PASSERELLE_RUNTIME: '', ...env, PASSERELLE_USAGE_REPORT: report, NODE_OPTIONS: `--import=${pathToFileURL(reporter).href}` },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  return Object.assign(child, { usage: (): Usage | undefined => readUsage(report) });
}

function readUsage(file: string): Usage | undefined {
  try {
    const usage = JSON.parse(readFileSync(file, 'utf8')) as Usage;
    rmSync(file, { force: true });
    return usage;
  } catch {
    return undefined;
  }
}

interface Measure {
  /** Seconds. */
  wall: number;
  usage: Usage | undefined;
}

/** Until the command exits (0 expected). */
function command(root: string, args: string[], env: Record<string, string>): Promise<Measure> {
  const started = process.hrtime.bigint();
  const child = spawnCli(root, args, env);
  let err = '';
  child.stderr?.on('data', (chunk: Buffer) => (err += chunk.toString()));
  return new Promise((resolve, reject) => {
    child.on('exit', (code) => (code === 0 ? resolve({ wall: Number(process.hrtime.bigint() - started) / 1e9, usage: child.usage() }) : reject(new Error(`passerelle ${args[0]} exited ${code}: ${err.slice(0, 500)}`))));
  });
}

/** Until GET /healthz answers 200 (wall); then SIGTERM, and the usage reported at exit (CPU includes the shutdown). */
async function serveUntilHealthy(root: string, env: Record<string, string>): Promise<Measure> {
  const port = await freePort();
  const started = process.hrtime.bigint();
  const child = spawnCli(root, ['serve'], { ...env, TEAMS_ENABLED: 'true', TEAMS_PORT: String(port) });
  let err = '';
  child.stderr?.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  let wall = 0;
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`serve exited ${child.exitCode}: ${err.slice(0, 500)}`);
      const ok = await fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(1_000) }).then((response) => response.ok, () => false);
      if (ok) {
        wall = Number(process.hrtime.bigint() - started) / 1e9;
        break;
      }
      if (Number(process.hrtime.bigint() - started) / 1e9 > 180) throw new Error('serve not healthy after 180 s');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  } finally {
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  }
  return { wall, usage: child.usage() };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
