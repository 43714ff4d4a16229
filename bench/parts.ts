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
  {
    name: 'bot',
    description: 'bot overhead per answer (everything but the model call), 100 questions in flight, fake model',
    load: () => import('./bot-bench.ts'),
  },
  {
    name: 'workers',
    description: 'the Code des douanes summarised title by title: bull on Redis, one worker process, fake model (20 ms a call)',
    load: () => import('./workers-bench.ts'),
  },
  {
    name: 'embedded-jobs',
    description: 'in-process queue: answer latency while a 16 MB document is summarised (child process vs the bot’s own event loop)',
    load: () => import('./embedded-jobs-bench.ts'),
  },
  {
    name: 'policies',
    description: 'personal-data recogniser precision and recall per kind, request classifiers accuracy per set (tune and held-out), recogniser cost on the legal corpus',
    load: () => import('./policies-bench.ts'),
  },
  {
    name: 'answering',
    description: 'support check of cited sentences (precision, recall), injection classifier (precision, recall), model-router calls saved by the lexical router',
    load: () => import('./answering-bench.ts'),
  },
  {
    name: 'learning',
    description: 'quiz items written from each base (time, event-loop stalls, share passing the check against the cited text), definitions for explique',
    load: () => import('./learning-bench.ts'),
  },
  {
    name: 'startup',
    description: '`passerelle ask` until its answer and `passerelle serve` until healthy, compiled (dist/) vs tsx warm and cold',
    load: () => import('./startup-bench.ts'),
  },
  {
    name: 'footprint',
    description: 'a serve replica on the legal base ×16: time from start to the first answer and memory, lexical index persisted vs rebuilt',
    load: () => import('./footprint-bench.ts'),
  },
  {
    name: 'announcements',
    description: '17,000 recipients on two fake channels (Teams, Tchap) with 429/403/5xx injected: rate vs limit, lost, duplicates, memory',
    load: () => import('./announcements-bench.ts'),
  },
];
