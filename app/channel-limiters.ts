import { matrixLimits } from '../adapters/matrix/limits.ts';
import { TEAMS_LIMITS } from '../adapters/teams/limits.ts';
import { metrics } from '../bots/metrics.ts';
import { perSecond, RateLimiter, type Clock, type RateLimiterObserver } from '../bots/outbound/rate-limiter.ts';
import type { Config } from '../config/schema.ts';
import type { AnnouncementChannel } from '../state/announcement-store.ts';

/** The one rate limiter of each channel, given to its adapter (every request) and to the announcement fan-out (pauses). */
export type ChannelLimiters = Readonly<Record<AnnouncementChannel, RateLimiter>>;

/**
 * The channels' budgets as the adapters declare them, plus the share announcements may take (`bulk`):
 * Teams `announcements.teamsPerSecond` per tenant (40 of the 50 per second, so that answers keep room) and
 * Teams' 7 per second per conversation; Tchap `announcements.matrixPerSecond` of `matrix.requestsPerSecond`
 * (both 1 by default). Announcement sends give way to answers on the shared budgets (the limiter's
 * `bulkPriority`): an answer does not wait behind a fan-out.
 */
export function createChannelLimiters(config: Readonly<Config>, rates?: { teamsPerSecond: number; matrixPerSecond: number }, clock?: Clock): ChannelLimiters {
  const bulk = rates ?? config.announcements;
  return {
    teams: new RateLimiter({ ...TEAMS_LIMITS, bulk: { tenant: perSecond(bulk.teamsPerSecond), ...(TEAMS_LIMITS.conversation ? { conversation: TEAMS_LIMITS.conversation.slice(0, 1) } : {}) } }, clock, observed('teams')),
    matrix: new RateLimiter({ ...matrixLimits(config.matrix.requestsPerSecond), bulk: { account: perSecond(bulk.matrixPerSecond) } }, clock, observed('matrix')),
  };
}

/** Waits go to passerelle_rate_limit_wait_seconds; a pause is a service's rate-limit refusal (429, M_LIMIT_EXCEEDED). */
function observed(channel: 'teams' | 'matrix'): RateLimiterObserver {
  return {
    waited: (lane, ms) => metrics.rateLimitWaitSeconds.observe({ channel, lane }, ms / 1000),
    paused: () => metrics.throttled.inc({ channel }),
  };
}
