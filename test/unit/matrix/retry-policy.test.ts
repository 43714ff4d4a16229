import assert from 'node:assert/strict';
import { retryDelay } from '../../../adapters/matrix/retry-policy.ts';

const settings = { maxAttempts: 5, maxRetryWaitMs: 60_000 };
/** Errors shaped like matrix-js-sdk's MatrixError / ConnectionError. */
const rateLimited = (retryAfterMs: number | null) => ({ httpStatus: 429, errcode: 'M_LIMIT_EXCEEDED', isRateLimitError: () => true, getRetryAfterMs: () => retryAfterMs });

describe('matrix: retry policy', () => {
  it('waits what the homeserver asks after M_LIMIT_EXCEEDED', () => {
    assert.equal(retryDelay(rateLimited(1_500), 1, settings), 1_500);
    assert.equal(retryDelay(rateLimited(null), 2, settings), 2_000, 'backoff when the server gives no delay');
  });

  it('gives up when the requested wait is too long or attempts are exhausted', () => {
    assert.equal(retryDelay(rateLimited(600_000), 1, settings), undefined);
    assert.equal(retryDelay(rateLimited(10), 5, settings), undefined);
  });

  it('tolerates a malformed retry_after_ms', () => {
    const broken = { ...rateLimited(0), getRetryAfterMs: () => { throw new Error('retry_after_ms is not an integer'); } };
    assert.equal(retryDelay(broken, 1, settings), 1_000);
  });

  it('retries connection errors and server errors with exponential backoff, not client errors', () => {
    assert.equal(retryDelay({ name: 'ConnectionError' }, 1, settings), 1_000);
    assert.equal(retryDelay({ httpStatus: 502 }, 3, settings), 4_000);
    assert.equal(retryDelay({ httpStatus: 403, errcode: 'M_FORBIDDEN', isRateLimitError: () => false }, 1, settings), undefined);
    assert.equal(retryDelay(new Error('boom'), 1, settings), undefined);
  });
});
