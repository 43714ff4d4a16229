import { rm } from 'node:fs/promises';
import { PasserelleError } from "../bots/errors.js";
import * as say from "../bots/user-messages.js";
import { isWithinCeiling } from "../knowledge/types.js";
import { isPermanentFailure } from "../queue/job-queue.js";
import { DeliveryJob, FINAL_EDIT, WorkJob } from "../queue/jobs.js";
import { extractiveSummary } from "./summarisation/extractive-summariser.js";
import { modelSummary } from "./summarisation/model-summariser.js";
import { codeSections, conversationSections, documentSections } from "./summarisation/summary-sources.js";
export function createWorkProcessor(dependencies) {
    const { deliveries, logger } = dependencies;
    return async (raw, context) => {
        const parsed = WorkJob.safeParse(raw);
        if (!parsed.success)
            throw new PasserelleError('JOB_INVALID', {}, { cause: new Error(`invalid job payload: ${parsed.error.message}`) });
        const job = parsed.data;
        // Delivery ids derive from the job and its creation time: stable across retries and stalled re-runs
        // (delivered once), new when the same id is asked again after a failure or a cancellation.
        const run = `${context.id}@${context.createdAt}`;
        const deliver = (suffix, action, reply, messageId, sequence) => deliveries.add({ action, address: job.address, channel: job.requester.channel, ...(messageId ? { messageId } : {}), reply: stripAnswerOf(reply), jobId: context.id, ...(sequence === undefined ? {} : { sequence }) }, { jobId: `${run}:${suffix}`, attempts: 5, backoffMs: 1_000, priority: 1 });
        let lastStep = -1;
        const progress = async (done, total) => {
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
            if (job.kind === 'summarise-document')
                await rm(job.file.path, { force: true }).catch((error) => logger.warn('upload not removed', { job: context.id, error }));
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
            const result = await summarise(source, job.length, dependencies, context, progress);
            await context.reportProgress(100);
            if (job.progressMessageId)
                await deliver('progress-done', 'update', progressReply(say.jobDone(context.id)), job.progressMessageId, FINAL_EDIT);
            const aiGenerated = result.method === 'model';
            await deliver('result', 'send', answer(`${result.markdown}\n\n${aiGenerated ? say.SUMMARY_AI_GENERATED : ''}`.trim(), aiGenerated));
            await forgetUpload();
            logger.info('job completed', { job: context.id, kind: job.kind, method: result.method, inputTokens: result.inputTokens, outputTokens: result.outputTokens });
        }
        catch (caught) {
            // A catalogue error that retrying cannot fix (unknown base, refused request…) fails at once, in French.
            const error = caught;
            if (context.signal.aborted && String(context.signal.reason?.message) === 'cancelled') {
                await forgetUpload();
                throw error;
            }
            const permanent = isPermanentFailure(error);
            if (permanent || context.attempt >= dependencies.attempts || context.signal.aborted) {
                const failure = permanent ? error : new PasserelleError(context.signal.aborted ? 'JOB_TIMED_OUT' : 'JOB_FAILED');
                if (job.progressMessageId)
                    await deliver('progress-failed', 'update', progressReply(say.jobFailedShort(context.id)), job.progressMessageId, FINAL_EDIT);
                await deliver('failure', 'send', { kind: 'error', text: say.jobFailed(context.id, failure.userMessage), citations: [], suggestedActions: [], aiGenerated: false, feedback: false });
                await forgetUpload();
            }
            throw error;
        }
    };
}
async function sections(job, dependencies) {
    switch (job.kind) {
        case 'summarise-document':
            return documentSections(job.file, dependencies.maxChunkChars);
        case 'summarise-code':
            return codeSections(dependencies.store, job.kb, job.code, job.part);
        case 'summarise-conversation':
            return conversationSections(job.messages, 'Conversation');
    }
}
async function summarise(source, length, dependencies, context, progress) {
    const input = { title: source.title, sections: source.sections, length };
    const model = dependencies.model;
    if (!model || !isWithinCeiling(source.classification, model.ceiling))
        return extractiveSummary(input);
    try {
        return await modelSummary(model, input, context.signal, progress);
    }
    catch (error) {
        // A model that refuses the request (credentials, parameters) will refuse it again: extractive at once.
        const hopeless = error instanceof PasserelleError && !error.retryable;
        if (context.signal.aborted || (!hopeless && context.attempt < dependencies.attempts))
            throw error;
        dependencies.logger.warn('model summary failed for good, extractive instead', { job: context.id, error });
        return extractiveSummary(input);
    }
}
function answer(text, aiGenerated) {
    return { kind: 'answer', text, citations: [], suggestedActions: [], aiGenerated, feedback: false };
}
function progressReply(text) {
    return { kind: 'progress', text, citations: [], suggestedActions: [], aiGenerated: false, feedback: false };
}
function stripAnswerOf(reply) {
    const { answerOf: _ignored, ...rest } = reply;
    return rest;
}
