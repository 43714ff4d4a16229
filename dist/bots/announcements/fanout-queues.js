import { createHash } from 'node:crypto';
import { z } from 'zod';
/**
 * One queue per channel (so a paused or slow channel never holds the other back), one job per recipient.
 * The job only names the recipient row; everything else is read from the announcement store when the job
 * runs. Its id is derived from announcement + recipient, so enqueuing twice (a confirmation repeated, a
 * restart re-enqueuing what is pending) never makes a second job. Bull on Redis when configured (jobs
 * survive a crash), else in-process (the store still knows what is pending: it is re-enqueued at start):
 * app/announcements.ts builds them.
 */
export const AnnouncementJob = z.object({
    announcementId: z.string().min(1),
    /** Recipient key within the announcement. */
    key: z.string().min(1),
});
export const ANNOUNCEMENT_QUEUE_PREFIX = 'passerelle-announce-';
export function inProcessQueues(teams, matrix) {
    return {
        teams,
        matrix,
        async close() {
            await Promise.all([teams.close(), matrix.close()]);
        },
    };
}
/** The job id of a recipient: `ann.<announcement>.<hash of the key>` (keys hold ':' and arbitrary ids). */
export function jobIdOf(announcementId, key, generation) {
    const hash = createHash('sha256').update(key).digest('base64url').slice(0, 22);
    return `ann.${announcementId}.${hash}${generation ? `.${generation}` : ''}`;
}
/** The send's idempotency key, stable across attempts and restarts (Matrix: the transaction id). */
export function idempotencyKeyOf(announcementId, key) {
    return `passerelle-annonce-${announcementId}-${createHash('sha256').update(key).digest('base64url').slice(0, 22)}`;
}
