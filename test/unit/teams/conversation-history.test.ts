import assert from 'node:assert/strict';
import { addressOf, attachmentsOf, FILE_DOWNLOAD_INFO } from '../../../adapters/teams/activity-mapper.ts';
import { isDownloadAllowed } from '../../../adapters/teams/attachment-download.ts';
import { htmlToText, readHistory } from '../../../adapters/teams/conversation-history.ts';
import { GraphDirectory } from '../../../adapters/teams/graph-directory.ts';
import { PasserelleError } from '../../../bots/errors.ts';
import { startFakeGraphServer, type FakeGraphServer, type GraphMessage } from '../../fakes/graph-server.ts';
import * as A from './activities.ts';

const TENANT = '11111111-2222-3333-4444-555555555555';
const CLIENT = 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee';
const TEAM_GROUP = '0e5c1f7a-team-group-id';
const CHANNEL_ID = A.CHANNEL;

const at = (minute: number) => new Date(Date.UTC(2026, 10, 23, 9, minute)).toISOString();
const message = (id: string, minute: number, who: string, content: string, extra: Partial<GraphMessage> = {}): GraphMessage => ({
  id,
  messageType: 'message',
  createdDateTime: at(minute),
  from: { user: { id: `id-${who}`, displayName: who } },
  body: { contentType: 'html', content },
  ...extra,
});

describe('teams / conversation history through Microsoft Graph', () => {
  let server: FakeGraphServer;
  let graph: GraphDirectory;

  before(async () => {
    const chat = Array.from({ length: 7 }, (_, n) => message(`c${n}`, n, n % 2 ? 'Camille' : 'Dominique', `<p>Message ${n} &amp; suite</p>`));
    chat.push(message('sys', 20, 'x', '<systemEventMessage/>', { messageType: 'systemEventMessage' }));
    chat.push(message('del', 21, 'Camille', '', { deletedDateTime: at(22) }));
    server = await startFakeGraphServer({
      tenantId: TENANT,
      clientId: CLIENT,
      clientSecret: 'secret-1',
      chats: {
        [A.GROUP_CHAT]: chat,
        [`19:${A.USER.aadObjectId}_${CLIENT}@unq.gbl.spaces`]: [message('p1', 1, 'Camille Martin', 'bonjour', { body: { contentType: 'text', content: 'bonjour' } })],
      },
      threads: {
        [`${TEAM_GROUP}/${CHANNEL_ID}/${A.THREAD_ROOT}`]: {
          root: message(A.THREAD_ROOT, 0, 'Camille', '<div>Contrôle <b>Roissy</b><br>demain</div><attachment id="x"></attachment>'),
          replies: [message('r2', 5, 'Dominique', '<p>Reçu&nbsp;!</p>'), message('r1', 2, 'Camille', '<p>Qui vient ?</p>')],
        },
      },
    });
    graph = new GraphDirectory({ tenantId: TENANT, clientId: CLIENT, clientSecret: 'secret-1', authorityHost: server.url, graphUrl: server.url });
  });

  after(async () => {
    await server?.close();
  });

  it('reads a group chat oldest first, the latest `limit` user messages, HTML reduced to text', async () => {
    const address = addressOf(A.groupChatMessage('http://127.0.0.1:1/', 'résume la conversation') as never);
    const history = await readHistory(graph, CLIENT, address, 5);
    assert.deepEqual(history.map((entry) => entry.text), ['Message 4 & suite', 'Message 5 & suite', 'Message 6 & suite']);
    assert.equal(history[0]?.sender, 'Dominique');
    assert.equal(history[0]?.at, at(4));
    assert.ok(server.requests.some((request) => request.path.startsWith(`/v1.0/chats/${encodeURIComponent(A.GROUP_CHAT)}/messages?$top=5`)));
  });

  it('reads a channel thread: root then replies, oldest first, with the team group id from channelData', async () => {
    const activity = A.channelMention('http://127.0.0.1:1/', 'résume la conversation');
    (activity.channelData as { team: Record<string, unknown> }).team.aadGroupId = TEAM_GROUP;
    const address = addressOf(activity as never);
    const history = await readHistory(graph, CLIENT, address, 300);
    const conversationId = (address.reference as { conversation: { id: string } }).conversation.id;
    assert.ok(history.every((entry) => entry.id?.startsWith(`${conversationId}|`) && !entry.fromBot), 'ids in IncomingMessage.id form, for the thread context to leave the call out');
    assert.deepEqual(history.map(({ sender, text, at: time }) => ({ sender, text, at: time })), [
      { sender: 'Camille', text: 'Contrôle Roissy\ndemain', at: at(0) },
      { sender: 'Camille', text: 'Qui vient ?', at: at(2) },
      { sender: 'Dominique', text: 'Reçu !', at: at(5) },
    ]);
  });

  it('reads a personal chat through its Graph chat id (19:{user}_{app}@unq.gbl.spaces)', async () => {
    const history = await readHistory(graph, CLIENT, addressOf(A.personalMessage('http://127.0.0.1:1/', 'résume') as never), 10);
    assert.deepEqual(history.map(({ sender, text, at: time }) => ({ sender, text, at: time })), [{ sender: 'Camille Martin', text: 'bonjour', at: at(1) }]);
  });

  it('refuses clearly without Graph, or for a channel thread whose team group id is unknown', async () => {
    const address = addressOf(A.groupChatMessage('http://127.0.0.1:1/', 'x') as never);
    await assert.rejects(readHistory(undefined, '', address, 10), (error: unknown) => error instanceof PasserelleError && error.code === 'SUMMARY_REQUEST_INVALID');
    const channel = addressOf(A.channelMention('http://127.0.0.1:1/', 'x') as never);
    await assert.rejects(readHistory(graph, CLIENT, channel, 10), (error: unknown) => error instanceof PasserelleError && error.code === 'SUMMARY_REQUEST_INVALID');
  });

  it('htmlToText decodes entities and keeps line breaks', () => {
    assert.equal(htmlToText('<p>a &lt;b&gt; &#233;t&#xE9;</p><p>c</p>'), 'a <b> été\nc');
  });
});

