import assert from 'node:assert/strict';
import { GraphDirectory } from '../../adapters/teams/graph-directory.ts';
import { ACCESS_DENIED } from '../../bots/user-messages.ts';
import { startFakeGraphServer, type FakeGraphServer } from '../fakes/graph-server.ts';
import * as A from '../unit/teams/activities.ts';
import { freshPersonal, startTeamsApp, type TeamsApp } from '../unit/teams/teams-app.ts';

/**
 * Access by Entra group: with `access.allowGroups`, the Teams adapter asks Microsoft Graph (fake, through
 * MSAL client credentials) which groups the sender belongs to, caches the answer, and the core's access
 * control lets members in.
 */
describe('e2e: Teams access control by Entra group (Microsoft Graph)', function () {
  this.timeout(30_000);
  let graph: FakeGraphServer;
  let t: TeamsApp;
  const member = freshPersonal();
  const outsider = freshPersonal();

  before(async () => {
    graph = await startFakeGraphServer({
      tenantId: A.TENANT,
      clientId: 'c0ffee00-0000-4000-8000-000000000001',
      clientSecret: 'graph-secret',
      users: [{ id: member.from.aadObjectId }, { id: outsider.from.aadObjectId }],
      groups: { 'grp-brigade-roissy': [member.from.aadObjectId], 'grp-autre': [outsider.from.aadObjectId] },
    });
    t = await startTeamsApp({
      env: { PASSERELLE_ALLOW: 'personne@nulle-part.invalid' },
      overrides: { access: { allowGroups: ['grp-brigade-roissy'] } },
      adapterOptions: () => ({
        groups: new GraphDirectory({ tenantId: A.TENANT, clientId: 'c0ffee00-0000-4000-8000-000000000001', clientSecret: 'graph-secret', authorityHost: graph.url, graphUrl: graph.url }),
      }),
    });
  });

  after(async () => {
    await t?.close();
    await graph?.close();
  });

  it('answers a member of an allowed group and refuses someone outside it, asking Graph once per user', async () => {
    await t.connector.deliver(t.botUrl, A.personalMessage(t.connector.serviceUrl, 'aide', member));
    await t.connector.deliver(t.botUrl, A.personalMessage(t.connector.serviceUrl, 'aide', outsider));
    await t.adapter.idle();
    assert.match(String(t.connector.messages(member.conversation.id).at(-1)?.body.text), /Passerelle — aide/);
    assert.deepEqual(t.connector.messages(outsider.conversation.id).map((call) => call.body.text), [ACCESS_DENIED]);
    await t.connector.deliver(t.botUrl, A.personalMessage(t.connector.serviceUrl, 'sources', member));
    await t.adapter.idle();
    const lookups = graph.requests.filter((request) => request.path.includes('/transitiveMemberOf/'));
    assert.equal(lookups.length, 2, 'one Graph lookup per user, the second message served from the cache');
    assert.equal(graph.tokenRequests, 1);
  });
});
