import assert from 'node:assert/strict';
import { request } from 'node:http';
import { networkInterfaces } from 'node:os';
import { PasserelleError } from '../../bots/errors.ts';
import { loadConfig } from '../../config/load-config.ts';
import * as A from '../unit/teams/activities.ts';
import { startTeamsApp, type TeamsApp } from '../unit/teams/teams-app.ts';

/**
 * Where the Teams endpoint listens. Anonymous local mode authenticates nothing: it listens on 127.0.0.1 only,
 * so no other host can drive it (and, through loopback service URLs, make it post to local ports). TEAMS_HOST
 * chooses the interface (containers); with credentials the default is every interface.
 */

/** An address of this machine other than loopback, if it has one. */
function externalAddress(): string | undefined {
  return Object.values(networkInterfaces()).flat().find((entry) => entry && !entry.internal && entry.family === 'IPv4')?.address;
}

/** Whether an HTTP GET /healthz at host:port gets any answer. */
function reachable(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const call = request({ host, port, path: '/healthz', timeout: 5_000 }, (response) => {
      response.resume();
      resolve(true);
    });
    call.on('error', () => resolve(false));
    call.on('timeout', () => call.destroy());
    call.end();
  });
}

describe('e2e: Teams endpoint bind address', function () {
  this.timeout(30_000);
  let t: TeamsApp | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  it('anonymous mode listens on 127.0.0.1 only', async () => {
    t = await startTeamsApp({ env: { TEAMS_ALLOWED_TENANTS: A.TENANT } });
    assert.equal(t.adapter.host, '127.0.0.1');
    assert.equal(await reachable('127.0.0.1', t.adapter.port), true);
    const external = externalAddress();
    if (external) assert.equal(await reachable(external, t.adapter.port), false, `reachable on ${external}`);
  });

  it('TEAMS_HOST chooses the interface (a container publishing the port)', async () => {
    t = await startTeamsApp({ env: { TEAMS_ALLOWED_TENANTS: A.TENANT, TEAMS_HOST: '0.0.0.0' } });
    assert.equal(t.adapter.host, '0.0.0.0');
    const external = externalAddress();
    assert.equal(await reachable(external ?? '127.0.0.1', t.adapter.port), true);
  });

  it('TEAMS_HOST must be an IP address or a host name', () => {
    for (const value of ['http://0.0.0.0', 'a b', '0.0.0.0:3978']) {
      assert.throws(() => loadConfig({ env: { TEAMS_HOST: value } }), (error) => error instanceof PasserelleError && /TEAMS_HOST \(« /.test(error.userMessage), value);
    }
    assert.equal(loadConfig({ env: { TEAMS_HOST: '::' } }).teams.host, '::');
  });
});
