/**
 * Paces the edits of one message (progress, streaming): at least `intervalMs` between two requests for the
 * same message, in order. Progress edits are coalesced (only the latest waiting one is sent); a final edit
 * is always sent, after any edit already on its way, and replaces progress still waiting.
 */
export class EditThrottle {
    intervalMs;
    onError;
    now;
    sleep;
    maxTracked;
    states = new Map();
    constructor(intervalMs, onError, now = Date.now, sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms)), maxTracked = 1_000) {
        this.intervalMs = intervalMs;
        this.onError = onError;
        this.now = now;
        this.sleep = sleep;
        this.maxTracked = maxTracked;
    }
    /** Records that the message itself was just sent (its first edit waits one interval). */
    noteSent(messageId) {
        this.state(messageId).last = this.now();
    }
    /** Queues a progress edit: coalesced, errors reported to `onError`, never awaited by the caller. */
    progress(messageId, edit) {
        const state = this.state(messageId);
        state.pending = edit;
        if (state.scheduled)
            return;
        state.scheduled = true;
        state.chain = state.chain.then(async () => {
            await this.waitTurn(state);
            state.scheduled = false;
            const job = state.pending;
            state.pending = undefined;
            if (!job)
                return;
            state.last = this.now();
            await job().catch(this.onError);
        });
    }
    /** Sends a final edit in order; resolves when it is sent, rejects if it fails. */
    final(messageId, edit) {
        const state = this.state(messageId);
        state.pending = undefined;
        const result = state.chain.then(async () => {
            await this.waitTurn(state);
            state.last = this.now();
            await edit();
        });
        state.chain = result.catch(() => undefined);
        return result;
    }
    async waitTurn(state) {
        const wait = state.last + this.intervalMs - this.now();
        if (wait > 0)
            await this.sleep(wait);
    }
    state(messageId) {
        let state = this.states.get(messageId);
        if (!state) {
            state = { last: 0, chain: Promise.resolve(), scheduled: false };
            this.states.set(messageId, state);
            if (this.states.size > this.maxTracked)
                this.states.delete(this.states.keys().next().value);
        }
        return state;
    }
}
