/**
 * Tchap's guidance for bots, applied to every room request of the account (messages, edits, receipts,
 * typing, joins): `requestsPerSecond` on average (about 1), with bursts of three seconds' worth.
 */
export function matrixLimits(requestsPerSecond) {
    return { account: [{ kind: 'bucket', ratePerSecond: requestsPerSecond, burst: Math.max(1, Math.ceil(requestsPerSecond * 3)) }] };
}
