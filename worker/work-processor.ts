import { rm } from 'node:fs/promises';
import { PasserelleError } from '../bots/errors.ts';
import type { Logger } from '../bots/logger.ts';
import type { Reply } from '../bots/reply.ts';
import * as say from '../bots/user-messages.ts';
import type { ChatModel } from '../knowledge/ports/chat-model.ts';
import type { VectorStore } from '../knowledge/ports/vector-store.ts';
import { classificationRank, isWithinCeiling, type Classification } from '../knowledge/types.ts';
import { isPermanentFailure, type JobContext, type JobQueue, type Processor } from '../queue/job-queue.ts';
import { DeliveryJob, FINAL_EDIT, WorkJob, type WorkJobInput } from '../queue/jobs.ts';
import { conversationSummary } from './summarisation/conversation-digest.ts';
import { extractiveSummary } from './summarisation/extractive-summariser.ts';
import { modelSummary } from './summarisation/model-summariser.ts';
import { checkedReferences, quotedClassification, redactSections, restored } from './summarisation/summary-policy.ts';
import { codeSections, conversationSections, documentSections, type SectionsWithMeta } from './summarisation/summary-sources.ts';
import type { SummaryResult } from './summarisation/summary-types.ts';

/**
 * Runs one work job (in `passerelle worker`, or in the bot process with the in-process queue) and hands
 * every message for the user to the deliveries queue: progress updates, the result, or a clear failure.
 * Delivery job ids derive from the work job (id and creation time), so a job that runs twice (stalled,
 * retried) still delivers its result once. The uploaded copy of a document is deleted once the job is over.
 */

export interface WorkProcessorDependencies {
  store: VectorStore;
  model: ChatModel | undefined;
  deliveries: JobQueue<DeliveryJob>;
  maxChunkChars: number;
  /** Attempts configured for work jobs: the last one falls back to an extractive summary. */
  attempts: number;
  logger: Logger;
  /** Bases whose passages, quoted in a conversation, raise its summary's classification. Default: none. */
  knowledgeBases?: readonly string[];
}

export function createWorkProcessor(dependencies: WorkProcessorDependencies): Processor<WorkJobInput> {
  const { deliveries, logger } = dependencies;
  return async (raw, context) => {
    const parsed = WorkJob.safeParse(raw);
    if (!parsed.success) throw new PasserelleError('JOB_INVALID', {}, { cause: new Error(`invalid job payload: ${parsed.error.message}`) });
    const job = parsed.data;
    // Delivery ids derive from the job and its creation time: stable across retries and stalled re-runs
    // (delivered once), new when the same id is asked again after a failure or a cancellation.
    const run = `${context.id}@${context.createdAt}`;
    const deliver = (suffix: string, action: 'send' | 'update', reply: Reply, messageId?: string, sequence?: number) =>
      deliveries.add(
        { action, address: job.address, channel: job.requester.channel, ...(messageId ? { messageId } : {}), reply: stripAnswerOf(reply), jobId: context.id, ...(sequence === undefined ? {} : { sequence }) },
        { jobId: `${run}:${suffix}`, attempts: 5, backoffMs: 1_000, priority: 1 },
      );
    let lastStep = -1;
    const progress = async (done: number, total: number) => {
      const percent = total === 0 ? 100 : Math.round((done / total) * 100);
      await context.reportProgress(percent);
      const step = Math.floor(percent / 25);
      if (job.progressMessageId && step > lastStep && percent < 100) {
        lastStep = step;
        await deliver(`progress-${step}`, 'update', progressReply(say.jobProgress(context.id, percent)), job.progressMessageId, step);
      }
    };
    // The uploaded copy of a document is kept only as long as the job may still need it.
    const forgetUpload = async () => {
      if (job.kind === 'summarise-document') await rm(job.file.path, { force: true }).catch((error: unknown) => logger.warn('upload not removed', { job: context.id, error }));
    };
    try {
      if (await deliveries.get(`${run}:result`)) {
        // A re-run (worker killed after handing over the result): nothing left to do.
        logger.info('job result already handed over', { job: context.id });
        await forgetUpload();
        return;
      }
      const source = await sections(job, dependencies);
      await progress(0, 1);
      const result = await summarise(job.kind, source, job.length, dependencies, context, progress);
      await context.reportProgress(100);
      if (job.progressMessageId) await deliver('progress-done', 'update', progressReply(say.jobDone(context.id)), job.progressMessageId, FINAL_EDIT);
      const aiGenerated = result.method === 'model';
      await deliver('result', 'send', answer(`${labelled(result.markdown, source.classification)}\n\n${aiGenerated ? say.SUMMARY_AI_GENERATED : ''}`.trim(), aiGenerated));
      await forgetUpload();
      logger.info('job completed', { job: context.id, kind: job.kind, method: result.method, classification: source.classification, inputTokens: result.inputTokens, outputTokens: result.outputTokens });
    } catch (caught) {
      // A catalogue error that retrying cannot fix (unknown base, refused request…) fails at once, in French.
      const error = caught;
      if (context.signal.aborted && String((context.signal.reason as Error | undefined)?.message) === 'cancelled') {
        await forgetUpload();
        throw error;
      }
      const permanent = isPermanentFailure(error);
      if (permanent || context.attempt >= dependencies.attempts || context.signal.aborted) {
        const failure = permanent ? (error as PasserelleError) : new PasserelleError(context.signal.aborted ? 'JOB_TIMED_OUT' : 'JOB_FAILED');
        if (job.progressMessageId) await deliver('progress-failed', 'update', progressReply(say.jobFailedShort(context.id)), job.progressMessageId, FINAL_EDIT);
        await deliver('failure', 'send', { kind: 'error', text: say.jobFailed(context.id, failure.userMessage), citations: [], suggestedActions: [], aiGenerated: false, feedback: false });
        await forgetUpload();
      }
      throw error;
    }
  };
}

async function sections(job: WorkJob, dependencies: WorkProcessorDependencies): Promise<SectionsWithMeta> {
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
  dependencies: WorkProcessorDependencies,
  context: JobContext,
  progress: (done: number, total: number) => Promise<void>,
): Promise<SummaryResult> {
  const input = { title: source.title, sections: source.sections, length, ...(kind === 'summarise-conversation' ? { focus: 'conversation' as const } : {}) };
  const model = dependencies.model;
  const extractive = () => (source.messages ? conversationSummary(source.messages, length) : extractiveSummary(input));
  if (!model || !isWithinCeiling(source.classification, model.ceiling)) return extractive();
  try {
    // What leaves for the model is redacted, as questions are; the law itself (a code's articles) is not.
    const redaction = kind === 'summarise-code' ? undefined : redactSections(source.title, source.sections, source.people);
    if (redaction && redaction.redacted.length > 0) dependencies.logger.info('summary input redacted', { job: context.id, redacted: redaction.redacted.length });
    const result = await modelSummary(model, redaction ? { ...input, title: redaction.title, sections: redaction.sections } : input, context.signal, progress);
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

function answer(text: string, aiGenerated: boolean): Reply {
  return { kind: 'answer', text, citations: [], suggestedActions: [], aiGenerated, feedback: false };
}

function progressReply(text: string): Reply {
  return { kind: 'progress', text, citations: [], suggestedActions: [], aiGenerated: false, feedback: false };
}

function stripAnswerOf(reply: Reply): DeliveryJob['reply'] {
  const { answerOf: _ignored, ...rest } = reply;
  return rest;
}
