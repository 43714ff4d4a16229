import assert from 'node:assert/strict';
import { INSTALL_REASONS, TeamsAppInstaller } from '../../../adapters/teams/app-installer.ts';
import { GraphDirectory } from '../../../adapters/teams/graph-directory.ts';
import { startFakeGraphServer, type FakeGraphServer } from '../../fakes/graph-server.ts';

const TENANT = '11111111-2222-3333-4444-555555555555';
const CLIENT = 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee';

describe('teams / proactive app installation through Microsoft Graph (fake Graph)', () => {
  let server: FakeGraphServer;
  const waits: number[] = [];
  beforeEach(async () => {
    waits.length = 0;
    server = await startFakeGraphServer({
      tenantId: TENANT, clientId: CLIENT, clientSecret: 's',
      users: [{ id: 'u1' }, { id: 'u2' }, { id: 'u3' }, { id: 'blocked' }],
      teams: { 'team-1': ['u1'] },
      catalog: { [CLIENT]: 'catalog-app-42' },
      forbidden: ['blocked'],
    });
    server.installed.add('users/u2');
  });
  afterEach(() => server.close());

  const installer = (options: { externalAppId?: string; maxRetryAfterMs?: number } = {}) => {
    const directory = new GraphDirectory({ tenantId: TENANT, clientId: CLIENT, clientSecret: 's', authorityHost: server.url, graphUrl: server.url });
    return new TeamsAppInstaller({ graphUrl: server.url, token: () => directory.token(), externalAppId: options.externalAppId ?? CLIENT, ...(options.maxRetryAfterMs ? { maxRetryAfterMs: options.maxRetryAfterMs } : {}), sleep: async (ms) => void waits.push(ms) });
  };

  it('reports who was installed now, who already had it, who could not be reached and why', async () => {
    const report = await installer().installForUsers(['u1', 'u2', 'u3', 'blocked', 'ghost', 'u1']);
    assert.deepEqual(report, {
      installed: ['u1', 'u3'],
      already: ['u2'],
      failed: [
        { id: 'blocked', reason: INSTALL_REASONS.forbidden, httpStatus: 403 },
        { id: 'ghost', reason: INSTALL_REASONS.notFound, httpStatus: 404 },
      ],
    });
    const posts = server.requests.filter((request) => request.method === 'POST' && request.path.endsWith('/teamwork/installedApps'));
    assert.equal(posts.length, 5, 'each user once');
    assert.deepEqual(JSON.parse(posts[0]!.body), { 'teamsApp@odata.bind': `${server.url}/v1.0/appCatalogs/teamsApps/catalog-app-42` });
    assert.equal(server.requests.filter((request) => request.path.startsWith('/v1.0/appCatalogs/')).length, 1, 'the catalogue id is read once');
    assert.equal((await installer().installForUsers(['u1'])).already[0], 'u1', 'installing again: 409, already installed');
  });

  it('installs in a team; an unknown team is reported', async () => {
    assert.deepEqual(await installer().installForTeam('team-1'), { id: 'team-1', status: 'installed', httpStatus: 201 });
    assert.deepEqual(await installer().installForTeam('team-1'), { id: 'team-1', status: 'already', httpStatus: 409 });
    assert.equal((await installer().installForTeam('team-x')).reason, INSTALL_REASONS.notFound);
  });

  it('honours Retry-After on 429, and gives up (throttled) on one beyond the cap', async () => {
    const warm = installer();
    await warm.installForTeam('team-1'); // reads the catalogue id
    server.failNextGraph({ status: 429, retryAfter: 3 }, { status: 503, retryAfter: 1 });
    assert.deepEqual(await warm.installForUser('u3'), { id: 'u3', status: 'installed', httpStatus: 201 });
    assert.deepEqual(waits, [3_000, 1_000]);
    const capped = installer({ maxRetryAfterMs: 60_000 });
    await capped.installForTeam('team-1');
    server.failNextGraph({ status: 429, retryAfter: 600 });
    assert.deepEqual(await capped.installForUser('u1').then((result) => [result.status, result.reason]), ['failed', INSTALL_REASONS.throttled]);
    assert.ok(!server.installed.has('users/u1'));
  });

  it('an app missing from the organisation’s catalogue: every installation says so', async () => {
    const report = await installer({ externalAppId: 'not-published' }).installForUsers(['u1']);
    assert.deepEqual(report.failed, [{ id: 'u1', reason: INSTALL_REASONS.notInCatalog }]);
  });
});
