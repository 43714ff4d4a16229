import { PasserelleError } from '../bots/errors.ts';
import type { Logger } from '../bots/logger.ts';
import * as say from '../bots/user-messages.ts';
import { withoutInstructions } from '../knowledge/policies/instruction-injection.ts';
import type { ChatModel } from '../knowledge/ports/chat-model.ts';
import type { VectorStore } from '../knowledge/ports/vector-store.ts';
import { classificationRank, isWithinCeiling, type Classification } from '../knowledge/types.ts';
import type { StepMemo } from '../queue/job-queue.ts';
import type { WorkJob } from '../queue/jobs.ts';
import { conversationSummary } from './summarisation/conversation-digest.ts';
import { extractiveSummary } from './summarisation/extractive-summariser.ts';
import { modelSummary } from './summarisation/model-summariser.ts';
import { checkedReferences, quotedClassification, redactSections, restored } from './summarisation/summary-policy.ts';
import { codeSections, conversationSections, documentSections, type SectionsWithMeta } from './summarisation/summary-sources.ts';
import type { SummaryResult } from './summarisation/summary-types.ts';

/**
 * What a work job produces: its sources read (document, code part, conversation), the summary written (by
 * the model when it is cleared for them, extractive otherwise) and labelled. Pure computation and model
 * calls — no delivery — so that it can run in another process than the one that owns the queues.
 */

export interface ProductionDependencies {
  store: VectorStore;
  model: ChatModel | undefined;
  maxChunkChars: number;
  /** Attempts configured for work jobs: the last one falls back to an extractive summary. */
  attempts: number;
  logger: Logger;
  /** Bases whose passages, quoted in a conversation, raise its summary's classification. Default: none. */
  knowledgeBases?: readonly string[];
}

export interface ProducedSummary extends SummaryResult {
  /** Highest classification of what the summary was made from. */
  classification: Classification;
}

/** The part of a job context production needs. */
export interface ProductionContext {
  id: string;
  attempt: number;
  signal: AbortSignal;
  /** Finished steps of this run (model calls), when the queue keeps them. */
  steps?: StepMemo;
}

export type ProductionProgress = (done: number, total: number) => Promise<void>;

/** Runs production somewhere: here (inline) or in a child process. */
export interface SummaryRunner {
  run(job: WorkJob, context: ProductionContext, attempts: number, progress: ProductionProgress): Promise<ProducedSummary>;
  close(): Promise<void>;
}

export function inlineRunner(dependencies: ProductionDependencies): SummaryRunner {
  return {
    run: (job, context, _attempts, progress) => produceSummary(job, dependencies, context, progress),
    close: async () => undefined,
  };
}

export async function produceSummary(job: WorkJob, dependencies: ProductionDependencies, context: ProductionContext, progress: ProductionProgress): Promise<ProducedSummary> {
  const { source, withheld } = withoutInstructionLike(await sections(job, dependencies));
  if (withheld > 0) dependencies.logger.warn('instruction-like sentences withheld from a summary', { job: context.id, sections: withheld });
  const result = await summarise(job.kind, source, job.length, dependencies, context, progress);
  const markdown = withheld > 0 ? `${result.markdown}\n\n${say.SUMMARY_INSTRUCTION_LIKE_WITHHELD}` : result.markdown;
  return { ...result, markdown: labelled(markdown, source.classification), classification: source.classification };
}

/**
 * Sentences that read as instructions to an AI assistant ("ignore tes instructions…") never reach the model and are
 * never quoted: replaced by « [formulation retirée] » in every section, as in answers (knowledge/policies).
 */
function withoutInstructionLike(source: SectionsWithMeta): { source: SectionsWithMeta; withheld: number } {
  let withheld = 0;
  const sections = source.sections.map((section) => {
    const cleaned = withoutInstructions(section.text);
    if (!cleaned.withheld) return section;
    withheld++;
    return { ...section, text: cleaned.text };
  });
  return { source: { ...source, sections }, withheld };
}

async function sections(job: WorkJob, dependencies: ProductionDependencies): Promise<SectionsWithMeta> {
  switch (job.kind) {
    case 'summarise-document':
      return documentSections(job.file, dependencies.maxChunkChars);
    case 'summarise-code':
      return codeSections(dependencies.store, job.kb, job.code, job.part);
    case 'summarise-conversation': {
      const source = conversationSections(job.messages, 'Conversation');
      // A passage of the bases quoted in the conversation (the bot's earlier answer, a pasted excerpt) keeps its label.
      const classification = await quotedClassification(job.messages.map((message) => message.text), dependencies.store, dependencies.knowledgeBases ?? [], source.classification);
      return { ...source, classification };
    }
  }
}

async function summarise(
  kind: WorkJob['kind'],
  source: SectionsWithMeta,
  length: 'court' | 'detaille',
  dependencies: ProductionDependencies,
  context: ProductionContext,
  progress: (done: number, total: number) => Promise<void>,
): Promise<SummaryResult> {
  const input = { title: source.title, sections: source.sections, length, ...(kind === 'summarise-conversation' ? { focus: 'conversation' as const } : {}) };
  const model = dependencies.model;
  const extractive = () => (source.messages ? conversationSummary(source.messages, length) : extractiveSummary(input));
  if (!model || !isWithinCeiling(source.classification, model.ceiling)) {
    // The sources are read (the long part for a large document): half way.
    await progress(1, 2);
    return extractive();
  }
  try {
    // What leaves for the model is redacted, as questions are; the law itself (a code's articles) is not.
    const redaction = kind === 'summarise-code' ? undefined : redactSections(source.title, source.sections, source.people);
    if (redaction && redaction.redacted.length > 0) dependencies.logger.info('summary input redacted', { job: context.id, redacted: redaction.redacted.length });
    const result = await modelSummary(model, redaction ? { ...input, title: redaction.title, sections: redaction.sections } : input, context.signal, progress, context.steps);
    const [title = '', ...body] = (redaction ? restored(result.markdown, redaction.mapping) : result.markdown).split('\n');
    // Article references the model wrote must be articles of what was summarised (or cited by it).
    const checked = checkedReferences(body.join('\n'), source.sections);
    if (checked.removed > 0) dependencies.logger.warn('summary references removed', { job: context.id, removed: checked.removed });
    const note = checked.removed > 0 ? `\n\n${say.SUMMARY_REFERENCES_REMOVED}` : '';
    return { ...result, markdown: `${title}\n${checked.markdown}${note}` };
  } catch (error) {
    // A model that refuses the request (credentials, parameters) will refuse it again: extractive at once.
    const hopeless = error instanceof PasserelleError && !error.retryable;
    if (context.signal.aborted || (!hopeless && context.attempt < dependencies.attempts)) throw error;
    dependencies.logger.warn('model summary failed for good, extractive instead', { job: context.id, error });
    return extractive();
  }
}

/** A summary made from anything above interne says so under its title: it must be handled at that level. */
function labelled(markdown: string, classification: Classification): string {
  if (classificationRank(classification) <= classificationRank('interne')) return markdown;
  const [title = '', ...rest] = markdown.split('\n');
  return [title, say.summaryClassification(classification), ...rest].join('\n');
}

