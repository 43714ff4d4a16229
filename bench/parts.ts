import type { BenchPartModule } from './bench-part.ts';

/**
 * Every benchmark part, in the order `npm run bench` runs them. To add one (bot, workers, announcements…),
 * write `bench/<name>-bench.ts` exporting `run(context): Promise<PartReport>` and register it here.
 */
export interface BenchPartEntry {
  name: string;
  description: string;
  load(): Promise<BenchPartModule>;
}

export const PARTS: readonly BenchPartEntry[] = [
  {
    name: 'knowledge',
    description: 'ingestion of the corpus, search latency, retrieval quality (embedded store, lexical only)',
    load: () => import('./knowledge-bench.ts'),
  },
];
