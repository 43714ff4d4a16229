import type { Logger } from '../logger.ts';
import type { Outbound } from '../outbound/outbound.ts';
import { notice } from '../reply.ts';
import type { AnnouncementChannel, AnnouncementRecord, AnnouncementStore } from '../../state/announcement-store.ts';
import { jobIdOf, type AnnouncementQueues } from './fanout-queues.ts';
import * as say from './messages.ts';
import type { RecipientSender } from './recipient-sender.ts';

/**
 * The fan-out in the bot process (it owns the channel connections): consumes the per-channel queues with
 * the RecipientSender, starts scheduled announcements when due, completes announcements, and repairs after
 * a crash. On start, before consuming anything:
 *  1. every recipient row left in 'sending' by the previous process is resolved (RecipientSender);
 *  2. every pending recipient of an announcement being sent gets its job (idempotent ids: existing jobs
 *     are kept; a finished job whose row is still pending — in-process queue lost, bull job given up — is
 *     replaced by a new one);
 * then a periodic tick starts due announcements (compare-and-set: started once), completes finished ones,
 * and re-checks an announcement that made no progress for `staleMs`: rows left in 'sending' by a replica that
 * died since, then its jobs.
 */

export interface FanoutOptions {
  concurrency: Record<AnnouncementChannel, number>;
  /** Total job attempts the queue allows (above the sender's maxAttempts: the store decides). */
  jobAttempts: number;
  /** First retry delay of a job, doubled each time. */
  backoffMs: number;
  /** Period of the scheduler and watchdog. */
  tickMs: number;
  /** An announcement without progress for this long has its jobs checked again. */
  staleMs: number;
  /** Jobs enqueued concurrently. */
  enqueueParallelism: number;
}

export interface FanoutConsumerDeps {
  store: AnnouncementStore;
  queues: AnnouncementQueues;
  sender: RecipientSender;
  /** The one outbound path: the completion notice to the admin who asked in chat. */
  outbound: Pick<Outbound, 'channel' | 'send'>;
  /** Identifies this consumer instance (new at each start of the process). */
  owner: string;
  logger: Logger;
  options: FanoutOptions;
  now?: () => Date;
}

const PAGE = 1_000;

export class FanoutConsumer {
  private readonly lastActivity = new Map<string, number>();
  /** Channels whose queues this consumer processes (their interrupted rows are its to repair). */
  private readonly consumed = new Set<AnnouncementChannel>();
  private readonly completionChecks = new Map<string, NodeJS.Timeout>();
  private readonly background = new Set<Promise<void>>();
  private timer: NodeJS.Timeout | undefined;
  private ticking: Promise<void> | undefined;
  private starting: Promise<void> | undefined;
  private readonly now: () => Date;

  constructor(private readonly deps: FanoutConsumerDeps) {
    this.now = deps.now ?? (() => new Date());
  }

  /**
   * Repairs, then consumes the queues of `channels` (default both; a replica without the Tchap connection
   * consumes Teams only, and Tchap once it holds the connection: `consume`). Idempotent (a second call
   * returns the first one's promise).
   */
  start(channels: readonly AnnouncementChannel[] = ['teams', 'matrix']): Promise<void> {
    this.starting ??= this.run(channels);
    return this.starting;
  }

  /**
   * Consumes one more channel's queue from now on (this replica took the Tchap connection), after repairing
   * that channel's rows a dead process left in 'sending' — only now can they be resolved as the channel
   * allows (sent again with the same key on Tchap).
   */
  async consume(channel: AnnouncementChannel): Promise<void> {
    await this.start([]);
    if (this.consumed.has(channel)) return;
    this.consumed.add(channel);
    for (const announcement of await this.deps.store.listAnnouncements({ statuses: ['sending'] })) {
      await this.repairInterrupted(announcement.id);
      await this.enqueue(announcement.id, { verify: true, replaceActive: true });
    }
    this.deps.queues[channel].process(this.deps.options.concurrency[channel], this.deps.sender.processor());
  }

