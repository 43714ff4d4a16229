import { createHash, randomUUID } from 'node:crypto';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import type { KnowledgeCatalog } from '../../knowledge/catalog.ts';
import type { JobService, SubmittedJob } from '../jobs/job-service.ts';
import type { WorkJobInput } from '../../queue/jobs.ts';
import { PasserelleError, toPasserelleError } from '../errors.ts';
import type { Logger } from '../logger.ts';
import type { Turn } from '../pipeline.ts';
import { errorReply, notice, progress, type Reply } from '../reply.ts';
import * as say from '../user-messages.ts';
import { parseSummaryRequest, type RecentFiles } from './summary-request.ts';

/**
 * `résume …`, `tâches`, `annule <id>`: long jobs go to the queue with an immediate acknowledgement; the
 * result comes back later through the deliveries queue and the adapter's send path.
 */
export class JobCommands {
  constructor(
    private readonly jobs: JobService,
    private readonly catalog: KnowledgeCatalog,
    private readonly uploadsDir: string,
    private readonly maxDocumentBytes: number,
    private readonly logger: Logger,
    /** Files sent before the request (a file alone, then « résume ce document »). */
    private readonly files?: RecentFiles,
  ) {}

  /**
   * A message carrying a file: noted for a later « résume » (see RecentFiles). Returns true when it has no
   * text — the file alone, as Tchap web sends it: the agent is told what the bot can do with it.
   */
  async fileReceived(turn: Turn): Promise<boolean> {
    const { message } = turn;
    const attachment = message.attachments[0];
    if (!attachment) return false;
    await this.files?.remember(message).catch((error: unknown) => this.logger.warn('could not note a received file', { error }));
    if (/[\p{L}\p{N}]/u.test(message.text)) return false;
    await turn.reply(notice(say.fileReceived(attachment.name, this.files !== undefined)));
    return true;
  }

  async summarise(turn: Turn, text: string): Promise<void> {
    const { message, rights } = turn;
    const allowed = this.catalog.bases.filter((kb) => rights?.allowedKbs.includes(kb.id));
    const codes = allowed.flatMap((kb) => kb.codes);
    // The file of the message; else, when the request names nothing else (a part of a code, the
    // conversation), the file it replies to or the one the agent sent just before.
    let attachment = message.attachments[0];
    let request = parseSummaryRequest(text, attachment !== undefined, codes);
    if (!request.target && !attachment && this.files) {
      attachment = await this.files.find(message);
      if (attachment) request = parseSummaryRequest(text, true, codes);
    }
    if (!request.target) {
      await turn.reply(notice(new PasserelleError('SUMMARY_REQUEST_INVALID').userMessage));
      return;
    }
    const requester = { channel: message.channel, userId: message.sender.id, userHash: rights!.userHash };
    const common = { requester, address: message.conversation, length: request.length };
    let job: WorkJobInput;
    let fingerprint: string;
    let what: string;
    try {
      switch (request.target.type) {
        case 'document': {
          if (!attachment) throw new PasserelleError('SUMMARY_REQUEST_INVALID');
          if (attachment.size !== undefined && attachment.size > this.maxDocumentBytes) {
            throw new PasserelleError('FILE_TOO_LARGE', { file: attachment.name, size: attachment.size, max: this.maxDocumentBytes });
          }
          if (!turn.channel.download) throw new PasserelleError('ATTACHMENT_UNREADABLE', { file: attachment.name, reason: say.NO_DOWNLOADS });
          const bytes = await turn.channel.download(attachment, this.maxDocumentBytes);
          if (bytes.length > this.maxDocumentBytes) throw new PasserelleError('FILE_TOO_LARGE', { file: attachment.name, size: bytes.length, max: this.maxDocumentBytes });
          if (bytes.length === 0) throw new PasserelleError('FILE_EMPTY', { file: attachment.name });
          const sha256 = createHash('sha256').update(bytes).digest('hex');
          const name = basename(attachment.name).replace(/[^\p{L}\p{N}._ -]/gu, '_') || `document${extname(attachment.name)}`;
          await mkdir(this.uploadsDir, { recursive: true, mode: 0o700 });
          // One copy per request (the worker deletes it when the job is over; a deduplicated request's copy is
          // deleted at once), so that two requests never share, nor delete, each other's file.
          const path = join(this.uploadsDir, `${sha256.slice(0, 16)}-${randomUUID().slice(0, 8)}-${name}`);
          await writeFile(path, bytes, { mode: 0o600 });
          job = { kind: 'summarise-document', ...common, file: { path, name, size: bytes.length, sha256 } };
          fingerprint = sha256;
          what = say.whatDocument(name, bytes.length);
          break;
        }
        case 'conversation': {
          if (!turn.channel.history) throw new PasserelleError('SUMMARY_REQUEST_INVALID');
          const messages = (await turn.channel.history(message.conversation, 300)).filter((entry) => entry.text.trim());
          if (messages.length === 0) throw new PasserelleError('SUMMARY_REQUEST_INVALID');
          job = { kind: 'summarise-conversation', ...common, messages };
          fingerprint = createHash('sha256').update(JSON.stringify(messages)).digest('hex');
          what = say.whatConversation(messages.length);
          break;
        }
        default: {
          const target = request.target;
          const code = target.code ?? codes[0];
          const kb = allowed.find((base) => code !== undefined && base.codes.includes(code));
          if (!code || !kb) throw new PasserelleError('SUMMARY_REQUEST_INVALID');
          const part = target.type === 'code-articles' ? { type: 'articles' as const, from: target.from, to: target.to } : { type: 'heading' as const, label: printedHeading(target.label) };
          job = { kind: 'summarise-code', ...common, kb: kb.id, code, part };
          fingerprint = `${kb.id}|${code}|${JSON.stringify(part)}`;
          what = part.type === 'articles' ? say.whatArticles(part.from, part.to, code) : say.whatHeading(part.label, code);
        }
      }
    } catch (error) {
      await turn.reply(errorReply(toPasserelleError(error).userMessage));
      return;
    }
    await this.enqueue(turn, job, fingerprint, say.summaryOf(request.length, what));
  }

