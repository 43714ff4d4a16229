import { backoff, retryDelay as policyDelay, withRetry as policyRetry } from "../../bots/outbound/retry-policy.js";
import { ConnectorError } from "./connector-http.js";
/**
 * How Bot Connector failures read for the one retry policy (bots/outbound/retry-policy.ts), after
 * Microsoft's guidance for Teams bots: 429 (Retry-After when given), 412, 502, 503, 504 and connections that
 * failed before anything was sent are transient; everything else is final, 403 included (bot blocked,
 * uninstalled, or stream stopped: the caller decides), and so is a timeout.
 */
export { backoff };
export const DEFAULT_RETRY = {
    maxAttempts: 5,
    baseDelayMs: 1_000,
    maxDelayMs: 30_000,
    maxRetryAfterMs: 300_000,
    random: Math.random,
};
const TRANSIENT = new Set([412, 502, 503, 504]);
/** Throttling, a transient service failure, or a connection that failed before anything was sent. */
export function isTransient(error) {
    return error instanceof ConnectorError && (error.status === 429 || TRANSIENT.has(error.status) || (error.status === 0 && error.code === 'NetworkError'));
}
function classifyConnectorError(error) {
    return isTransient(error) ? { transient: true, ...(error.retryAfterMs !== undefined ? { retryAfterMs: error.retryAfterMs } : {}) } : { transient: false };
}
/** Delay before attempt `attempt + 1` after `error` ended attempt `attempt` (1-based); undefined: give up. */
export function retryDelay(error, attempt, options) {
    return policyDelay(classifyConnectorError(error), attempt, options);
}
export function withRetry(operation, options, clock, onRetry) {
    return policyRetry(operation, classifyConnectorError, options, clock, onRetry);
}
