import assert from 'node:assert/strict';
import { checkBearer, FailedAuthLimiter } from '../../../adapters/admin-http/bearer-token.ts';
import { PasserelleError } from '../../../bots/errors.ts';
import { jobIdOf, idempotencyKeyOf } from '../../../bots/announcements/fanout-queues.ts';
import { csvRow } from '../../../bots/announcements/report-csv.ts';
import { classifySendError } from '../../../bots/announcements/send-outcome.ts';
import { createChannelLimiters, type ChannelLimiters } from '../../../app/channel-limiters.ts';
import type { Clock } from '../../../bots/outbound/rate-limiter.ts';
import { loadConfig } from '../../../config/load-config.ts';

/** The announcements' share of each channel's one rate limiter, as the composition root builds them. */
class SendRateLimiter {
  private readonly limiters: ChannelLimiters;

  constructor(rates: { teamsPerSecond: number; matrixPerSecond: number }, clock?: Clock) {
    this.limiters = createChannelLimiters(loadConfig({ env: { PASSERELLE_LOG_LEVEL: 'silent' } }), rates, clock);
  }

  acquire(key: { channel: 'teams' | 'matrix'; tenant?: string; conversation?: string }): Promise<void> {
    return this.limiters[key.channel].acquireShare({ ...(key.tenant ? { tenant: key.tenant } : {}), ...(key.conversation ? { conversation: key.conversation } : {}) });
  }

  pause(channel: 'teams' | 'matrix', ms: number): void {
    this.limiters[channel].pause(ms, 'bulk');
  }

  pausedFor(channel: 'teams' | 'matrix'): number {
    return this.limiters[channel].pausedFor('bulk');
  }
}

/** Virtual time: sleeping advances the clock at once. */
function virtualClock(): Clock {
  let now = 1_000_000;
  return { now: () => now, sleep: async (ms) => void (now += ms) };
}

describe('announcements / send outcomes', () => {
  it('RECIPIENT_UNREACHABLE and 403 are final (blocked); the adapters’ former 403 error too', () => {
    assert.equal(classifySendError(new PasserelleError('RECIPIENT_UNREACHABLE')).kind, 'blocked');
    assert.equal(classifySendError(new PasserelleError('INTERNAL', { delivery: 'conversation-unreachable' })).kind, 'blocked');
    assert.equal(classifySendError(Object.assign(new Error('forbidden'), { httpStatus: 403, errcode: 'M_FORBIDDEN' })).kind, 'blocked');
  });

  it('CHANNEL_UNAVAILABLE, 429, 5xx and broken connections are retried, with Retry-After when given', () => {
    assert.deepEqual(classifySendError(new PasserelleError('CHANNEL_UNAVAILABLE', {}, { retryAfterMs: 1_500 })), { kind: 'retry', errorCode: 'channel-unavailable', reason: 'Canal momentanément indisponible.', retryAfterMs: 1_500 });
    assert.equal(classifySendError(new PasserelleError('CHANNEL_UNAVAILABLE')).kind, 'retry');
    const limited = classifySendError(Object.assign(new Error('slow down'), { httpStatus: 429, errcode: 'M_LIMIT_EXCEEDED', data: { retry_after_ms: 800 } }));
    assert.deepEqual([limited.kind, (limited as { retryAfterMs?: number }).retryAfterMs], ['retry', 800]);
    assert.equal(classifySendError(Object.assign(new Error('bad gateway'), { status: 502 })).kind, 'retry');
    assert.equal(classifySendError(Object.assign(new Error('reset'), { code: 'ECONNRESET' })).kind, 'retry');
    assert.equal(classifySendError(new PasserelleError('STORE_UNAVAILABLE')).kind, 'retry');
  });

  it('a failure about another Matrix room (matrix-js-sdk rejects the whole send queue) is transient for this one', () => {
    const foreign = Object.assign(new Error('[403] not in room'), { httpStatus: 403, errcode: 'M_FORBIDDEN', url: 'http://hs/_matrix/client/v3/rooms/!other%3At.fr/send/m.room.encrypted/t1' });
    assert.equal(classifySendError(foreign, '!mine:t.fr').kind, 'retry');
    assert.equal(classifySendError(foreign, '!other:t.fr').kind, 'blocked');
    const withEvent = Object.assign(new Error('x'), { httpStatus: 403, event: { getRoomId: () => '!other:t.fr' } });
    assert.equal(classifySendError(withEvent, '!mine:t.fr').kind, 'retry');
    assert.equal(classifySendError(withEvent).kind, 'blocked', 'no room known: taken as is');
  });

  it('anything else is a final failure, reported with its technical cause', () => {
    const failure = classifySendError(new PasserelleError('INTERNAL', { channel: 'teams' }, { cause: Object.assign(new Error('BadArgument: activity too large'), { status: 400 }) }));
    assert.equal(failure.kind, 'failed');
    assert.equal(failure.reason, 'Le canal a refusé l’envoi (code HTTP 400).', 'French, without the exception’s English text');
    assert.equal(classifySendError(new Error('unknown Matrix room !x:y')).kind, 'failed');
    assert.equal(classifySendError('chaîne').kind, 'failed');
  });
});

