import assert from 'node:assert/strict';
import { EditThrottle } from '../../../adapters/matrix/edit-throttle.ts';

function clock() {
  let now = 0;
  return { now: () => now, sleep: async (ms: number) => void (now += ms) };
}

const flush = () => new Promise((resolve) => setImmediate(resolve));

describe('matrix: edit throttle', () => {
  it('keeps one second between edits of a message and coalesces progress', async () => {
    const time = clock();
    const sent: Array<[string, number]> = [];
    const throttle = new EditThrottle(1_000, (error) => assert.fail(String(error)), time.now, time.sleep);
    throttle.noteSent('$m');
    for (const text of ['a', 'ab', 'abc']) throttle.progress('$m', async () => void sent.push([text, time.now()]));
    await throttle.final('$m', async () => void sent.push(['final', time.now()]));
    await flush();
    assert.deepEqual(sent, [['final', 1_000]], 'progress still waiting is replaced by the final edit');
  });

  it('sends a progress edit once its turn comes, then the final one a second later', async () => {
    const time = clock();
    const sent: Array<[string, number]> = [];
    const throttle = new EditThrottle(1_000, (error) => assert.fail(String(error)), time.now, time.sleep);
    throttle.noteSent('$m');
    throttle.progress('$m', async () => void sent.push(['p1', time.now()]));
    await flush();
    await flush();
    await throttle.final('$m', async () => void sent.push(['final', time.now()]));
    assert.deepEqual(sent, [['p1', 1_000], ['final', 2_000]]);
  });

  it('reports progress failures without breaking the final edit, which reports its own', async () => {
    const time = clock();
    const errors: unknown[] = [];
    const throttle = new EditThrottle(1_000, (error) => errors.push(error), time.now, time.sleep);
    throttle.progress('$m', async () => {
      throw new Error('progress lost');
    });
    await flush();
    await flush();
    await assert.rejects(throttle.final('$m', async () => {
      throw new Error('final lost');
    }), /final lost/);
    assert.equal(errors.length, 1);
  });
});
