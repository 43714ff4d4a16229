/**
 * Teams' published limits for bots, applied to every Bot Connector request: per conversation 7 per second
 * and 60 per 30 seconds, per tenant 50 per second. One process only: several replicas would each apply
 * them (the 429 handling of the retry policy covers the rest). No botbuilder import here: the composition
 * root reads this at start.
 */
export const TEAMS_LIMITS = {
    conversation: [
        { kind: 'window', capacity: 7, windowMs: 1_000 },
        { kind: 'window', capacity: 60, windowMs: 30_000 },
    ],
    tenant: [{ kind: 'window', capacity: 50, windowMs: 1_000 }],
};