describe('announcements / per-channel send limiter', () => {
  it('keeps Teams under its rate per tenant, spread over the second, tenants apart', async () => {
    const clock = virtualClock();
    const limiter = new SendRateLimiter({ teamsPerSecond: 40, matrixPerSecond: 1 }, clock);
    const start = clock.now();
    const times: number[] = [];
    for (let i = 0; i < 120; i++) {
      await limiter.acquire({ channel: 'teams', tenant: 't1', conversation: `c${i}` });
      times.push(clock.now() - start);
    }
    for (let i = 40; i < times.length; i++) assert.ok(times[i]! - times[i - 40]! >= 1_000, `41 sends within a second at ${i}`);
    for (let i = 8; i < times.length; i++) assert.ok(times[i]! - times[i - 8]! >= 100, 'at most 8 per 100 ms (twice the average)');
    assert.ok(times.at(-1)! <= 3_000, `120 sends at 40/s take about 3 s, not ${times.at(-1)}`);
    const before = clock.now();
    await limiter.acquire({ channel: 'teams', tenant: 't2', conversation: 'other' });
    assert.equal(clock.now(), before, 'another tenant has its own budget');
  });

  it('keeps a Teams conversation under 7 per second', async () => {
    const clock = virtualClock();
    const limiter = new SendRateLimiter({ teamsPerSecond: 50, matrixPerSecond: 1 }, clock);
    const start = clock.now();
    for (let i = 0; i < 8; i++) await limiter.acquire({ channel: 'teams', tenant: 't', conversation: 'same' });
    assert.ok(clock.now() - start >= 1_000);
  });

  it('paces Tchap at matrixPerSecond, below one per second too', async () => {
    const clock = virtualClock();
    const limiter = new SendRateLimiter({ teamsPerSecond: 40, matrixPerSecond: 0.5 }, clock);
    const start = clock.now();
    for (let i = 0; i < 4; i++) await limiter.acquire({ channel: 'matrix' });
    assert.ok(clock.now() - start >= 6_000 && clock.now() - start <= 6_003, `${clock.now() - start}`);
  });

  it('pause(channel) holds every send of that channel, not the other channel', async () => {
    const clock = virtualClock();
    const limiter = new SendRateLimiter({ teamsPerSecond: 40, matrixPerSecond: 10 }, clock);
    limiter.pause('teams', 5_000);
    assert.equal(limiter.pausedFor('teams'), 5_000);
    const start = clock.now();
    await limiter.acquire({ channel: 'matrix' });
    assert.equal(clock.now(), start);
    await limiter.acquire({ channel: 'teams', tenant: 't' });
    assert.ok(clock.now() - start >= 5_000);
    assert.throws(() => new SendRateLimiter({ teamsPerSecond: 0, matrixPerSecond: 1 }));
  });
});

describe('announcements / ids, token, CSV', () => {
  it('job ids and idempotency keys are stable per announcement and recipient, and distinct otherwise', () => {
    assert.equal(jobIdOf('A', 'teams:user:1'), jobIdOf('A', 'teams:user:1'));
    assert.notEqual(jobIdOf('A', 'teams:user:1'), jobIdOf('A', 'teams:user:2'));
    assert.notEqual(jobIdOf('A', 'teams:user:1'), jobIdOf('B', 'teams:user:1'));
    assert.match(jobIdOf('A', 'matrix:user:@x:y'), /^ann\.A\.[\w-]{22}$/);
    assert.equal(idempotencyKeyOf('A', 'k'), idempotencyKeyOf('A', 'k'));
    assert.ok(idempotencyKeyOf('A', 'k').length <= 64);
  });

  it('checks the bearer token exactly, and slows down repeated failures', () => {
    const token = 'a'.repeat(32);
    assert.equal(checkBearer(`Bearer ${token}`, token), 'ok');
    assert.equal(checkBearer(`bearer ${token}`, token), 'ok');
    assert.equal(checkBearer(undefined, token), 'missing');
    assert.equal(checkBearer('', token), 'missing');
    for (const header of [`Bearer ${token}b`, `Bearer ${token.slice(1)}`, `Basic ${token}`, `Bearer`, `Bearer ${token} extra`]) assert.equal(checkBearer(header, token), 'invalid', header);
    let now = 0;
    const limiter = new FailedAuthLimiter(3, 1_000, () => now);
    for (let i = 0; i < 3; i++) limiter.record('1.2.3.4');
    assert.equal(limiter.blocked('1.2.3.4'), true);
    assert.equal(limiter.blocked('5.6.7.8'), false);
    now = 1_001;
    assert.equal(limiter.blocked('1.2.3.4'), false);
  });

  it('writes RFC 4180 CSV and neutralises formulas in free text', () => {
    const line = csvRow({
      announcementId: 'A', key: 'k', channel: 'teams', kind: 'user', target: 'aad,"1"', status: 'failed', attempts: 2, errorCode: 'channel-error',
      reason: '=HYPERLINK("x")', updatedAt: '2026-01-01T00:00:00.000Z',
    });
    assert.equal(line, 'A,teams,utilisateur,"aad,""1""",failed,échec,2,channel-error,"\'=HYPERLINK(""x"")",,2026-01-01T00:00:00.000Z\r\n');
  });
});
