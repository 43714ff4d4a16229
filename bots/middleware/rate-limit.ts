import { randomUUID } from 'node:crypto';
import { parseInput } from '../commands/command-parser.ts';
import type { Logger } from '../logger.ts';
import type { IncomingMessage } from '../message.ts';
import { notice } from '../reply.ts';
import type { Stage, Turn } from '../pipeline.ts';
import type { RateSlot, RateSlots } from '../../state/state-store.ts';
import * as say from '../user-messages.ts';

/** The window the limit is counted over. */
const WINDOW_MS = 60_000;
/** How often a process looks again at held questions of a channel it does not answer (another replica's). */
const OTHER_CHANNEL_RECHECK_MS = 5_000;

/** The channel of a held question (user keys are `<channel>:<user id>`). */
function channelOfSlot(slot: RateSlot): string {
  return slot.userKey.slice(0, slot.userKey.indexOf(':'));
}

/** Held questions released per pass of the timer. */
const RELEASE_BATCH = 50;
/** Commands are recognised without the catalogue's prefixes: a prefixed question is a question either way. */
const NO_PREFIXES = { get: () => undefined };

export interface RateLimitOptions {
  /** Questions a user may ask per minute (`bot.rateLimitPerMinute`). */
  perMinute: number;
  /** Questions one user may have waiting at once; default 5 minutes' worth. Beyond, the question is refused (and said so). */
  maxHeld?: number;
  now?: () => Date;
}

/**
 * Per-user limit on questions, in the state store (it survives restarts and is shared by the processes that
 * read it). Commands (`aide`, `sources`, `tâches`, `annule`, `paramètres`, `annonce`…) do not count. A question
 * beyond `perMinute` in a minute is not dropped: it is held, with its due time, and answered then; the user is
 * told once per burst, in French, that it is queued and when it will be answered.
 *
 * Held questions are released by a timer (`start`) and run through the pipeline again from the access stage
 * (`release` is `Bot#handle` with `released`), so rights are checked again at release time. One bot process
 * owns each channel: the slots of one user are computed one message at a time in this process.
 */
export class RateLimitStage implements Stage {
  readonly name = 'rate-limit';
  private readonly maxHeld: number;
  private readonly now: () => Date;
  private readonly users = new Map<string, Promise<unknown>>();
  private release: ((message: IncomingMessage) => Promise<void>) | undefined;
  private accepts: (channel: string) => boolean = () => true;
  private timer: NodeJS.Timeout | undefined;
  private releasing: Promise<number> | undefined;

  constructor(
    private readonly slots: RateSlots,
    private readonly logger: Logger,
    private readonly options: RateLimitOptions,
  ) {
    this.maxHeld = options.maxHeld ?? options.perMinute * 5;
    this.now = options.now ?? (() => new Date());
  }

  async handle(turn: Turn): Promise<boolean> {
    if (turn.released) return true; // its slot was counted when it was held
    if (isCommand(turn.message.text)) return true;
    const userKey = `${turn.message.channel}:${turn.message.sender.id}`;
    return this.serially(userKey, () => this.admit(turn, userKey));
  }

  /**
   * Starts releasing held questions, through `release` (the bot's handler), at their due times; resolves once
   * the questions already due (held before a restart) have been released. `accepts`: the channels this
   * process answers on (replicas: a Tchap question is released by the replica holding the Tchap connection;
   * the others leave it, looking again every few seconds).
   */
  start(release: (message: IncomingMessage) => Promise<void>, accepts?: (channel: string) => boolean): Promise<number> {
    this.release = release;
    if (accepts) this.accepts = accepts;
    return this.releaseDue();
  }

