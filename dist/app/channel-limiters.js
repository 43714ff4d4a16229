import { matrixLimits } from "../adapters/matrix/limits.js";
import { TEAMS_LIMITS } from "../adapters/teams/limits.js";
import { metrics } from "../bots/metrics.js";
import { perSecond, RateLimiter } from "../bots/outbound/rate-limiter.js";
/**
 * The channels' budgets as the adapters declare them, plus the share announcements may take (`bulk`):
 * Teams `announcements.teamsPerSecond` per tenant (40 of the 50 per second, so that answers keep room) and
 * Teams' 7 per second per conversation; Tchap `announcements.matrixPerSecond` of `matrix.requestsPerSecond`
 * (both 1 by default: an answer may wait about a second behind an announcement; set the share below the
 * channel's rate when answers must stay first).
 */
export function createChannelLimiters(config, rates, clock) {
    const bulk = rates ?? config.announcements;
    return {
        teams: new RateLimiter({ ...TEAMS_LIMITS, bulk: { tenant: perSecond(bulk.teamsPerSecond), ...(TEAMS_LIMITS.conversation ? { conversation: TEAMS_LIMITS.conversation.slice(0, 1) } : {}) } }, clock, observed('teams')),
        matrix: new RateLimiter({ ...matrixLimits(config.matrix.requestsPerSecond), bulk: { account: perSecond(bulk.matrixPerSecond) } }, clock, observed('matrix')),
    };
}
/** Waits go to passerelle_rate_limit_wait_seconds; a pause is a service's rate-limit refusal (429, M_LIMIT_EXCEEDED). */
function observed(channel) {
    return {
        waited: (lane, ms) => metrics.rateLimitWaitSeconds.observe({ channel, lane }, ms / 1000),
        paused: () => metrics.throttled.inc({ channel }),
    };
}
