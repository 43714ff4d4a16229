/**
 * Keeps "Passerelle est en train d'écrire…" visible while the bot works in a room: the typing notification
 * (30 s timeout on the server) is refreshed every `refreshMs` until the last piece of work in the room ends,
 * then withdrawn. Typing is best effort: a refused or failed request changes nothing else.
 */
export class TypingKeeper {
    sendTyping;
    refreshMs;
    serverTimeoutMs;
    rooms = new Map();
    constructor(sendTyping, refreshMs = 20_000, serverTimeoutMs = 30_000) {
        this.sendTyping = sendTyping;
        this.refreshMs = refreshMs;
        this.serverTimeoutMs = serverTimeoutMs;
    }
    /** Starts (or joins) the typing period of a room. */
    start(roomId) {
        const current = this.rooms.get(roomId);
        if (current) {
            current.count += 1;
            return;
        }
        const timer = setInterval(() => this.send(roomId, true), this.refreshMs);
        timer.unref();
        this.rooms.set(roomId, { count: 1, timer });
        this.send(roomId, true);
    }
    /** Refreshes now if the room is typing, else starts a single notification (the core's `typing`). */
    touch(roomId) {
        if (!this.rooms.has(roomId))
            this.send(roomId, true);
    }
    /** Ends one piece of work; the notification is withdrawn when none is left. */
    stop(roomId) {
        const current = this.rooms.get(roomId);
        if (!current)
            return;
        current.count -= 1;
        if (current.count > 0)
            return;
        clearInterval(current.timer);
        this.rooms.delete(roomId);
        this.send(roomId, false);
    }
    /** Stops every timer (adapter stop); nothing is sent. */
    clear() {
        for (const { timer } of this.rooms.values())
            clearInterval(timer);
        this.rooms.clear();
    }
    send(roomId, typing) {
        void this.sendTyping(roomId, typing, this.serverTimeoutMs).catch(() => undefined);
    }
}