describe('teams / attachments', () => {
  it('maps file.download.info to a token-free download locator and inline images to contentUrl', () => {
    const activity = A.personalMessage('https://smba.trafficmanager.net/emea/', 'résume', {
      attachments: [
        { contentType: FILE_DOWNLOAD_INFO, contentUrl: 'https://contoso.sharepoint.com/x.docx', name: 'x.docx', content: { downloadUrl: 'https://contoso.sharepoint.com/download?tempauth=abc', fileType: 'docx' } },
        { contentType: 'image/png', contentUrl: 'https://smba.trafficmanager.net/emea/v3/attachments/1/views/original', name: 'capture.png' },
        { contentType: 'text/html', content: '<p>résume</p>' },
      ],
    });
    assert.deepEqual(attachmentsOf(activity as never), [
      { name: 'x.docx', contentType: FILE_DOWNLOAD_INFO, locator: { kind: 'file', url: 'https://contoso.sharepoint.com/download?tempauth=abc', name: 'x.docx', serviceUrl: 'https://smba.trafficmanager.net/emea/', fileType: 'docx' } },
      { name: 'capture.png', contentType: 'image/png', locator: { kind: 'content', url: 'https://smba.trafficmanager.net/emea/v3/attachments/1/views/original', name: 'capture.png', serviceUrl: 'https://smba.trafficmanager.net/emea/' } },
    ]);
  });

  it('download URL policy: loopback only when anonymous; https (and loopback http outside production) with credentials', () => {
    const allowed = (url: string, anonymous: boolean, production = false) => isDownloadAllowed(new URL(url), { anonymous, production });
    assert.equal(allowed('http://127.0.0.1:8080/f', true), true);
    assert.equal(allowed('https://contoso.sharepoint.com/f', true), false);
    assert.equal(allowed('https://contoso.sharepoint.com/f', false, true), true);
    assert.equal(allowed('http://contoso.sharepoint.com/f', false), false);
    assert.equal(allowed('http://127.0.0.1:8080/f', false, false), true);
    assert.equal(allowed('http://127.0.0.1:8080/f', false, true), false);
    assert.equal(allowed('file:///etc/passwd', true), false);
    assert.equal(allowed('https://user:pw@127.0.0.1/f', true), false);
  });
});

