import { PasserelleError } from "../bots/errors.js";
import { setImmediate, setTimeout as sleep } from 'node:timers/promises';
import Bull from 'bull';
import { isPermanentFailure } from "./job-queue.js";
export class BullJobQueue {
    name;
    durable = true;
    queue;
    prefix;
    cancelPollMs;
    keepCompletedSeconds;
    onError;
    closing = false;
    started = Promise.resolve();
    constructor(name, options) {
        this.name = name;
        this.prefix = options.prefix ?? 'passerelle';
        this.cancelPollMs = options.cancelPollMs ?? 500;
        this.keepCompletedSeconds = options.keepCompletedSeconds ?? 3_600;
        this.onError = options.onError;
        this.queue = new Bull(name, options.redisUrl, {
            prefix: this.prefix,
            settings: {
                lockDuration: options.lockDurationMs ?? 30_000,
                stalledInterval: options.stalledIntervalMs ?? 15_000,
                maxStalledCount: 2,
                // The port's backoff: the first retry after `backoffMs`, then doubled (bull's own "exponential" gives
                // 1×, 3×, 7×).
                backoffStrategies: { doubling: (attemptsMade, _error, options) => (options?.delay ?? 2_000) * 2 ** Math.max(0, attemptsMade - 1) },
            },
        });
        this.queue.on('error', () => undefined);
    }
    async add(data, options) {
        const existing = await this.queue.getJob(options.jobId);
        if (existing) {
            // Pending or completed: the same job (deduplicated). Failed or cancelled: asking again runs it again.
            if ((await existing.getState()) !== 'failed')
                return { id: String(existing.id), created: false };
            await existing.remove();
        }
        // A cancellation flag left by an earlier job of this id must not cancel the new one.
        await this.queue.client.del(this.cancelKey(options.jobId));
        const job = await this.queue.add('job', data, {
            jobId: options.jobId,
            attempts: options.attempts ?? 3,
            backoff: { type: 'doubling', options: { delay: options.backoffMs ?? 2_000 } },
            ...(options.priority ? { priority: options.priority } : {}),
            removeOnComplete: { age: this.keepCompletedSeconds },
            removeOnFail: { age: 7 * 86_400 },
            // Our own per-attempt limit (bull's `timeout` fails the job but leaves the processor running).
            ...{ timeoutMs: options.timeoutMs },
        });
        return { id: String(job.id), created: true };
    }
    process(concurrency, processor) {
        this.started = this.startProcessing(concurrency, processor);
    }
    /**
     * bull opens its blocking and subscriber connections lazily, in asynchronous steps its close() does not
     * wait for (and sends a CLIENT SETNAME nobody awaits): closed meanwhile, a connection stayed open,
     * reconnecting forever, and promises rejected unhandled. So processing starts once every connection is
     * ready, and close() waits for that start.
     */
    async startProcessing(concurrency, processor) {
        try {
            await this.queue.isReady();
            const internals = this.queue;
            await Promise.all([ready(internals.bclient), ready(internals.eclient)]);
        }
        catch (error) {
            if (!this.closing)
                this.onError?.(error);
            return;
        }
        if (this.closing)
            return;
        const started = this.queue.process('*', concurrency, async (job) => {
            const id = String(job.id);
            const controller = new AbortController();
            const client = this.queue.client;
            const poll = setInterval(() => {
                client
                    .exists(this.cancelKey(id))
                    .then((flag) => {
                    if (flag)
                        controller.abort(new Error('cancelled'));
                })
                    .catch(() => undefined);
            }, this.cancelPollMs);
            const timeoutMs = job.opts.timeoutMs;
            const timer = timeoutMs ? setTimeout(() => controller.abort(new Error('timeout')), timeoutMs) : undefined;
            try {
                if (await client.exists(this.cancelKey(id)))
                    throw new PasserelleError('JOB_CANCELLED', {}, { cause: new Error('cancelled before start') });
                await processor(job.data, {
                    id,
                    createdAt: job.timestamp,
                    attempt: job.attemptsMade + 1,
                    signal: controller.signal,
                    reportProgress: async (percent) => {
                        await job.progress(Math.max(0, Math.min(100, Math.round(percent))));
                    },
                });
            }
            catch (error) {
                if (isPermanentFailure(error) || controller.signal.aborted)
                    await job.discard();
                throw error;
            }
            finally {
                clearInterval(poll);
                if (timer)
                    clearTimeout(timer);
            }
        });
        started.catch((error) => {
            if (!this.closing)
                this.onError?.(error);
        });
        await setImmediate();
    }
    async get(id) {
        const job = await this.queue.getJob(id);
        if (!job)
            return undefined;
        return this.snapshot(job);
    }
    async pending() {
        const jobs = await this.queue.getJobs(['waiting', 'active', 'delayed']);
        const snapshots = await Promise.all(jobs.filter(Boolean).map((job) => this.snapshot(job)));
        // An active job asked to stop is no longer pending for the user (its processor is being aborted).
        return snapshots.filter((job) => job.state !== 'cancelled').sort((a, b) => a.createdAt - b.createdAt);
    }
    async cancel(id) {
        const job = await this.queue.getJob(id);
        if (!job)
            return false;
        const state = await job.getState();
        if (state === 'completed' || state === 'failed')
            return false;
        await this.queue.client.set(this.cancelKey(id), '1', 'EX', 86_400);
        if (state !== 'active')
            await job.remove().catch(() => undefined);
        return true;
    }
    async counts() {
        const counts = await this.queue.getJobCounts();
        return { waiting: counts.waiting, delayed: counts.delayed, active: counts.active, failed: counts.failed };
    }
    async healthy() {
        let timer;
        try {
            await Promise.race([this.queue.client.ping(), new Promise((_, reject) => (timer = setTimeout(() => reject(new Error('timeout')), 1_000)))]);
            return true;
        }
        catch {
            return false;
        }
        finally {
            clearTimeout(timer);
        }
    }
    async close() {
        this.closing = true;
        // Waits for a start under way (never long: not at all while Redis is unreachable).
        await Promise.race([this.started, sleep(1_000, undefined, { ref: false })]);
        await this.queue.close().catch(() => undefined);
    }
    cancelKey(id) {
        return `${this.prefix}:${this.name}:cancelled:${id}`;
    }
    async snapshot(read) {
        const raw = await read.getState();
        // The job was read before its state: if it finished in between, read it again for its final fields
        // (failedReason, attemptsMade, progress).
        const job = raw === 'completed' || raw === 'failed' ? ((await this.queue.getJob(read.id)) ?? read) : read;
        const cancelled = await this.queue.client.exists(this.cancelKey(String(job.id)));
        const state = cancelled ? 'cancelled' : (['waiting', 'delayed', 'active', 'completed', 'failed'].includes(raw) ? raw : raw === 'paused' ? 'waiting' : 'unknown');
        return {
            id: String(job.id),
            data: job.data,
            state,
            progress: typeof job.progress() === 'number' ? job.progress() : 0,
            attemptsMade: job.attemptsMade,
            ...(job.failedReason ? { failedReason: job.failedReason } : {}),
            createdAt: job.timestamp,
        };
    }
}
/** Resolves when the connection is ready — after any number of failed attempts while Redis is down. */
function ready(client) {
    return client.status === 'ready' ? Promise.resolve() : new Promise((resolve) => client.once('ready', () => resolve()));
}
