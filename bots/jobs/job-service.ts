import { createHash } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { PasserelleError } from '../errors.ts';
import type { JobQueue, JobSnapshot, JobState } from '../../queue/job-queue.ts';
import type { WorkJob, WorkJobInput } from '../../queue/jobs.ts';

/**
 * The bot side of long jobs: idempotent ids (the same request on the same content in the same conversation
 * within the window is the same job), a per-user limit, and a clear QUEUE_UNAVAILABLE when Redis is down — questions keep
 * being answered meanwhile.
 */

export interface JobServiceSettings {
  maxJobsPerUser: number;
  attempts: number;
  backoffMs: number;
  jobTimeoutMs: number;
  dedupeWindowMs: number;
}

export interface SubmittedJob {
  id: string;
  /** False when an identical request already exists (deduplicated). */
  created: boolean;
  /** Jobs ahead of this one. */
  ahead: number;
  /** Where the job stands: `completed` when an identical request was already answered within the window. */
  state: JobState;
}

export class JobService {
  constructor(
    private readonly queue: JobQueue<WorkJobInput>,
    private readonly settings: JobServiceSettings,
    private readonly now: () => number = Date.now,
  ) {}

  get durable(): boolean {
    return this.queue.durable;
  }

  /**
   * `fingerprint` identifies the request's content (file hash, code part, messages digest). `onAccepted`
   * runs once the request passed the checks and just before the job is queued (to acknowledge it first).
   */
  async submit(job: WorkJobInput, fingerprint: string, onAccepted?: (accepted: { id: string; ahead: number }) => Promise<unknown>): Promise<SubmittedJob> {
    if (!(await this.queue.healthy())) throw new PasserelleError('QUEUE_UNAVAILABLE');
    const window = Math.floor(this.now() / this.settings.dedupeWindowMs);
    // The same request in another conversation is another job: its result is posted there, and « déjà
    // traitée… publié plus haut dans cette conversation » must be true where it is said.
    const id = `${job.kind.replace('summarise-', 'res-')}-${createHash('sha256').update(`${job.requester.userHash}|${job.address.key}|${fingerprint}|${'length' in job ? job.length : ''}|${window}`).digest('hex').slice(0, 10)}`;
    let pending: Array<JobSnapshot<WorkJobInput>>;
    try {
      pending = await this.queue.pending();
    } catch (error) {
      throw new PasserelleError('QUEUE_UNAVAILABLE', {}, { cause: error });
    }
    const existing = pending.find((entry) => entry.id === id);
    if (existing) return { id, created: false, ahead: pending.indexOf(existing), state: existing.state };
    const mine = pending.filter((entry) => entry.data.requester.userHash === job.requester.userHash);
    if (mine.length >= this.settings.maxJobsPerUser) throw new PasserelleError('JOB_LIMIT_REACHED', { count: mine.length, max: this.settings.maxJobsPerUser });
    await onAccepted?.({ id, ahead: pending.length });
    try {
      const added = await this.queue.add(job, {
        jobId: id,
        attempts: this.settings.attempts,
        backoffMs: this.settings.backoffMs,
        timeoutMs: this.settings.jobTimeoutMs,
        priority: 5,
      });
      if (added.created) return { id: added.id, created: true, ahead: pending.length, state: 'waiting' };
      return { id: added.id, created: false, ahead: 0, state: (await this.queue.get(added.id))?.state ?? 'completed' };
    } catch (error) {
      throw new PasserelleError('QUEUE_UNAVAILABLE', {}, { cause: error });
    }
  }

  async list(userHash: string): Promise<Array<JobSnapshot<WorkJob>>> {
    if (!(await this.queue.healthy())) throw new PasserelleError('QUEUE_UNAVAILABLE');
    return (await this.queue.pending()).filter((entry) => entry.data.requester.userHash === userHash) as Array<JobSnapshot<WorkJob>>;
  }

  async cancel(id: string, userHash: string, isAdmin: boolean): Promise<void> {
    if (!(await this.queue.healthy())) throw new PasserelleError('QUEUE_UNAVAILABLE');
    const job = await this.queue.get(id);
    if (!job || (!isAdmin && job.data.requester.userHash !== userHash) || !(await this.queue.cancel(id))) {
      throw new PasserelleError('JOB_NOT_FOUND', { id });
    }
    // A job that never started leaves no worker to delete its uploaded copy (an active one deletes it itself).
    if (job.state !== 'active' && job.data.kind === 'summarise-document') await rm(job.data.file.path, { force: true }).catch(() => undefined);
  }
}
