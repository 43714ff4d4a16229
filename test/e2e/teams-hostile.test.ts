import assert from 'node:assert/strict';
import { recordOutboundRequests, type OutboundRecorder } from '../fakes/outbound-requests.ts';
import * as A from '../unit/teams/activities.ts';
import { freshPersonal, startTeamsApp, type TeamsApp } from '../unit/teams/teams-app.ts';

/**
 * Hostile activity shapes against the real endpoint (anonymous local mode): deep nesting, oversized values,
 * dot-segment conversation ids and identity fields of the wrong type get a 400 in French; nothing crashes,
 * nothing is answered or stored, no log line grows past its bound, nothing is posted to another path.
 */

/** `{ a: { a: … } }` nested `levels` deep around `leaf`, as raw JSON text (JSON.stringify would overflow). */
function nestedJson(levels: number, leaf = '"x"'): string {
  return `${'{"a":'.repeat(levels)}${leaf}${'}'.repeat(levels)}`;
}

describe('e2e: Teams endpoint against hostile activity shapes', function () {
  this.timeout(60_000);
  let t: TeamsApp;

  let recorder: OutboundRecorder;

  before(async () => {
    t = await startTeamsApp({ env: { TEAMS_ALLOWED_TENANTS: A.TENANT }, captureLogs: true });
    recorder = recordOutboundRequests();
  });
  after(async () => {
    recorder?.stop();
    await t?.close();
  });

  /** Posts the activity with `field` replaced by raw JSON text. */
  async function deliverRaw(activity: Record<string, unknown>, field: string, rawValue: string): Promise<{ status: number; body: string }> {
    const marker = '"__RAW__"';
    const text = JSON.stringify({ ...activity, [field]: '__RAW__' }).replace(marker, rawValue);
    return t.connector.deliver(t.botUrl, undefined, { rawBody: text });
  }

  const LINE_LIMIT = 16 * 1024;
  const longestLogLine = () => Math.max(0, ...t.logLines.map((line) => Buffer.byteLength(line)));

  it('a serviceUrl or conversation nested 10,000 levels deep: 400, no stack overflow, bounded log lines', async () => {
    for (const type of ['message', 'messageReaction']) {
      for (const field of ['serviceUrl', 'conversation', 'channelData', 'value']) {
        const who = freshPersonal();
        const activity = type === 'message' ? A.personalMessage(t.connector.serviceUrl, 'bonjour', who) : { ...A.personalMessage(t.connector.serviceUrl, '', who), type };
        const raw = field === 'conversation' ? `{"id":"${who.conversation.id}","conversationType":"personal","tenantId":"${A.TENANT}","extra":${nestedJson(10_000)}}` : nestedJson(10_000);
        const response = await deliverRaw(activity, field, raw);
        assert.equal(response.status, 400, `${type} ${field}: ${response.body.slice(0, 200)}`);
        assert.match(response.body, /imbrication|profonde/);
        await t.adapter.idle();
        assert.equal(t.connector.calls.filter((call) => call.conversationId === who.conversation.id).length, 0);
      }
    }
    assert.ok(longestLogLine() <= LINE_LIMIT, `log line of ${longestLogLine()} bytes`);
  });

  it('oversized values are cut in log lines (a 200 KB serviceUrl, a 200 KB invoke name)', async () => {
    const before = t.logLines.length;
    const who = freshPersonal();
    const huge = `http://attacker.example/${'a'.repeat(200_000)}`;
    assert.equal((await t.connector.deliver(t.botUrl, A.personalMessage(huge, 'bonjour', who))).status, 403);
    const invoke = { ...A.feedbackInvoke(t.connector.serviceUrl, 'x', 'like'), name: `n${'é'.repeat(100_000)}` };
    assert.equal((await t.connector.deliver(t.botUrl, invoke)).status, 501);
    await t.adapter.idle();
    const lines = t.logLines.slice(before);
    assert.ok(lines.length >= 2, 'the refusals are logged');
    for (const line of lines) assert.ok(Buffer.byteLength(line) <= LINE_LIMIT, `log line of ${Buffer.byteLength(line)} bytes`);
    assert.ok(lines.some((line) => line.includes('attacker.example')), 'the start of the value is kept');
  });

  it('conversation ids "." and ".." are refused; any other id is percent-encoded into its own path segment', async () => {
    for (const id of ['.', '..']) {
      const who = freshPersonal();
      const activity = A.personalMessage(t.connector.serviceUrl, 'bonjour', { ...who, conversation: { ...who.conversation, id } });
      const response = await t.connector.deliver(t.botUrl, activity);
      assert.equal(response.status, 400, `conversation id ${id}`);
      assert.match(response.body, /conversation\.id/);
    }
    for (const id of ['%2e', '.%2E', 'a/../../b', '?x=1#y', 'a;b ..']) {
      const who = freshPersonal();
      const activity = A.personalMessage(t.connector.serviceUrl, 'aide', { ...who, conversation: { ...who.conversation, id } });
      assert.equal((await t.connector.deliver(t.botUrl, activity)).status, 200, id);
      await t.adapter.idle();
      assert.ok(t.connector.messages(id).length > 0, `answered in conversation ${id}`);
    }
    const paths = recorder.to(t.connector.serviceUrl).map((request) => request.path);
    assert.ok(paths.length > 0);
    assert.deepEqual(paths.filter((path) => !/^\/v3\/conversations\/[^/]+\/activities(\/[^/]+)?$/.test(path)), [], 'nothing posted outside a conversation');
  });

  it('identity fields of the wrong type (from.aadObjectId {}, true, 42; ids that are not strings) are refused, never stored', async () => {
    const cases: Array<[string, (activity: Record<string, unknown>) => Record<string, unknown>]> = [
      ['from.aadObjectId', (activity) => ({ ...activity, from: { ...(activity.from as object), aadObjectId: {} } })],
      ['from.aadObjectId', (activity) => ({ ...activity, from: { ...(activity.from as object), aadObjectId: true } })],
      ['from.aadObjectId', (activity) => ({ ...activity, from: { ...(activity.from as object), aadObjectId: 42 } })],
      ['from.name', (activity) => ({ ...activity, from: { ...(activity.from as object), name: ['a'] } })],
      ['conversation.tenantId', (activity) => ({ ...activity, conversation: { ...(activity.conversation as object), tenantId: { id: 'x' } } })],
      ['conversation.conversationType', (activity) => ({ ...activity, conversation: { ...(activity.conversation as object), conversationType: 7 } })],
      ['id', (activity) => ({ ...activity, id: { $ne: null } })],
      ['replyToId', (activity) => ({ ...activity, replyToId: ['1'] })],
      ['recipient.id', (activity) => ({ ...activity, recipient: { id: 5 } })],
    ];
    for (const [field, mutate] of cases) {
      const who = freshPersonal();
      const response = await t.connector.deliver(t.botUrl, mutate(A.personalMessage(t.connector.serviceUrl, 'bonjour', who)));
      assert.equal(response.status, 400, `${field}: ${response.body}`);
      assert.ok(response.body.includes(field), `${field} named in ${response.body}`);
      await t.adapter.idle();
      assert.equal(t.connector.calls.filter((call) => call.conversationId === who.conversation.id).length, 0);
    }
    const stored = await t.app.state.listReferences({ channel: 'teams' });
    assert.ok(stored.every((reference) => reference.userId === undefined || (typeof reference.userId === 'string' && !/object|^true$|^42$/.test(reference.userId))));
  });
});
