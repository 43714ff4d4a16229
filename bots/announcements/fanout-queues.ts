import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { AnnouncementChannel } from '../../state/announcement-store.ts';
import type { Config } from '../../config/schema.ts';
import { BullJobQueue } from '../../queue/bull-job-queue.ts';
import { InProcessJobQueue } from '../../queue/in-process-job-queue.ts';
import type { JobQueue } from '../../queue/job-queue.ts';

/**
 * One queue per channel (so a paused or slow channel never holds the other back), one job per recipient.
 * The job only names the recipient row; everything else is read from the announcement store when the job
 * runs. Its id is derived from announcement + recipient, so enqueuing twice (a confirmation repeated, a
 * restart re-enqueuing what is pending) never makes a second job. Bull on Redis when configured (jobs
 * survive a crash), else in-process (the store still knows what is pending: it is re-enqueued at start).
 */

export const AnnouncementJob = z.object({
  announcementId: z.string().min(1),
  /** Recipient key within the announcement. */
  key: z.string().min(1),
});
export type AnnouncementJob = z.infer<typeof AnnouncementJob>;

export type AnnouncementQueues = Readonly<Record<AnnouncementChannel, JobQueue<AnnouncementJob>>> & { close(): Promise<void> };

export const ANNOUNCEMENT_QUEUE_PREFIX = 'passerelle-announce-';

export function createAnnouncementQueues(config: Readonly<Config>): AnnouncementQueues {
  const { queue } = config;
  const make = (channel: AnnouncementChannel): JobQueue<AnnouncementJob> =>
    queue.redisUrl
      ? new BullJobQueue<AnnouncementJob>(`${ANNOUNCEMENT_QUEUE_PREFIX}${channel}`, {
          redisUrl: queue.redisUrl,
          prefix: queue.prefix,
          lockDurationMs: queue.lockDurationMs,
          stalledIntervalMs: queue.stalledIntervalMs,
          // Finished jobs are kept a day: their ids keep re-enqueuing idempotent meanwhile (the store decides after).
          keepCompletedSeconds: 86_400,
        })
      : new InProcessJobQueue<AnnouncementJob>(`${ANNOUNCEMENT_QUEUE_PREFIX}${channel}`, 86_400_000);
  return lazyQueues(() => make('teams'), () => make('matrix'));
}

/** Queues created on first use: a bot process that never announces opens no Redis connection for them. */
function lazyQueues(teams: () => JobQueue<AnnouncementJob>, matrix: () => JobQueue<AnnouncementJob>): AnnouncementQueues {
  const made: Partial<Record<AnnouncementChannel, JobQueue<AnnouncementJob>>> = {};
  return {
    get teams() {
      return (made.teams ??= teams());
    },
    get matrix() {
      return (made.matrix ??= matrix());
    },
    async close() {
      await Promise.all(Object.values(made).map((queue) => queue.close()));
    },
  };
}

export function inProcessQueues(teams: JobQueue<AnnouncementJob>, matrix: JobQueue<AnnouncementJob>): AnnouncementQueues {
  return {
    teams,
    matrix,
    async close() {
      await Promise.all([teams.close(), matrix.close()]);
    },
  };
}

/** The job id of a recipient: `ann.<announcement>.<hash of the key>` (keys hold ':' and arbitrary ids). */
export function jobIdOf(announcementId: string, key: string, generation?: string): string {
  const hash = createHash('sha256').update(key).digest('base64url').slice(0, 22);
  return `ann.${announcementId}.${hash}${generation ? `.${generation}` : ''}`;
}

/** The send's idempotency key, stable across attempts and restarts (Matrix: the transaction id). */
export function idempotencyKeyOf(announcementId: string, key: string): string {
  return `passerelle-annonce-${announcementId}-${createHash('sha256').update(key).digest('base64url').slice(0, 22)}`;
}
