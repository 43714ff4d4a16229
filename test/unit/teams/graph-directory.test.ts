import assert from 'node:assert/strict';
import sinon from 'sinon';
import { GraphDirectory, msalConfiguration } from '../../../adapters/teams/graph-directory.ts';
import { ConversationOwners } from '../../../adapters/teams/conversation-owners.ts';
import type { TeamsReference } from '../../../adapters/teams/activity-mapper.ts';
import { PasserelleError } from '../../../bots/errors.ts';
import { startFakeGraphServer, type FakeGraphServer } from '../../fakes/graph-server.ts';
import { recordOutboundRequests } from '../../fakes/outbound-requests.ts';

const TENANT = '11111111-2222-3333-4444-555555555555';
const CLIENT = 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee';

describe('teams / GraphDirectory (MSAL client credentials against a fake identity platform and Graph)', () => {
  let server: FakeGraphServer;
  let clock: sinon.SinonFakeTimers | undefined;

  beforeEach(async () => {
    server = await startFakeGraphServer({
      tenantId: TENANT,
      clientId: CLIENT,
      clientSecret: 'secret-1',
      pageSize: 2,
      users: [
        { id: 'u1', displayName: 'Agent Un', userPrincipalName: 'un@douane.finances.gouv.fr', mail: 'un@douane.finances.gouv.fr' },
        { id: 'u2', displayName: 'Agent Deux', userPrincipalName: 'deux@douane.finances.gouv.fr' },
        { id: 'u3', displayName: 'Agent Trois' },
        { id: 'u4' },
        { id: 'u5' },
      ],
      teams: { 'team-1': ['u1', 'u2', 'u3'] },
      chatMembers: { '19:chat@thread.v2': ['u2', 'u4'] },
      owners: { 'team-1': ['u3'], '19:chat@thread.v2': ['u4'] },
      groups: { 'grp-brigade': ['u1', 'u2', 'u3', 'u4', 'u5'], 'grp-rh': ['u2'], 'grp-admins': ['u1'] },
    });
  });

  afterEach(async () => {
    clock?.restore();
    clock = undefined;
    await server.close();
  });

  function directory(secret = 'secret-1'): GraphDirectory {
    return new GraphDirectory({ tenantId: TENANT, clientId: CLIENT, clientSecret: secret, authorityHost: server.url, graphUrl: server.url });
  }

  it('never follows a redirect nor a @odata.nextLink to another host with the bearer token', async () => {
    const recorder = recordOutboundRequests();
    try {
      for (const location of ['http://10.0.0.1/v1.0/groups/x/members', 'http://169.254.169.254/metadata/identity/oauth2/token']) {
        server.failNextGraph({ status: 307, location });
        await assert.rejects(directory().groupMembers('grp-brigade'), (error) => error instanceof PasserelleError && /redirect/.test(String((error.cause as Error)?.message)));
        assert.deepEqual(recorder.to(location), []);
      }
      const foreign = directory();
      await foreign.token();
      // Graph's first page names another host as the next page.
      const stub = sinon.stub(globalThis, 'fetch').callThrough();
      stub.onFirstCall().resolves(new Response(JSON.stringify({ value: [{ id: 'u1' }], '@odata.nextLink': 'http://10.0.0.1/v1.0/groups/x/members?$skiptoken=2' }), { headers: { 'content-type': 'application/json' } }));
      try {
        await assert.rejects(foreign.groupMembers('grp-brigade'), (error) => error instanceof PasserelleError && /nextLink/.test(String((error.cause as Error)?.message)));
      } finally {
        stub.restore();
      }
      assert.deepEqual(recorder.to('http://10.0.0.1/'), []);
    } finally {
      recorder.stop();
    }
  });

  it('lists group members across pages (@odata.nextLink)', async () => {
    const members = await directory().groupMembers('grp-brigade');
    assert.deepEqual(members.map((member) => member.id), ['u1', 'u2', 'u3', 'u4', 'u5']);
    assert.equal(members[0]?.userPrincipalName, 'un@douane.finances.gouv.fr');
    const pages = server.requests.filter((request) => request.path.startsWith('/v1.0/groups/grp-brigade/members'));
    assert.equal(pages.length, 3);
    assert.ok(pages[1]?.path.includes('%24skiptoken=2') || pages[1]?.path.includes('$skiptoken=2'));
  });

  it('lists the members of a team with their Entra object ids', async () => {
    const members = await directory().teamMembers('team-1');
    assert.deepEqual(members, [
      { id: 'u1', displayName: 'Agent Un', mail: 'un@douane.finances.gouv.fr' },
      { id: 'u2', displayName: 'Agent Deux' },
      { id: 'u3', displayName: 'Agent Trois' },
    ]);
  });

  it('reads the owners of a team and of a group chat; ConversationOwners caches them per conversation', async () => {
    assert.deepEqual(await directory().teamOwners('team-1'), ['u3']);
    assert.deepEqual(await directory().chatOwners('19:chat@thread.v2'), ['u4']);
    const owners = new ConversationOwners(directory());
    const channel = { conversation: { id: '19:c@thread.tacv2;messageid=1', conversationType: 'channel', isGroup: true, name: '' }, teamsTeam: { aadGroupId: 'team-1' } } as TeamsReference;
    const chat = { conversation: { id: '19:chat@thread.v2', conversationType: 'groupChat', isGroup: true, name: '' } } as TeamsReference;
    assert.equal(await owners.isOwner(channel, 'u3'), true);
    assert.equal(await owners.isOwner(channel, 'u1'), false);
    assert.equal(await owners.isOwner(chat, 'u4'), true);
    assert.equal(await owners.isOwner(chat, 'u2'), false);
    assert.equal(server.requests.filter((request) => request.path.startsWith('/v1.0/teams/team-1/members')).length, 2 + 2, 'two pages each for the directory call and the first owner lookup, none after');
    await assert.rejects(owners.isOwner({ ...chat, conversation: { ...chat.conversation!, id: 'unknown' } }, 'u4'));
  });

  it('lists the groups of a user (transitiveMemberOf), for access control', async () => {
    assert.deepEqual((await directory().userGroups('u1')).sort(), ['grp-admins', 'grp-brigade']);
    assert.deepEqual(await directory().userGroups('u2').then((groups) => groups.sort()), ['grp-brigade', 'grp-rh']);
  });

  it('gets its token from the tenant authority with client credentials, then serves later calls from the MSAL cache', async () => {
    const graph = directory();
    await graph.userGroups('u1');
    await graph.groupMembers('grp-rh');
    await graph.teamMembers('team-1');
    assert.equal(server.tokenRequests, 1, 'one token for three Graph calls');
    const tokenRequest = server.requests.find((request) => request.path.startsWith(`/${TENANT}/oauth2/v2.0/token`));
    const form = new URLSearchParams(tokenRequest?.body ?? '');
    assert.equal(form.get('grant_type'), 'client_credentials');
    assert.equal(form.get('client_id'), CLIENT);
    assert.equal(form.get('scope'), `${server.url}/.default`);
    const graphCalls = server.requests.filter((request) => request.path.startsWith('/v1.0/'));
    assert.ok(graphCalls.every((request) => /^Bearer graph-[0-9a-f]+$/.test(request.headers.authorization ?? '')));
  });

  it('shares one token request between concurrent first calls', async () => {
    const graph = directory();
    await Promise.all([graph.userGroups('u1'), graph.userGroups('u2'), graph.groupMembers('grp-rh')]);
    assert.equal(server.tokenRequests, 1);
  });

  it('asks for a new token once the cached one has expired', async () => {
    const graph = directory();
    await graph.userGroups('u1');
    assert.equal(server.tokenRequests, 1);
    clock = sinon.useFakeTimers({ now: Date.now() + 2 * 3600_000, toFake: ['Date'] });
    await graph.userGroups('u1');
    assert.equal(server.tokenRequests, 2, 'expired token refreshed');
    await graph.userGroups('u1');
    assert.equal(server.tokenRequests, 2, 'the new token is cached in turn');
  });

  it('honours Retry-After on a throttled Graph call', async () => {
    server.failNextGraph({ status: 429, retryAfter: 1 });
    const started = Date.now();
    assert.deepEqual(await directory().userGroups('u2').then((groups) => groups.sort()), ['grp-brigade', 'grp-rh']);
    assert.ok(Date.now() - started >= 950, 'waited about the Retry-After second');
  });

  it('reports a rejected secret as an error carrying the cause, without a Graph call', async () => {
    await assert.rejects(directory('wrong').userGroups('u1'), (error: unknown) => error instanceof PasserelleError && error.code === 'INTERNAL' && error.details.step === 'token');
    assert.equal(server.requests.filter((request) => request.path.startsWith('/v1.0/')).length, 0);
  });

  it('reports an unknown group (404) as an error', async () => {
    await assert.rejects(directory().groupMembers('nope'), (error: unknown) => error instanceof PasserelleError && error.details.status === 404);
  });

  it('refuses a plain-http authority that is not on this machine', () => {
    assert.throws(
      () => msalConfiguration({ tenantId: TENANT, clientId: CLIENT, clientSecret: 's', authorityHost: 'http://login.example.org', graphUrl: 'https://graph.microsoft.com' }),
      (error: unknown) => error instanceof PasserelleError && error.code === 'CONFIG_INVALID',
    );
    const production = msalConfiguration({ tenantId: TENANT, clientId: CLIENT, clientSecret: 's', authorityHost: 'https://login.microsoftonline.com', graphUrl: 'https://graph.microsoft.com' });
    assert.equal(production.auth.authority, `https://login.microsoftonline.com/${TENANT}`);
    assert.equal(production.system?.networkClient, undefined, 'MSAL’s own network client in production');
  });
});