  private async run(channels: readonly AnnouncementChannel[]): Promise<void> {
    const { store, sender, queues, options } = this.deps;
    for (const channel of channels) this.consumed.add(channel);
    for (const announcement of await store.listAnnouncements({ statuses: ['sending'] })) {
      await this.repairInterrupted(announcement.id);
      // Before this process consumes anything, an "active" job can only be a dead process's (bull keeps it
      // locked until its lock expires): its row gets a job of its own now; the old one, when it runs, finds
      // the row already claimed or finished and does nothing.
      await this.enqueue(announcement.id, { verify: true, replaceActive: true });
    }
    for (const channel of channels) queues[channel].process(options.concurrency[channel], sender.processor());
    await this.tick();
    this.timer = setInterval(() => void this.tick(), options.tickMs);
    this.timer.unref();
  }

  /**
   * Resolves the rows left in 'sending' by consumer instances that died (not those another live replica is
   * sending), on the channels this consumer consumes: how a row is resolved depends on its channel's adapter.
   */
  private async repairInterrupted(announcementId: string): Promise<void> {
    const { store, sender } = this.deps;
    for (let after: string | undefined; ; ) {
      const page = await store.listRecipients(announcementId, { statuses: ['sending'], limit: PAGE, ...(after ? { afterKey: after } : {}) });
      for (const recipient of page) {
        if (this.consumed.has(recipient.channel) && recipient.claimedBy !== this.deps.owner && sender.interrupted(recipient)) await sender.resolveInterrupted(recipient);
      }
      if (page.length < PAGE) break;
      after = page.at(-1)?.key;
    }
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    for (const timer of this.completionChecks.values()) clearTimeout(timer);
    this.completionChecks.clear();
    await Promise.all([this.ticking, ...this.background]);
  }

  /**
   * Enqueues one job per pending recipient, both channels at once (so that neither waits for the other's
   * jobs to be enqueued). `verify`: an id already used by a finished job (its row still pending) gets a new
   * job under a generation suffix; with `replaceActive`, so does one held by another (dead) consumer.
   */
  async enqueue(announcementId: string, options: { verify?: boolean; replaceActive?: boolean } = {}): Promise<number> {
    this.lastActivity.set(announcementId, Date.now());
    const live = options.replaceActive ? ['waiting', 'delayed'] : ['waiting', 'delayed', 'active'];
    const added = await Promise.all((['teams', 'matrix'] as const).map((channel) => this.enqueueChannel(announcementId, channel, options.verify ? live : undefined)));
    const total = added.reduce((sum, n) => sum + n, 0);
    if (total > 0) this.deps.logger.info('announcement jobs enqueued', { announcement: announcementId, jobs: total });
    return total;
  }

  /** Starts enqueuing in the background (confirmation answers at once); a failure is repaired by the watchdog. */
  kick(announcementId: string): void {
    const task = this.enqueue(announcementId)
      .then(() => undefined)
      .catch((error: unknown) => this.deps.logger.error('announcement jobs not all enqueued (retried by the watchdog)', { announcement: announcementId, error }))
      .finally(() => this.background.delete(task));
    this.background.add(task);
  }

  /** Resolves once the enqueuing started so far is over (tests, benchmark). */
  async settled(): Promise<void> {
    while (this.background.size > 0) await Promise.all(this.background);
  }

