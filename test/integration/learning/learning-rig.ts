import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { textHash } from '../../../knowledge/enrichment/enrichment.ts';
import type { IncomingMessage } from '../../../bots/message.ts';
import type { Reply } from '../../../bots/reply.ts';
import { QUIZ_ARTICLES, QUIZ_URL } from '../../unit/learning/quiz-fixtures.ts';
import { startHarness, withoutNotice, type Harness, type HarnessOptions } from '../bot/harness.ts';

/**
 * The real bot application (real config, embedded store, SQLite state and learning stores in a temp data
 * folder) over the quiz fixtures' code, ingested through the real ingestion service with their enrichment
 * written as curator entries in the real enrichment store. `clock` is the learning mode's clock.
 */

export const AGENT = 'agent-1@douane.finances.gouv.fr';

export interface LearningRig extends Harness {
  clock: { now: Date };
  /** Sends a direct message from `sender` (default AGENT) and returns the replies, the AI notice aside. */
  dm(text: string, sender?: string, options?: Partial<IncomingMessage>): Promise<Reply[]>;
}

/** Articles as the JSONL of the legal base; `extra` are added (another version of an article…). */
export function articlesJsonl(extra: Array<Record<string, unknown>> = []): string {
  const records = QUIZ_ARTICLES.map((spec) => ({
    id: `CD-${spec.num}`,
    code: 'Code des douanes',
    num: spec.num,
    title_path: spec.headingPath ?? ['Titre XII : Contentieux', 'Chapitre VI : Dispositions répressives'],
    text: spec.text,
    valid_from: spec.num === '414' ? '2020-01-01' : null,
    valid_to: null,
    source_url: `${QUIZ_URL}CD-${spec.num}`,
  }));
  return `${[...records, ...extra].map((record) => JSON.stringify(record)).join('\n')}\n`;
}

export async function startLearningRig(options: HarnessOptions & { extra?: Array<Record<string, unknown>> } = {}): Promise<LearningRig> {
  const clock = { now: new Date('2026-03-02T09:00:00.000Z') };
  const harness = await startHarness({
    ...options,
    ingest: false,
    botOverrides: { ...options.botOverrides, now: () => clock.now },
  });
  const store = harness.app.knowledge.enrichment?.store;
  if (!store) throw new Error('the learning rig needs the enrichment store');
  for (const spec of QUIZ_ARTICLES) {
    if (!spec.questions) continue;
    await store.put('legal', { id: `CD-${spec.num}`, text_sha256: textHash(spec.text), subject: `Article ${spec.num}`, questions: spec.questions, terms: spec.terms ?? [], origin: 'curator', status: 'approved' });
  }
  const file = join(harness.dir, 'code_douanes.jsonl');
  writeFileSync(file, articlesJsonl(options.extra));
  await harness.app.knowledge.ingestion.ingest({ kb: 'legal', ceiling: 'diffusion-restreinte' }, [file], { defaultClassification: 'public' });
  return {
    ...harness,
    clock,
    async dm(text, sender = AGENT, messageOptions = {}) {
      const replies = await harness.say(text, { sender: { id: sender }, conversation: { key: `teams:dm-${sender}`, reference: {} }, isDirect: true, ...messageOptions });
      return replies.map(withoutNotice).filter((reply) => reply.text !== '');
    },
  };
}

/** The reply carrying choices (a question), if any. */
export function questionOf(replies: Reply[]): Reply | undefined {
  return replies.find((reply) => (reply.choices?.length ?? 0) > 0);
}
