/**
 * Keeps Teams' "typing…" indicator alive while an answer is being prepared. Teams hides the indicator after
 * a few seconds, and answers can take much longer: after the first typing activity, another is sent every
 * `intervalMs` until something is sent to the conversation (`stop`) or `maxMs` has passed. Best effort:
 * a failed repetition only ends the repetition.
 */
export class TypingIndicator {
    intervalMs;
    maxMs;
    timers = new Map();
    /** Start requests in flight: a stop() during the first send cancels the repetition. */
    starting = new Map();
    generation = 0;
    constructor(intervalMs = 3_000, maxMs = 60_000) {
        this.intervalMs = intervalMs;
        this.maxMs = maxMs;
    }
    /** Sends one typing activity now (errors propagate) and keeps repeating it for this conversation. */
    async start(key, sendTyping) {
        this.stop(key);
        const generation = ++this.generation;
        this.starting.set(key, generation);
        try {
            await sendTyping();
        }
        catch (error) {
            if (this.starting.get(key) === generation)
                this.starting.delete(key);
            throw error;
        }
        if (this.starting.get(key) !== generation)
            return;
        this.starting.delete(key);
        const until = Date.now() + this.maxMs;
        const timer = setInterval(() => {
            if (Date.now() >= until)
                return this.stop(key);
            sendTyping().catch(() => this.stop(key));
        }, this.intervalMs);
        timer.unref();
        this.timers.set(key, timer);
    }
    /** Stops repeating for this conversation (called before every real send). */
    stop(key) {
        this.starting.delete(key);
        const timer = this.timers.get(key);
        if (timer === undefined)
            return;
        clearInterval(timer);
        this.timers.delete(key);
    }
    stopAll() {
        this.starting.clear();
        for (const key of [...this.timers.keys()])
            this.stop(key);
    }
}