  /** Recipient keys start with their channel (`teams:…`): a key range per channel, paged in key order. */
  private async enqueueChannel(announcementId: string, channel: AnnouncementChannel, liveStates: readonly string[] | undefined): Promise<number> {
    const { store, queues } = this.deps;
    const prefix = `${channel}:`;
    const queue = queues[channel];
    let added = 0;
    for (let after = prefix; ; ) {
      const page = await store.listRecipients(announcementId, { statuses: ['pending'], limit: PAGE, afterKey: after });
      const mine = page.filter((recipient) => recipient.key.startsWith(prefix));
      await eachLimited(mine, this.deps.options.enqueueParallelism, async (recipient) => {
        const data = { announcementId, key: recipient.key };
        const jobId = jobIdOf(announcementId, recipient.key);
        const result = await queue.add(data, this.jobOptions(jobId));
        if (result.created) added++;
        else if (liveStates) {
          const existing = await queue.get(jobId);
          if (existing && liveStates.includes(existing.state)) return;
          const again = await queue.add(data, this.jobOptions(jobIdOf(announcementId, recipient.key, `${this.deps.owner}-${recipient.attempts}`)));
          if (again.created) added++;
        }
      });
      if (page.length < PAGE || mine.length < page.length) return added;
      after = page.at(-1)!.key;
    }
  }

  /** Called by the sender when a row is final: checks completion shortly (coalesced). */
  noteProgress(announcementId: string): void {
    this.lastActivity.set(announcementId, Date.now());
    if (this.completionChecks.has(announcementId)) return;
    const timer = setTimeout(() => {
      this.completionChecks.delete(announcementId);
      void this.complete(announcementId).catch((error: unknown) => this.deps.logger.warn('announcement completion check failed', { error }));
    }, 100);
    timer.unref();
    this.completionChecks.set(announcementId, timer);
  }

  /** One pass of the scheduler and the watchdog (also run by tests). */
  tick(): Promise<void> {
    this.ticking ??= this.runTick()
      .catch((error: unknown) => this.deps.logger.warn('announcement tick failed', { error }))
      .finally(() => (this.ticking = undefined));
    return this.ticking;
  }

  private async runTick(): Promise<void> {
    const { store, options, logger } = this.deps;
    const now = this.now().toISOString();
    for (const due of await store.listAnnouncements({ statuses: ['scheduled'], scheduledBefore: now })) {
      if (!(await store.transition(due.id, ['scheduled'], 'sending', now))) continue;
      logger.info('scheduled announcement started', { announcement: due.id });
      this.kick(due.id);
    }
    for (const announcement of await store.listAnnouncements({ statuses: ['sending'] })) {
      if (await this.complete(announcement.id)) continue;
      if (Date.now() - (this.lastActivity.get(announcement.id) ?? 0) > options.staleMs) {
        // No progress: a replica that was sending some of its rows may have died since (replicas share the fan-out).
        await this.repairInterrupted(announcement.id);
        await this.enqueue(announcement.id, { verify: true });
      }
    }
  }

  /** sending → completed once no recipient is left to send; tells the admin who asked in chat. */
  private async complete(announcementId: string): Promise<boolean> {
    const { store } = this.deps;
    if (await store.hasUnfinished(announcementId)) return false;
    if (!(await store.transition(announcementId, ['sending'], 'completed', this.now().toISOString()))) return false;
    this.lastActivity.delete(announcementId);
    const announcement = await store.getAnnouncement(announcementId);
    if (announcement) await this.notify(announcement);
    return true;
  }

  private async notify(announcement: AnnouncementRecord): Promise<void> {
    const counts = await this.deps.store.countRecipients(announcement.id);
    this.deps.logger.info('announcement completed', { announcement: announcement.id, ...counts });
    const target = announcement.notify;
    if (!target || target.channel === 'local' || !this.deps.outbound.channel(target.channel)) return;
    await this.deps.outbound.send(target.channel, target.address, notice(say.finished(announcement, counts))).catch((error: unknown) => this.deps.logger.warn('announcement completion notice failed', { error }));
  }

  private jobOptions(jobId: string) {
    const { jobAttempts, backoffMs } = this.deps.options;
    // Priority 10: below every interactive job (1 = highest); answers never go through these queues at all.
    return { jobId, attempts: jobAttempts, backoffMs, priority: 10 };
  }
}

/** Runs `work` over `items`, at most `limit` at a time. */
async function eachLimited<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const runners = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await work(items[next++] as T);
  });
  await Promise.all(runners);
}
