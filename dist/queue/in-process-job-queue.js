import { isPermanentFailure } from "./job-queue.js";
export class InProcessJobQueue {
    name;
    keepCompletedMs;
    durable = false;
    jobs = new Map();
    waiting = [];
    processor;
    concurrency = 1;
    active = 0;
    closed = false;
    lastCreatedAt = 0;
    timers = new Set();
    constructor(name, keepCompletedMs = 3_600_000) {
        this.name = name;
        this.keepCompletedMs = keepCompletedMs;
    }
    async add(data, options) {
        this.evictOld();
        const existing = this.jobs.get(options.jobId);
        // Pending or completed: the same job (deduplicated). Failed or cancelled: asking again runs it again.
        if (existing && existing.state !== 'failed' && existing.state !== 'cancelled')
            return { id: options.jobId, created: false };
        this.jobs.delete(options.jobId);
        // Strictly increasing: a job added again under the same id is told apart from the earlier one.
        this.lastCreatedAt = Math.max(Date.now(), this.lastCreatedAt + 1);
        this.jobs.set(options.jobId, { id: options.jobId, data, state: 'waiting', progress: 0, attemptsMade: 0, createdAt: this.lastCreatedAt, options });
        this.enqueue(options.jobId, options.priority);
        this.pump();
        return { id: options.jobId, created: true };
    }
    process(concurrency, processor) {
        this.processor = processor;
        this.concurrency = Math.max(1, concurrency);
        this.pump();
    }
    async get(id) {
        const entry = this.jobs.get(id);
        return entry ? snapshot(entry) : undefined;
    }
    async pending() {
        return [...this.jobs.values()].filter((entry) => ['waiting', 'delayed', 'active'].includes(entry.state)).map(snapshot);
    }
    async cancel(id) {
        const entry = this.jobs.get(id);
        if (!entry || !['waiting', 'delayed', 'active'].includes(entry.state))
            return false;
        const index = this.waiting.indexOf(id);
        if (index >= 0)
            this.waiting.splice(index, 1);
        entry.controller?.abort(new Error('cancelled'));
        entry.state = 'cancelled';
        entry.finishedAt = Date.now();
        return true;
    }
    async counts() {
        const counts = { waiting: 0, delayed: 0, active: 0, failed: 0 };
        for (const entry of this.jobs.values())
            if (entry.state in counts)
                counts[entry.state]++;
        return counts;
    }
    async healthy() {
        return !this.closed;
    }
    async close() {
        this.closed = true;
        for (const timer of this.timers)
            clearTimeout(timer);
        for (const entry of this.jobs.values())
            entry.controller?.abort(new Error('queue closed'));
    }
    enqueue(id, priority = 5) {
        const position = this.waiting.findIndex((other) => (this.jobs.get(other)?.options.priority ?? 5) > priority);
        if (position < 0)
            this.waiting.push(id);
        else
            this.waiting.splice(position, 0, id);
    }
    pump() {
        while (!this.closed && this.processor && this.active < this.concurrency && this.waiting.length > 0) {
            const id = this.waiting.shift();
            const entry = this.jobs.get(id);
            if (!entry || entry.state === 'cancelled')
                continue;
            void this.run(entry);
        }
    }
    async run(entry) {
        this.active++;
        entry.state = 'active';
        entry.controller = new AbortController();
        const timeout = entry.options.timeoutMs ? setTimeout(() => entry.controller?.abort(new Error('timeout')), entry.options.timeoutMs) : undefined;
        try {
            await this.processor(entry.data, {
                id: entry.id,
                createdAt: entry.createdAt,
                attempt: entry.attemptsMade + 1,
                signal: entry.controller.signal,
                reportProgress: async (percent) => {
                    entry.progress = Math.max(0, Math.min(100, Math.round(percent)));
                },
            });
            if (entry.state === 'active') {
                entry.state = 'completed';
                entry.progress = 100;
                entry.finishedAt = Date.now();
            }
        }
        catch (error) {
            entry.attemptsMade++;
            entry.failedReason = error instanceof Error ? error.message : String(error);
            const attempts = entry.options.attempts ?? 3;
            const cancelled = entry.state === 'cancelled';
            if (!cancelled && !isPermanentFailure(error) && !entry.controller.signal.aborted && entry.attemptsMade < attempts) {
                entry.state = 'delayed';
                const delay = (entry.options.backoffMs ?? 2_000) * 2 ** (entry.attemptsMade - 1);
                const timer = setTimeout(() => {
                    this.timers.delete(timer);
                    if (entry.state !== 'delayed')
                        return;
                    entry.state = 'waiting';
                    this.enqueue(entry.id, entry.options.priority);
                    this.pump();
                }, delay);
                this.timers.add(timer);
            }
            else if (!cancelled) {
                entry.state = 'failed';
                entry.finishedAt = Date.now();
            }
        }
        finally {
            if (timeout)
                clearTimeout(timeout);
            this.active--;
            this.pump();
        }
    }
    evictOld() {
        const limit = Date.now() - this.keepCompletedMs;
        for (const [id, entry] of this.jobs)
            if (entry.finishedAt !== undefined && entry.finishedAt < limit)
                this.jobs.delete(id);
    }
}
function snapshot(entry) {
    return {
        id: entry.id,
        data: entry.data,
        state: entry.state,
        progress: entry.progress,
        attemptsMade: entry.attemptsMade,
        ...(entry.failedReason ? { failedReason: entry.failedReason } : {}),
        createdAt: entry.createdAt,
    };
}
