import assert from 'node:assert/strict';
import { retryAfterGate, retryAfterOf } from '../../../adapters/matrix/retry-after-gate.ts';

const limited = (body: unknown, headers: Record<string, string> = {}) => new Response(JSON.stringify(body), { status: 429, headers });

describe('matrix: retry-after gate', () => {
  it('reads the delay from retry_after_ms or Retry-After', async () => {
    assert.equal(await retryAfterOf(limited({ errcode: 'M_LIMIT_EXCEEDED', retry_after_ms: 1_500 })), 1_500);
    assert.equal(await retryAfterOf(limited({ errcode: 'M_LIMIT_EXCEEDED' }, { 'retry-after': '2' })), 2_000);
    assert.equal(await retryAfterOf(limited('not json')), 0);
  });

  it('holds the next requests until the delay has passed, and leaves the response readable', async () => {
    const calls: number[] = [];
    let answer: Response = limited({ errcode: 'M_LIMIT_EXCEEDED', retry_after_ms: 120 });
    const gated = retryAfterGate(async () => {
      calls.push(Date.now());
      return answer;
    });
    const first = await gated('http://hs/_matrix/client/v3/sync');
    assert.equal(((await first.json()) as { retry_after_ms: number }).retry_after_ms, 120);
    answer = new Response('{}');
    await gated('http://hs/_matrix/client/versions');
    assert.ok(calls[1]! - calls[0]! >= 115, `waited ${calls[1]! - calls[0]!} ms`);
  });

  it('stops waiting when the request is aborted', async () => {
    const gated = retryAfterGate(async () => limited({ retry_after_ms: 60_000 }));
    await gated('http://hs/a');
    const controller = new AbortController();
    const started = Date.now();
    setTimeout(() => controller.abort(), 20);
    await gated('http://hs/b', { signal: controller.signal });
    assert.ok(Date.now() - started < 1_000);
  });
});
