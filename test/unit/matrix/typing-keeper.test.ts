import assert from 'node:assert/strict';
import { TypingKeeper } from '../../../adapters/matrix/typing-keeper.ts';

describe('matrix: typing keeper', () => {
  it('refreshes while work is in progress and withdraws when the last piece ends', async () => {
    const calls: Array<[string, boolean]> = [];
    const keeper = new TypingKeeper(async (roomId, typing) => void calls.push([roomId, typing]), 20);
    keeper.start('!a');
    keeper.start('!a');
    await new Promise((resolve) => setTimeout(resolve, 70));
    keeper.stop('!a');
    assert.ok(calls.filter(([, typing]) => typing).length >= 3, 'refreshed');
    assert.equal(calls.some(([, typing]) => !typing), false, 'still working');
    keeper.stop('!a');
    assert.deepEqual(calls.at(-1), ['!a', false]);
    keeper.clear();
  });

  it('never lets a failed request escape', async () => {
    const keeper = new TypingKeeper(async () => {
      throw new Error('429');
    });
    keeper.start('!a');
    keeper.touch('!b');
    keeper.stop('!a');
    await new Promise((resolve) => setImmediate(resolve));
    keeper.clear();
  });
});
