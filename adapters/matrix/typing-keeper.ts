/**
 * Keeps "Passerelle est en train d'écrire…" visible while the bot works in a room: the typing notification
 * (30 s timeout on the server) is refreshed every `refreshMs` until the last piece of work in the room ends,
 * then withdrawn. Typing is best effort: a refused or failed request changes nothing else.
 */
export class TypingKeeper {
  private readonly rooms = new Map<string, { count: number; timer: NodeJS.Timeout }>();

  constructor(
    private readonly sendTyping: (roomId: string, typing: boolean, timeoutMs: number) => Promise<void>,
    private readonly refreshMs = 20_000,
    private readonly serverTimeoutMs = 30_000,
  ) {}

  /** Starts (or joins) the typing period of a room. */
  start(roomId: string): void {
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
  touch(roomId: string): void {
    if (!this.rooms.has(roomId)) this.send(roomId, true);
  }

  /** Ends one piece of work; the notification is withdrawn when none is left. */
  stop(roomId: string): void {
    const current = this.rooms.get(roomId);
    if (!current) return;
    current.count -= 1;
    if (current.count > 0) return;
    clearInterval(current.timer);
    this.rooms.delete(roomId);
    this.send(roomId, false);
  }

  /** Stops every timer (adapter stop); nothing is sent. */
  clear(): void {
    for (const { timer } of this.rooms.values()) clearInterval(timer);
    this.rooms.clear();
  }

  private send(roomId: string, typing: boolean): void {
    void this.sendTyping(roomId, typing, this.serverTimeoutMs).catch(() => undefined);
  }
}
