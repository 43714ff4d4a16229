import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
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
});
