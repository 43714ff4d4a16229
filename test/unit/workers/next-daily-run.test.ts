import assert from 'node:assert/strict';
import { nextDailyRun } from '../../../queue/job-queue.ts';

describe('nextDailyRun: the next time the clock of a time zone reads HH:MM', () => {
  it('is today when the time is still ahead, tomorrow once passed, in Paris time across DST', () => {
    // 7 December 2026 (winter, UTC+1): 06:30 Paris is 05:30 UTC.
    assert.equal(new Date(nextDailyRun(Date.parse('2026-12-07T04:00:00Z'), '06:30', 'Europe/Paris')).toISOString(), '2026-12-07T05:30:00.000Z');
    assert.equal(new Date(nextDailyRun(Date.parse('2026-12-07T05:30:00Z'), '06:30', 'Europe/Paris')).toISOString(), '2026-12-08T05:30:00.000Z');
    // Summer (UTC+2), and the night the clocks go forward (29 March 2026).
    assert.equal(new Date(nextDailyRun(Date.parse('2026-07-01T12:00:00Z'), '03:15', 'Europe/Paris')).toISOString(), '2026-07-02T01:15:00.000Z');
    assert.equal(new Date(nextDailyRun(Date.parse('2026-03-28T12:00:00Z'), '06:00', 'Europe/Paris')).toISOString(), '2026-03-29T04:00:00.000Z');
    assert.equal(new Date(nextDailyRun(Date.parse('2026-12-07T23:59:00Z'), '00:00', 'UTC')).toISOString(), '2026-12-08T00:00:00.000Z');
  });
});