  async list(turn: Turn): Promise<void> {
    try {
      const jobs = await this.jobs.list(turn.rights!.userHash);
      if (jobs.length === 0) {
        await turn.reply(notice(say.NO_JOBS));
        return;
      }
      const lines = jobs.map((job) => `- \`${job.id}\` — ${describe(job.data)} — ${say.JOB_STATE_LABELS[job.state] ?? job.state}${job.state === 'active' ? ` (${job.progress} %)` : ''}`);
      await turn.reply(notice(say.jobList(lines)));
    } catch (error) {
      await turn.reply(errorReply(toPasserelleError(error).userMessage));
    }
  }

  async cancel(turn: Turn, id: string): Promise<void> {
    if (!id) {
      await turn.reply(notice(say.CANCEL_WHICH));
      return;
    }
    try {
      await this.jobs.cancel(id, turn.rights!.userHash, turn.rights!.isAdmin);
      await turn.reply(notice(say.jobCancelled(id)));
    } catch (error) {
      await turn.reply(errorReply(toPasserelleError(error).userMessage));
    }
  }

  private async enqueue(turn: Turn, job: WorkJobInput, fingerprint: string, what: string): Promise<void> {
    const upload = job.kind === 'summarise-document' ? job.file.path : undefined;
    const forgetUpload = () => (upload ? rm(upload, { force: true }).catch(() => undefined) : Promise.resolve());
    let ackId: string;
    try {
      ackId = await turn.reply(progress(say.jobReceived(what)));
    } catch (error) {
      await forgetUpload();
      throw error;
    }
    const ack = (reply: Reply) => turn.edit(ackId, reply).catch((error: unknown) => this.logger.warn('acknowledgement update failed', { error }));
    let submitted: SubmittedJob;
    try {
      // The acknowledgement says « enregistrée » before the job is queued: once queued, only the worker's
      // progress edits (delivered in order) touch that message, so a late edit of ours cannot overwrite them.
      submitted = await this.jobs.submit({ ...job, progressMessageId: ackId }, fingerprint, ({ id, ahead }) =>
        ack(progress(say.jobQueued(id, what, ahead))),
      );
    } catch (error) {
      await forgetUpload();
      const failure = toPasserelleError(error);
      this.logger.warn('job submission failed', { code: failure.code, error: failure.cause ?? failure });
      await ack(errorReply(failure.userMessage));
      return;
    }
    if (submitted.created) return;
    await forgetUpload();
    await ack(
      progress(
        submitted.state === 'completed' ? say.jobAlreadyDone(submitted.id) : say.jobAlreadyRunning(submitted.id),
      ),
    );
  }
}

/**
 * A heading label as a code prints it, from the folded words a request was read in: "titre xii" →
 * "titre XII", "chapitre ier du titre iii" → "chapitre Ier du titre III" (shown to the agent, and the same key).
 */
export function printedHeading(label: string): string {
  return label.replace(/\b(partie|livre|titre|chapitre|section)\s+([ivxlcdm]+)(er|re)?\b/gi, (_match, level: string, numeral: string, ordinal: string | undefined) =>
    `${level} ${numeral.toUpperCase()}${ordinal ? ordinal.toLowerCase() : ''}`,
  );
}

function describe(job: WorkJobInput): string {
  switch (job.kind) {
    case 'summarise-document':
      return say.describeDocumentJob(job.file.name);
    case 'summarise-conversation':
      return say.CONVERSATION_JOB;
    case 'summarise-code':
      return job.part.type === 'articles' ? say.describeArticlesJob(job.part.from, job.part.to) : say.describeDocumentJob(job.part.label);
  }
}
