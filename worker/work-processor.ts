import { rm } from 'node:fs/promises';
import { PasserelleError } from '../bots/errors.ts';
import type { Logger } from '../bots/logger.ts';
import type { Reply } from '../bots/reply.ts';
import * as say from '../bots/user-messages.ts';
import { isPermanentFailure, type JobQueue, type Processor } from '../queue/job-queue.ts';
import { DeliveryJob, FINAL_EDIT, WorkJob, type WorkJobInput } from '../queue/jobs.ts';
import { inlineRunner, type ProductionDependencies, type SummaryRunner } from './summary-production.ts';

/**
 * Runs one work job (in `passerelle worker`, or in the bot process with the in-process queue) and hands
 * every message for the user to the deliveries queue: progress updates, the result, or a clear failure.
 * Delivery job ids derive from the work job (id and creation time), so a job that runs twice (stalled,
 * retried) still delivers its result once. The uploaded copy of a document is deleted once the job is over.
 */

export interface WorkProcessorDependencies extends ProductionDependencies {
  deliveries: JobQueue<DeliveryJob>;
  /**
   * Where summaries are computed. Default: in this process (`passerelle worker`, a process of its own). The
   * bot process with the in-process queue passes a child-process runner, so that a large document never
   * holds its event loop (worker/child-summary-runner.ts).
   */
  runner?: SummaryRunner;
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
      await progress(0, 1);
      const runner = dependencies.runner ?? inlineRunner(dependencies);
      const result = await runner.run(job, context, dependencies.attempts, progress);
      await context.reportProgress(100);
      if (job.progressMessageId) await deliver('progress-done', 'update', progressReply(say.jobDone(context.id)), job.progressMessageId, FINAL_EDIT);
      const aiGenerated = result.method === 'model';
      // A document's summary answers the file (a reply to it, where the channel shows replies).
      await deliver('result', 'send', { ...answer(`${result.markdown}\n\n${aiGenerated ? say.SUMMARY_AI_GENERATED : ''}`.trim(), aiGenerated), ...(job.kind === 'summarise-document' ? { inReplyToRequest: true } : {}) });
      await forgetUpload();
      logger.info('job completed', { job: context.id, kind: job.kind, method: result.method, classification: result.classification, inputTokens: result.inputTokens, outputTokens: result.outputTokens });
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
