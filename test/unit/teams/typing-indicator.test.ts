import assert from 'node:assert/strict';
import sinon from 'sinon';
import { TypingIndicator } from '../../../adapters/teams/typing-indicator.ts';

describe('teams / typing indicator', () => {
  let clock: sinon.SinonFakeTimers;
  beforeEach(() => {
    clock = sinon.useFakeTimers();
  });
  afterEach(() => clock.restore());

  it('repeats the typing activity every 3 s until something is sent, and at most for a minute', async () => {
    const indicator = new TypingIndicator(3_000, 60_000);
    let sent = 0;
    await indicator.start('teams:a', async () => void sent++);
    assert.equal(sent, 1);
    await clock.tickAsync(9_000);
    assert.equal(sent, 4);
    indicator.stop('teams:a');
    await clock.tickAsync(9_000);
    assert.equal(sent, 4, 'stopped by the real message');
    await indicator.start('teams:b', async () => void sent++);
    await clock.tickAsync(120_000);
    assert.equal(sent, 4 + 1 + 19, 'bounded: the repetition due at 60 s is not sent');
  });

  it('does not start repeating when a message was sent while the first typing was in flight', async () => {
    const indicator = new TypingIndicator(3_000, 60_000);
    let sent = 0;
    let release: () => void = () => undefined;
    const started = indicator.start('teams:a', () => new Promise<void>((resolve) => ((release = resolve), sent++)));
    indicator.stop('teams:a');
    release();
    await started;
    await clock.tickAsync(10_000);
    assert.equal(sent, 1);
  });

  it('stops repeating after a failure', async () => {
    const indicator = new TypingIndicator(3_000, 60_000);
    let calls = 0;
    await indicator.start('teams:a', async () => {
      calls++;
      if (calls > 1) throw new Error('403');
    });
    await clock.tickAsync(15_000);
    assert.equal(calls, 2);
  });
});
