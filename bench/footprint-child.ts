import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { createCliContext } from '../cli/cli-context.ts';
import { runCli } from '../cli/main.ts';
import type { ChildReport } from './footprint-bench.ts';

/**
 * One replica starting (forked by footprint-bench.ts with the data folder in its environment). Modules are
 * loaded first (a replica loads them once, before any question; their compile time is not the index's),
 * then timed: opening the store and the first search of the large base; then `passerelle ask` — route,
 * speller, search, answer — the first answer; then the process's memory.
 */
setFlagsFromString('--expose_gc');
const collect = runInNewContext('gc') as () => void;
await import('../cli/commands/ask-command.ts');
const QUESTION = 'Les agents des douanes peuvent-ils procéder à la visite des marchandises et des moyens de transport ?';

const started = performance.now();
const context = createCliContext({ out: () => {}, err: (text) => process.stderr.write(text), env: process.env });
const knowledge = await context.knowledge();
const hits = await knowledge.store.search({ kb: 'legal', sparse: knowledge.encoder.encodeQuery(QUESTION), filter: { maxClassification: 'diffusion-restreinte' }, limit: 10 });
const firstSearchMs = performance.now() - started;
await context.close();
const asked = performance.now();
let out = '';
const code = await runCli(['ask', '--json', QUESTION], { out: (text) => (out += text), err: (text) => process.stderr.write(text), env: process.env });
const firstAnswerMs = performance.now() - asked;
const rssMb = process.memoryUsage().rss / 2 ** 20;
collect();
const usage = process.memoryUsage();
const answer = code === 0 ? (JSON.parse(out) as { abstained?: boolean }) : undefined;
const report: ChildReport = {
  firstSearchMs,
  firstAnswerMs,
  rssMb,
  heapMb: (usage.heapUsed + usage.arrayBuffers) / 2 ** 20,
  peakRssMb: process.resourceUsage().maxRSS / 1024,
  answered: hits.length > 0 && answer !== undefined && answer.abstained !== true,
};
process.send?.(report, undefined, {}, () => process.exit(0));
