import assert from 'node:assert/strict';
import { GraphDirectory } from '../../adapters/teams/graph-directory.ts';
import { startFakeGraphServer, type FakeGraphServer, type GraphMessage } from '../fakes/graph-server.ts';
import * as A from '../unit/teams/activities.ts';
import { startTeamsApp, type TeamsApp } from '../unit/teams/teams-app.ts';

/**
 * Calling the bot into an existing channel thread: the mention is answered in the thread, with the thread's
 * earlier messages (read through Microsoft Graph, fake) as context.
 */
describe('e2e: Teams, the bot called into an existing channel thread', function () {
  this.timeout(30_000);
  const TEAM_GROUP = '0c1d2e3f-0000-4000-8000-00000000aa01';
  const CLIENT = 'c0ffee00-0000-4000-8000-000000000001';
  let graph: FakeGraphServer;
  let t: TeamsApp;
  const message = (id: string, from: GraphMessage['from'], content: string, minutes: number): GraphMessage => ({
    id, messageType: 'message', createdDateTime: new Date(Date.UTC(2026, 2, 2, 9, minutes)).toISOString(), from, body: { contentType: 'html', content },
  });
  const camille = { user: { id: A.USER.aadObjectId, displayName: A.USER.name } };
  const dominique = { user: { id: A.OTHER_USER.aadObjectId, displayName: A.OTHER_USER.name } };

  before(async () => {
    graph = await startFakeGraphServer({
      tenantId: A.TENANT, clientId: CLIENT, clientSecret: 'graph-secret',
      threads: {
        [`${TEAM_GROUP}/${A.CHANNEL}/${A.THREAD_ROOT}`]: {
          root: message(A.THREAD_ROOT, dominique, '<p>Un contrôleur peut-il exiger la communication des papiers et documents relatifs aux opérations ?</p>', 0),
          replies: [
            message('reply-1', camille, '<p>Je crois que oui, mais à partir de quel grade ?</p>', 1),
            message('reply-2', { application: { id: 'bot', displayName: 'Autre bot' } }, '<p>Réponse d’un autre bot : article 414.</p>', 2),
            message('reply-3', camille, '<p><at id="0">Passerelle</at> tu peux répondre ?</p>', 3),
          ],
        },
      },
    });
    t = await startTeamsApp({
      adapterOptions: () => ({ history: new GraphDirectory({ tenantId: A.TENANT, clientId: CLIENT, clientSecret: 'graph-secret', authorityHost: graph.url, graphUrl: graph.url }) }),
    });
  });

  after(async () => {
    await t?.close();
    await graph?.close();
  });

  it('answers in the thread the question its earlier messages asked', async () => {
    const activity = A.channelMention(t.connector.serviceUrl, 'tu peux répondre ?', {
      id: 'reply-3',
      channelData: { teamsChannelId: A.CHANNEL, teamsTeamId: A.TEAM, channel: { id: A.CHANNEL }, team: { id: A.TEAM, aadGroupId: TEAM_GROUP }, tenant: { id: A.TENANT } },
    });
    await t.connector.deliver(t.botUrl, activity);
    await t.adapter.idle();
    const thread = `${A.CHANNEL};messageid=${A.THREAD_ROOT}`;
    const answer = t.connector.messages(thread).map((call) => call.body).find((body) => /Sources|\[1\]/.test(String(body.text)));
    assert.ok(answer, JSON.stringify(t.connector.messages(thread).map((call) => String(call.body.text).slice(0, 80))));
    assert.match(String(answer.text), /contrôleur|papiers et documents/);
    assert.match(JSON.stringify(answer), /CD-65/);
    assert.ok(graph.requests.some((request) => request.path.startsWith(`/v1.0/teams/${TEAM_GROUP}/channels/`)), 'the thread was read through Graph');
  });
});
