import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { createCliContext } from '../cli/cli-context.ts';
import { runCli } from '../cli/main.ts';
import type { ChildReport } from './footprint-bench.ts';

/**
 * One replica starting (forked by footprint-bench.ts with the data folder in its environment). Modules are
 * loaded first (a replica loads them once, before any question; their compile time is not the index's),
 * then, from that point ("ready"), timed in wall time and in this process's CPU time (process.cpuUsage: the
 * same on a loaded machine as on an idle one, where wall time is not):
 *  - `search`: opening the store and the first search of the large base;
 *  - `answer`: `passerelle ask` from nothing opened — configuration, store, routing, speller, search, the
 *    answer — the first answer; then the process's memory.
 * One measure per process (argv[2]), so that neither warms the other.
 */
setFlagsFromString('--expose_gc');
const collect = runInNewContext('gc') as () => void;
await import('../cli/commands/ask-command.ts');
const QUESTION = 'Les agents des douanes peuvent-ils procéder à la visite des marchandises et des moyens de transport ?';
const mode = process.argv[2] === 'search' ? 'search' : 'answer';

const started = performance.now();
const cpu = process.cpuUsage();
let answered: boolean;
if (mode === 'search') {
  const context = createCliContext({ out: () => {}, err: (text) => process.stderr.write(text), env: process.env });
  const knowledge = await context.knowledge();
  const hits = await knowledge.store.search({ kb: 'legal', sparse: knowledge.encoder.encodeQuery(QUESTION), filter: { maxClassification: 'diffusion-restreinte' }, limit: 10 });
  answered = hits.length > 0;
  await context.close();
} else {
  let out = '';
  const code = await runCli(['ask', '--json', QUESTION], { out: (text) => (out += text), err: (text) => process.stderr.write(text), env: process.env });
  const answer = code === 0 ? (JSON.parse(out) as { abstained?: boolean }) : undefined;
  answered = answer !== undefined && answer.abstained !== true;
}
const elapsedMs = performance.now() - started;
const used = process.cpuUsage(cpu);
const rssMb = process.memoryUsage().rss / 2 ** 20;
collect();
const usage = process.memoryUsage();
const report: ChildReport = {
  mode,
  elapsedMs,
  cpuMs: (used.user + used.system) / 1000,
  rssMb,
  heapMb: (usage.heapUsed + usage.arrayBuffers) / 2 ** 20,
  peakRssMb: process.resourceUsage().maxRSS / 1024,
  answered,
};
process.send?.(report, undefined, {}, () => process.exit(0));
