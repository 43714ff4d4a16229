import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './passerelle-process.ts';

/** The launcher on a Node older than the project's: one French sentence saying how to run it, exit code 1. */
describe('e2e: the passerelle launcher on an older Node', () => {
  const system = '/usr/bin/node';
  const version = existsSync(system) ? execFileSync(system, ['--version'], { encoding: 'utf8' }).trim().replace(/^v/, '') : undefined;
  const [major = 0, minor = 0] = (version ?? '').split('.').map(Number);
  const older = version !== undefined && (major < 22 || (major === 22 && minor < 13));

  it('says once, in French, that Node 22.13 is needed and how to get it', function () {
    if (!older) this.skip();
    const run = spawnSync(system, [join(ROOT, 'bin/passerelle.js'), 'config'], { cwd: ROOT, encoding: 'utf8', env: { PATH: '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp' } });
    assert.equal(run.status, 1);
    assert.equal(run.stdout, '');
    assert.equal(run.stderr, `Passerelle demande Node 22.13 ou plus récent (version trouvée : ${version}). Lancez-le par « npx passerelle … » ou « npm start » après « npm ci », qui fournissent le Node 22 du projet.\n`);
  });

  it('« npx passerelle » with the older system Node first on PATH: the project’s Node runs it, no npm engine warning', function () {
    const npx = '/usr/bin/npx';
    if (!older || !existsSync(npx)) this.skip();
    this.timeout(300_000);
    // A fresh npm cache, as on a first run: npx checks the package (and warned) when it sets it up there.
    const cache = mkdtempSync(join(tmpdir(), 'passerelle-npx-'));
    const run = spawnSync(npx, ['passerelle', 'config'], {
      cwd: ROOT, encoding: 'utf8', timeout: 280_000,
      env: { PATH: '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp', npm_config_cache: cache, npm_config_update_notifier: 'false', npm_config_fund: 'false' },
    });
    rmSync(cache, { recursive: true, force: true });
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /"environment"/);
    assert.doesNotMatch(run.stderr, /EBADENGINE|Unsupported engine/, run.stderr);
  });
});
