import { createHash } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { PasserelleError } from "../errors.js";
export class JobService {
    queue;
    settings;
    now;
    constructor(queue, settings, now = Date.now) {
        this.queue = queue;
        this.settings = settings;
        this.now = now;
    }
    get durable() {
        return this.queue.durable;
    }
    /**
     * `fingerprint` identifies the request's content (file hash, code part, messages digest). `onAccepted`
     * runs once the request passed the checks and just before the job is queued (to acknowledge it first).
     */
    async submit(job, fingerprint, onAccepted) {
        if (!(await this.queue.healthy()))
            throw new PasserelleError('QUEUE_UNAVAILABLE');
        const window = Math.floor(this.now() / this.settings.dedupeWindowMs);
        const id = `${job.kind.replace('summarise-', 'res-')}-${createHash('sha256').update(`${job.requester.userHash}|${fingerprint}|${'length' in job ? job.length : ''}|${window}`).digest('hex').slice(0, 10)}`;
        let pending;
        try {
            pending = await this.queue.pending();
        }
        catch (error) {
            throw new PasserelleError('QUEUE_UNAVAILABLE', {}, { cause: error });
        }
        const existing = pending.find((entry) => entry.id === id);
        if (existing)
            return { id, created: false, ahead: pending.indexOf(existing), state: existing.state };
        const mine = pending.filter((entry) => entry.data.requester.userHash === job.requester.userHash);
        if (mine.length >= this.settings.maxJobsPerUser)
            throw new PasserelleError('JOB_LIMIT_REACHED', { count: mine.length, max: this.settings.maxJobsPerUser });
        await onAccepted?.({ id, ahead: pending.length });
        try {
            const added = await this.queue.add(job, {
                jobId: id,
                attempts: this.settings.attempts,
                backoffMs: this.settings.backoffMs,
                timeoutMs: this.settings.jobTimeoutMs,
                priority: 5,
            });
            if (added.created)
                return { id: added.id, created: true, ahead: pending.length, state: 'waiting' };
            return { id: added.id, created: false, ahead: 0, state: (await this.queue.get(added.id))?.state ?? 'completed' };
        }
        catch (error) {
            throw new PasserelleError('QUEUE_UNAVAILABLE', {}, { cause: error });
        }
    }
    async list(userHash) {
        if (!(await this.queue.healthy()))
            throw new PasserelleError('QUEUE_UNAVAILABLE');
        return (await this.queue.pending()).filter((entry) => entry.data.requester.userHash === userHash);
    }
    async cancel(id, userHash, isAdmin) {
        if (!(await this.queue.healthy()))
            throw new PasserelleError('QUEUE_UNAVAILABLE');
        const job = await this.queue.get(id);
        if (!job || (!isAdmin && job.data.requester.userHash !== userHash) || !(await this.queue.cancel(id))) {
            throw new PasserelleError('JOB_NOT_FOUND', { id });
        }
        // A job that never started leaves no worker to delete its uploaded copy (an active one deletes it itself).
        if (job.state !== 'active' && job.data.kind === 'summarise-document')
            await rm(job.data.file.path, { force: true }).catch(() => undefined);
    }
}
