import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { hostname } from 'node:os';
import { claimantAlive } from '../../../app/announcements.ts';

/**
 * Replicas consume the fan-out together: a row another consumer instance claimed is resolved as interrupted
 * only if that instance may be dead — its process gone on this machine, its claim old on another machine.
 */
describe('announcements: is the consumer that claimed a send still alive?', () => {
  const now = Date.parse('2026-12-07T10:00:00Z');
  const ago = (ms: number) => new Date(now - ms).toISOString();

  it('on this machine: alive while its process runs; an earlier instance of this very process is not', async () => {
    const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)'], { stdio: 'ignore' });
    try {
      assert.equal(claimantAlive(`${hostname()}:${child.pid}:abcd1234`, ago(10 * 60_000), now), true, 'a live replica, however old its claim');
    } finally {
      child.kill('SIGKILL');
      await new Promise((resolve) => child.once('exit', resolve));
    }
    assert.equal(claimantAlive(`${hostname()}:${child.pid}:abcd1234`, ago(1_000), now), false, 'killed: interrupted at once');
    assert.equal(claimantAlive(`${hostname()}:${process.pid}:old00000`, ago(1_000), now), false);
  });

  it('on another machine: alive for two minutes after its claim; anything not a replica instance is dead', () => {
    assert.equal(claimantAlive('serve-2.internal:4242:abcd1234', ago(30_000), now), true);
    assert.equal(claimantAlive('serve-2.internal:4242:abcd1234', ago(180_000), now), false);
    assert.equal(claimantAlive('dead-process', ago(1_000), now), false);
  });
});
