import { PasserelleError } from "../bots/errors.js";
/**
 * Whether a failed job must not be tried again: the error catalogue says retrying cannot fix it (bad
 * document, part of a code that does not exist, invalid payload: a non-retryable PasserelleError).
 */
export function isPermanentFailure(error) {
    return error instanceof PasserelleError && !error.retryable;
}
