import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConnectionLockedError, ProcessLock } from '../../../adapters/matrix/process-lock.ts';

describe('matrix: process lock', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'passerelle-lock-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('is exclusive, private, and released', () => {
    const file = join(dir, 'lock');
    const lock = ProcessLock.acquire(file);
    assert.equal(statSync(file).mode & 0o777, 0o600);
    assert.throws(() => ProcessLock.acquire(file), (error: Error) => error instanceof ConnectionLockedError && /Une autre instance de Passerelle/.test(error.message));
    lock.release();
    assert.equal(existsSync(file), false);
    ProcessLock.acquire(file).release();
  });

  it('refuses while another live process holds it', () => {
    const file = join(dir, 'lock');
    writeFileSync(file, JSON.stringify({ pid: process.ppid, host: hostname(), token: 'other', since: '' }));
    assert.throws(() => ProcessLock.acquire(file), (error: Error) => error instanceof ConnectionLockedError && error.ownerPid === process.ppid);
  });

  it('takes over a lock left by a dead process (kill -9) or by an earlier run with our pid', () => {
    const file = join(dir, 'lock');
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).stdout.toString();
    for (const pid of [Number(dead), process.pid]) {
      writeFileSync(file, JSON.stringify({ pid, host: hostname(), token: 'stale', since: '' }));
      const lock = ProcessLock.acquire(file);
      assert.notEqual(JSON.parse(readFileSync(file, 'utf8')).token, 'stale');
      lock.release();
    }
  });

  it('never steals a lock held from another host', () => {
    const file = join(dir, 'lock');
    writeFileSync(file, JSON.stringify({ pid: 1, host: 'another-host', token: 'remote', since: '' }));
    assert.throws(() => ProcessLock.acquire(file), ConnectionLockedError);
  });
});