  stop(): void {
    this.release = undefined;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** Runs the held questions that are due; returns how many. Schedules the next pass. */
  async releaseDue(): Promise<number> {
    if (this.releasing) return this.releasing;
    this.releasing = this.releaseBatch().finally(() => {
      this.releasing = undefined;
    });
    const count = await this.releasing;
    await this.schedule();
    return count;
  }

  private async releaseBatch(): Promise<number> {
    const release = this.release;
    if (!release) return 0;
    let count = 0;
    try {
      const due = await this.slots.dueSlots(this.now().toISOString(), RELEASE_BATCH);
      for (const slot of due) {
        if (!this.accepts(channelOfSlot(slot))) continue; // another replica's channel
        if (!(await this.slots.releaseSlot(slot.id))) continue; // released by another pass
        count++;
        await release(slot.message as IncomingMessage).catch((error: unknown) => this.logger.error('held question failed', { error }));
      }
    } catch (error) {
      this.logger.warn('could not release held questions', { error });
    }
    return count;
  }

  private async schedule(): Promise<void> {
    if (!this.release) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    let next: RateSlot | undefined;
    try {
      // The latest date every store parses (PostgreSQL refuses JavaScript's extended years such as +275760-09-13).
      [next] = await this.slots.dueSlots('9999-12-31T23:59:59.999Z', 1);
    } catch (error) {
      this.logger.warn('could not read held questions', { error });
      next = { id: '', userKey: '', at: new Date(this.now().getTime() + WINDOW_MS).toISOString() }; // try again later
    }
    if (!next || !this.release) return;
    // A question of a channel this process does not answer stays for its replica: looked at again later.
    const floor = this.accepts(channelOfSlot(next)) ? 0 : OTHER_CHANNEL_RECHECK_MS;
    const delay = Math.max(floor, Math.min(Date.parse(next.at) - this.now().getTime(), 2_147_000_000));
    this.timer = setTimeout(() => void this.releaseDue(), delay);
    this.timer.unref();
  }

  private async admit(turn: Turn, userKey: string): Promise<boolean> {
    const { perMinute } = this.options;
    const now = this.now();
    const since = new Date(now.getTime() - WINDOW_MS);
    const slots = await this.slots.userSlots(userKey, since.toISOString());
    const held = slots.filter((slot) => slot.message !== undefined);
    const counted = slots.filter((slot) => Date.parse(slot.at) > since.getTime() || slot.message !== undefined);
    if (held.length === 0 && counted.length < perMinute) {
      await this.slots.addSlot({ id: randomUUID(), userKey, at: now.toISOString() });
      if (Math.random() < 0.01) await this.slots.pruneSlots(since.toISOString()).catch(() => 0);
      return true;
    }
    if (held.length >= this.maxHeld) {
      await turn.reply(notice(say.questionQueueFull(held.length)));
      return false;
    }
    // The earliest time at which fewer than `perMinute` slots fall in the minute before it, after the last held one.
    const times = counted.map((slot) => Date.parse(slot.at)).sort((a, b) => a - b);
    const nth = times[times.length - perMinute];
    const dueMs = Math.max(now.getTime(), nth === undefined ? 0 : nth + WINDOW_MS, ...held.map((slot) => Date.parse(slot.at)));
    const due = new Date(dueMs);
    await this.slots.addSlot({ id: randomUUID(), userKey, at: due.toISOString(), message: { ...turn.message } });
    if (held.length === 0) await turn.reply(notice(say.questionQueued(perMinute, due, now)));
    if (this.release && (!this.timer || held.length === 0)) await this.schedule();
    return false;
  }

  /** One message of a user at a time: the slots are read then written. */
  private serially<T>(userKey: string, work: () => Promise<T>): Promise<T> {
    const previous = this.users.get(userKey) ?? Promise.resolve();
    const result = previous.then(work, work);
    const settled = result.catch(() => undefined);
    this.users.set(userKey, settled);
    void settled.then(() => {
      if (this.users.get(userKey) === settled) this.users.delete(userKey);
    });
    return result;
  }
}

/** Commands (and the admins' ones) do not count toward the limit: only questions do. */
export function isCommand(text: string): boolean {
  const type = parseInput(text, NO_PREFIXES).type;
  return type !== 'question' && type !== 'unknown-command';
}
