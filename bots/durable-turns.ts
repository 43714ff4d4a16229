import type { InboundTurns, TurnTicket } from './inbound-event.ts';
import type { Logger } from './logger.ts';
import type { ChannelName } from './message.ts';
import type { TurnJournal } from '../state/turn-journal.ts';

/**
 * No question lost when a replica dies. A channel that acknowledges a message before answering it (Teams:
 * 200 at once, never delivered again) records the message in the shared turn journal first
 * (state/turn-journal.ts); this replica claims it while it handles it (the claim renewed every
 * `renewEveryMs`), and marks it done once answered. Every replica sweeps the journal every `sweepEveryMs`:
 * a turn whose claim expired — its replica died, or failed to handle it — is claimed by one replica and
 * handled again through the channel's recovery handler. The core's dedupe (a message is seen only once
 * answered) and the replies' idempotency keys make the second run answer exactly what the first had not.
 *
 * A replica is presumed dead `ttlMs` after its last renewal: with 20 s and a sweep every 5 s, a question
 * held by a replica killed with SIGKILL is answered by another within about 25 s (plus the answer's time).
 */

export interface DurableTurnsOptions {
  /** This process, unique across replicas and restarts. */
  owner: string;
  /** Claim lifetime, ms. Default 20,000. */
  ttlMs?: number;
  /** Renewal of this replica's claims, ms. Default 5,000. */
  renewEveryMs?: number;
  /** Sweep for expired claims, ms. Default 5,000. */
  sweepEveryMs?: number;
  /** Claims of one turn before it is given up. Default 3. */
  maxAttempts?: number;
  /** Finished turns are deleted after this long, ms. Default one day. */
  keepFinishedMs?: number;
}

export class DurableTurns implements InboundTurns {
  private readonly handlers = new Map<ChannelName, (payload: unknown) => Promise<void>>();
  /** Turns this replica is handling (their claims are renewed). */
  private readonly held = new Set<string>();
  private readonly recovering = new Set<Promise<void>>();
  private readonly ttlMs: number;
  private readonly maxAttempts: number;
  private renewTimer: NodeJS.Timeout | undefined;
  private sweepTimer: NodeJS.Timeout | undefined;
  private sweeping: Promise<void> | undefined;
  private stopped = false;
  private lastPurge = 0;

  constructor(
    private readonly journal: TurnJournal,
    private readonly options: DurableTurnsOptions,
    private readonly logger: Logger,
  ) {
    this.ttlMs = options.ttlMs ?? 20_000;
    this.maxAttempts = options.maxAttempts ?? 3;
    if ((options.renewEveryMs ?? 5_000) * 2 >= this.ttlMs) throw new RangeError('the renewal period must be under half the claim lifetime');
  }

  async record(channel: ChannelName, id: string, payload: unknown): Promise<TurnTicket | 'duplicate'> {
    const key = `${channel}:${id}`;
    if (!(await this.journal.record(key, channel, payload, this.options.owner, this.ttlMs))) return 'duplicate';
    this.held.add(key);
    return { id: key };
  }

  async settle(ticket: TurnTicket, handled: boolean): Promise<void> {
    this.held.delete(ticket.id);
    if (!handled) return; // left pending: claimed again once its claim expires
    await this.journal.finish(ticket.id).catch((error: unknown) => this.logger.warn('turn journal: could not mark a turn done (its replay will be dropped as a duplicate)', { error }));
  }

  onRecovered(channel: ChannelName, handle: (payload: unknown) => Promise<void>): void {
    this.handlers.set(channel, handle);
  }

  /** Starts renewing this replica's claims and sweeping for turns of replicas that died. */
  start(): void {
    this.renewTimer = setInterval(() => void this.renew(), this.options.renewEveryMs ?? 5_000);
    this.sweepTimer = setInterval(() => void this.sweep(), this.options.sweepEveryMs ?? 5_000);
    this.renewTimer.unref();
    this.sweepTimer.unref();
    void this.sweep();
  }

  /** Stops sweeping; the turns recovered so far finish. Claims of turns still held lapse (another replica takes them). */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.renewTimer);
    clearInterval(this.sweepTimer);
    await this.sweeping;
    while (this.recovering.size > 0) await Promise.allSettled([...this.recovering]);
  }

  /** One sweep (also run by tests): claims expired turns of the channels this replica handles and handles them. */
  sweep(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    this.sweeping ??= this.runSweep()
      .catch((error: unknown) => this.logger.warn('turn journal sweep failed', { error }))
      .finally(() => (this.sweeping = undefined));
    return this.sweeping;
  }

  private async runSweep(): Promise<void> {
    const channels = [...this.handlers.keys()];
    if (channels.length === 0) return;
    const { claimed, abandoned } = await this.journal.claimExpired(channels, this.options.owner, this.ttlMs, 20, this.maxAttempts);
    for (const id of abandoned) this.logger.error('turn given up after repeated failures: the question stays unanswered', { turn: id, attempts: this.maxAttempts });
    for (const turn of claimed) {
      const handle = this.handlers.get(turn.channel as ChannelName);
      if (!handle) continue;
      this.held.add(turn.id);
      this.logger.warn('turn recovered from a replica that stopped before answering: handled here', { turn: turn.id, attempt: turn.attempts });
      const run = (async () => {
        let handled = false;
        try {
          await handle(turn.payload);
          handled = true;
        } catch (error) {
          this.logger.error('recovered turn failed', { turn: turn.id, error });
        }
        await this.settle(turn, handled);
      })();
      this.recovering.add(run);
      void run.finally(() => this.recovering.delete(run));
    }
    if (Date.now() - this.lastPurge > 3_600_000) {
      this.lastPurge = Date.now();
      await this.journal.purge(this.options.keepFinishedMs ?? 86_400_000);
    }
  }

  private async renew(): Promise<void> {
    if (this.held.size === 0) return;
    await this.journal.renew([...this.held], this.options.owner, this.ttlMs).catch((error: unknown) => this.logger.warn('turn journal: claims not renewed', { error }));
  }
}
