import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FakeHomeserver } from '../fakes/homeserver/index.ts';
import { loadTestKit } from '../fakes/homeserver/test-kit.ts';
import { REPO_ROOT } from '../integration/helpers/knowledge-fixtures.ts';

/** `passerelle serve` with the Tchap channel ends after SIGTERM (matrix-js-sdk's timers once kept it alive for minutes). */
describe('matrix e2e: serve exits after SIGTERM', function () {
  this.timeout(120_000);
  let fake: FakeHomeserver;
  let dir: string;
  let child: ChildProcess | undefined;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'passerelle-e2e-serve-exit-'));
    fake = await (await loadTestKit()).startFakeHomeserver();
    fake.registerUser('@passerelle:test.local', 'x', 'Passerelle');
  });
  after(async () => {
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await fake?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('stops the channel, then the process ends by itself with code 0', async () => {
    const env = {
      PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp', PASSERELLE_DATA_DIR: join(dir, 'data'), PASSERELLE_LOG_LEVEL: 'silent',
      MATRIX_ENABLED: 'true', MATRIX_HOMESERVER_URL: fake.url, MATRIX_USER_ID: '@passerelle:test.local', MATRIX_PASSWORD: 'x', MATRIX_ALLOWED_SERVERS: 'test.local',
      PASSERELLE_ADMIN_PORT: '0',
    };
    const started = spawn(join(REPO_ROOT, 'node_modules/.bin/node'), ['bin/passerelle.js', 'serve'], { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    child = started;
    let output = '';
    const exited = new Promise<number | string | null>((resolve) => started.once('exit', (code, signal) => resolve(code ?? signal)));
    await new Promise<void>((resolve, reject) => {
      started.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()).includes('en service') && resolve());
      started.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
      void exited.then((code) => reject(new Error(`passerelle serve exited (${code}): ${output.slice(-2_000)}`)));
    });
    started.kill('SIGTERM');
    // Generous: the shutdown itself takes well under a second; the SDK's timers used to hold it for minutes.
    const code = await Promise.race([exited, new Promise<'still running'>((resolve) => setTimeout(() => resolve('still running'), 30_000).unref())]);
    assert.equal(code, 0, `after SIGTERM: ${String(code)}; output: ${output.slice(-3_000)}`);
  });
});
