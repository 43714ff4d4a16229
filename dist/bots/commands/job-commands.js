import { createHash, randomUUID } from 'node:crypto';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import { PasserelleError, toPasserelleError } from "../errors.js";
import { errorReply, notice, progress } from "../reply.js";
import * as say from "../user-messages.js";
import { parseSummaryRequest } from "./summary-request.js";
/**
 * `résume …`, `tâches`, `annule <id>`: long jobs go to the queue with an immediate acknowledgement; the
 * result comes back later through the deliveries queue and the adapter's send path.
 */
export class JobCommands {
    jobs;
    catalog;
    uploadsDir;
    maxDocumentBytes;
    logger;
    constructor(jobs, catalog, uploadsDir, maxDocumentBytes, logger) {
        this.jobs = jobs;
        this.catalog = catalog;
        this.uploadsDir = uploadsDir;
        this.maxDocumentBytes = maxDocumentBytes;
        this.logger = logger;
    }
    async summarise(turn, text) {
        const { message, rights } = turn;
        const allowed = this.catalog.bases.filter((kb) => rights?.allowedKbs.includes(kb.id));
        const codes = allowed.flatMap((kb) => kb.codes);
        const request = parseSummaryRequest(text, message.attachments.length > 0, codes);
        if (!request.target) {
            await turn.reply(notice(new PasserelleError('SUMMARY_REQUEST_INVALID').userMessage));
            return;
        }
        const requester = { channel: message.channel, userId: message.sender.id, userHash: rights.userHash };
        const common = { requester, address: message.conversation, length: request.length };
        let job;
        let fingerprint;
        let what;
        try {
            switch (request.target.type) {
                case 'document': {
                    const attachment = message.attachments[0];
                    if (attachment.size !== undefined && attachment.size > this.maxDocumentBytes) {
                        throw new PasserelleError('FILE_TOO_LARGE', { file: attachment.name, size: attachment.size, max: this.maxDocumentBytes });
                    }
                    if (!turn.channel.download)
                        throw new PasserelleError('ATTACHMENT_UNREADABLE', { file: attachment.name, reason: say.NO_DOWNLOADS });
                    const bytes = await turn.channel.download(attachment, this.maxDocumentBytes);
                    if (bytes.length > this.maxDocumentBytes)
                        throw new PasserelleError('FILE_TOO_LARGE', { file: attachment.name, size: bytes.length, max: this.maxDocumentBytes });
                    if (bytes.length === 0)
                        throw new PasserelleError('FILE_EMPTY', { file: attachment.name });
                    const sha256 = createHash('sha256').update(bytes).digest('hex');
                    const name = basename(attachment.name).replace(/[^\p{L}\p{N}._ -]/gu, '_') || `document${extname(attachment.name)}`;
                    await mkdir(this.uploadsDir, { recursive: true, mode: 0o700 });
                    // One copy per request (the worker deletes it when the job is over; a deduplicated request's copy is
                    // deleted at once), so that two requests never share, nor delete, each other's file.
                    const path = join(this.uploadsDir, `${sha256.slice(0, 16)}-${randomUUID().slice(0, 8)}-${name}`);
                    await writeFile(path, bytes, { mode: 0o600 });
                    job = { kind: 'summarise-document', ...common, file: { path, name, size: bytes.length, sha256 } };
                    fingerprint = sha256;
                    what = say.whatDocument(name, Math.ceil(bytes.length / 1024));
                    break;
                }
                case 'conversation': {
                    if (!turn.channel.history)
                        throw new PasserelleError('SUMMARY_REQUEST_INVALID');
                    const messages = (await turn.channel.history(message.conversation, 300)).filter((entry) => entry.text.trim());
                    if (messages.length === 0)
                        throw new PasserelleError('SUMMARY_REQUEST_INVALID');
                    job = { kind: 'summarise-conversation', ...common, messages };
                    fingerprint = createHash('sha256').update(JSON.stringify(messages)).digest('hex');
                    what = say.whatConversation(messages.length);
                    break;
                }
                default: {
                    const target = request.target;
                    const code = target.code ?? codes[0];
                    const kb = allowed.find((base) => code !== undefined && base.codes.includes(code));
                    if (!code || !kb)
                        throw new PasserelleError('SUMMARY_REQUEST_INVALID');
                    const part = target.type === 'code-articles' ? { type: 'articles', from: target.from, to: target.to } : { type: 'heading', label: target.label };
                    job = { kind: 'summarise-code', ...common, kb: kb.id, code, part };
                    fingerprint = `${kb.id}|${code}|${JSON.stringify(part)}`;
                    what = part.type === 'articles' ? say.whatArticles(part.from, part.to, code) : say.whatHeading(part.label, code);
                }
            }
        }
        catch (error) {
            await turn.reply(errorReply(toPasserelleError(error).userMessage));
            return;
        }
        await this.enqueue(turn, job, fingerprint, say.summaryOf(request.length, what));
    }
    async list(turn) {
        try {
            const jobs = await this.jobs.list(turn.rights.userHash);
            if (jobs.length === 0) {
                await turn.reply(notice(say.NO_JOBS));
                return;
            }
            const lines = jobs.map((job) => `- \`${job.id}\` — ${describe(job.data)} — ${say.JOB_STATE_LABELS[job.state] ?? job.state}${job.state === 'active' ? ` (${job.progress} %)` : ''}`);
            await turn.reply(notice(say.jobList(lines)));
        }
        catch (error) {
            await turn.reply(errorReply(toPasserelleError(error).userMessage));
        }
    }
    async cancel(turn, id) {
        if (!id) {
            await turn.reply(notice(say.CANCEL_WHICH));
            return;
        }
        try {
            await this.jobs.cancel(id, turn.rights.userHash, turn.rights.isAdmin);
            await turn.reply(notice(say.jobCancelled(id)));
        }
        catch (error) {
            await turn.reply(errorReply(toPasserelleError(error).userMessage));
        }
    }
    async enqueue(turn, job, fingerprint, what) {
        const upload = job.kind === 'summarise-document' ? job.file.path : undefined;
        const forgetUpload = () => (upload ? rm(upload, { force: true }).catch(() => undefined) : Promise.resolve());
        let ackId;
        try {
            ackId = await turn.reply(progress(say.jobReceived(what)));
        }
        catch (error) {
            await forgetUpload();
            throw error;
        }
        const ack = (reply) => turn.edit(ackId, reply).catch((error) => this.logger.warn('acknowledgement update failed', { error }));
        let submitted;
        try {
            // The acknowledgement says « enregistrée » before the job is queued: once queued, only the worker's
            // progress edits (delivered in order) touch that message, so a late edit of ours cannot overwrite them.
            submitted = await this.jobs.submit({ ...job, progressMessageId: ackId }, fingerprint, ({ id, ahead }) => ack(progress(say.jobQueued(id, what, ahead, this.jobs.durable))));
        }
        catch (error) {
            await forgetUpload();
            const failure = toPasserelleError(error);
            this.logger.warn('job submission failed', { code: failure.code, error: failure.cause ?? failure });
            await ack(errorReply(failure.userMessage));
            return;
        }
        if (submitted.created)
            return;
        await forgetUpload();
        await ack(progress(submitted.state === 'completed' ? say.jobAlreadyDone(submitted.id) : say.jobAlreadyRunning(submitted.id)));
    }
}
function describe(job) {
    switch (job.kind) {
        case 'summarise-document':
            return say.describeDocumentJob(job.file.name);
        case 'summarise-conversation':
            return say.CONVERSATION_JOB;
        case 'summarise-code':
            return job.part.type === 'articles' ? say.describeArticlesJob(job.part.from, job.part.to) : say.describeDocumentJob(job.part.label);
    }
}
