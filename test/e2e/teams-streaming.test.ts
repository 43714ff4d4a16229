import assert from 'node:assert/strict';
import type { ConnectorCall } from '../fakes/bot-connector.ts';
import { startFakeModelServer, type FakeModelServer } from '../fakes/model-server.ts';
import * as A from '../unit/teams/activities.ts';
import { freshPersonal, freshUser, startTeamsApp, type TeamsApp } from '../unit/teams/teams-app.ts';

/**
 * Teams streaming in personal chats, with a generative model (fake OpenAI-compatible server streaming its
 * answer word by word): informative update, streamed text updates at most one per second, final message
 * with citations, AI label and feedback; the user's Stop (403 ContentStreamNotAllowed) ends it cleanly.
 */

type Entity = Record<string, unknown>;
const streamInfo = (call: ConnectorCall) => ((call.body.entities as Entity[] | undefined) ?? []).find((entity) => entity.type === 'streaminfo');
const ANSWER = 'Oui : les agents des douanes peuvent procéder à la visite des marchandises, des moyens de transport et des personnes [1].';
const QUESTION = 'Les agents des douanes peuvent-ils procéder à la visite des marchandises ?';
/** Another question: the answer cache would otherwise serve the first one without streaming. */
const OTHER_QUESTION = 'Les agents des douanes ont-ils le droit de visiter les moyens de transport ?';

describe('e2e: Teams streaming (personal chat, generative model)', function () {
  this.timeout(60_000);
  let model: FakeModelServer;
  let t: TeamsApp;

  before(async () => {
    model = await startFakeModelServer();
    model.onChat((request) => {
      const system = String(request.body.messages?.find((message) => message.role === 'system')?.content ?? '');
      if (system.includes('Tu classes')) return { content: JSON.stringify({ kb: 'legal', confidence: 0.9 }) };
      if (system.startsWith('Réécris')) return { content: String(request.body.messages?.at(-1)?.content ?? '') };
      return { content: ANSWER, chunkDelayMs: 180 };
    });
    t = await startTeamsApp({
      captureLogs: true,
      env: { CHAT_MODEL_PROVIDER: 'openai-compatible', CHAT_MODEL_URL: `${model.url}/v1`, CHAT_MODEL_NAME: 'albert-large', CHAT_MODEL_API_KEY: 'sk-test', CHAT_MODEL_CEILING: 'public' },
    });
  });

  after(async () => {
    await t?.close();
    await model?.close();
  });

  afterEach(() => t.connector.stopStreamAfter(undefined));

  it('streams: informative, then growing text at most once per second, then the final message with citations, AI label and feedback', async () => {
    const who = freshPersonal();
    await t.connector.deliver(t.botUrl, A.personalMessage(t.connector.serviceUrl, QUESTION, who));
    await t.adapter.idle();
    const streamed = t.connector.calls.filter((call) => call.conversationId === who.conversation.id && streamInfo(call));
    const kinds = streamed.map((call) => String(streamInfo(call)?.streamType));
    assert.equal(kinds[0], 'informative');
    assert.equal(kinds.at(-1), 'final');
    const updates = streamed.filter((call) => streamInfo(call)?.streamType === 'streaming');
    assert.ok(updates.length >= 2, `${updates.length} streamed updates`);
    const streamId = String((streamed[0]?.response as { id: string }).id);
    assert.ok(streamed.slice(1).every((call) => streamInfo(call)?.streamId === streamId && (call.body.channelData as Entity).streamId === streamId));
    assert.deepEqual(streamed.slice(0, -1).map((call) => streamInfo(call)?.streamSequence), streamed.slice(0, -1).map((_, index) => index + 1));
    assert.ok(updates.every((call) => call.body.type === 'typing'));
    const texts = updates.map((call) => String(call.body.text));
    assert.ok(texts.every((text, index) => index === 0 || text.startsWith(texts[index - 1] as string)), 'each update extends the previous one');
    for (let index = 1; index < streamed.length; index++) {
      const gap = (streamed[index]?.at ?? 0) - (streamed[index - 1]?.at ?? 0);
      assert.ok(gap >= 950, `request ${index} only ${gap} ms after the previous one`);
    }
    const final = streamed.at(-1) as ConnectorCall;
    assert.equal(final.body.type, 'message');
    assert.deepEqual(streamInfo(final), { type: 'streaminfo', streamId, streamType: 'final' });
    assert.deepEqual(final.body.channelData, { feedbackLoopEnabled: true, streamId, streamType: 'final' });
    assert.match(String(final.body.text), /visite des marchandises.*\[1\]/);
    const message = ((final.body.entities as Entity[]) ?? []).find((entity) => entity.type === 'https://schema.org/Message') as Entity;
    assert.deepEqual(message.additionalType, ['AIGeneratedContent']);
    assert.equal((message.citation as Array<{ position: number }>)[0]?.position, 1);
    assert.deepEqual(t.connector.violations, []);
    assert.equal((await t.app.state.getAnswer('teams', streamId))?.question, QUESTION);
  });

  it('stops cleanly when the user presses Stop (403 ContentStreamNotAllowed): nothing more is sent, no error', async () => {
    const who = freshPersonal();
    t.connector.stopStreamAfter(1);
    const errorsBefore = t.logLines.filter((line) => line.includes('"level":"error"')).length;
    await t.connector.deliver(t.botUrl, A.personalMessage(t.connector.serviceUrl, OTHER_QUESTION, who));
    await t.adapter.idle();
    const calls = t.connector.calls.filter((call) => call.conversationId === who.conversation.id);
    const streamed = calls.filter((call) => streamInfo(call));
    const refused = streamed.findIndex((call) => call.status === 403);
    assert.ok(refused > 0, 'Teams refused an update after Stop');
    assert.equal(streamed.length, refused + 1, 'nothing sent for the stream after the 403');
    assert.ok(!streamed.some((call) => streamInfo(call)?.streamType === 'final'), 'no final message after Stop');
    assert.equal(calls.at(-1), streamed.at(-1), 'no error message either');
    const streamId = String((streamed[0]?.response as { id: string }).id);
    assert.ok(t.connector.streams.get(streamId)?.stopped);
    assert.equal(t.logLines.filter((line) => line.includes('"level":"error"')).length, errorsBefore, 'no error logged');
    assert.ok(t.logLines.some((line) => line.includes('teams stream stopped by the service')));
    assert.equal((await t.app.state.getAnswer('teams', streamId))?.question, OTHER_QUESTION, 'the answer is kept under the stream id (feedback still possible)');
  });

  it('does not stream in a channel: the generated answer comes as one message in the thread', async () => {
    const thread = `${A.CHANNEL};messageid=${A.THREAD_ROOT}`;
    const before = t.connector.calls.length;
    await t.connector.deliver(t.botUrl, A.channelMention(t.connector.serviceUrl, QUESTION, { from: freshUser() }));
    await t.adapter.idle();
    const calls = t.connector.calls.slice(before).filter((call) => call.conversationId === thread);
    assert.ok(calls.every((call) => streamInfo(call) === undefined));
    const answer = calls.filter((call) => call.body.type === 'message').at(-1);
    assert.match(String(answer?.body.text), /\[1\]/);
    assert.deepEqual(answer?.body.channelData, { feedbackLoopEnabled: true });
  });
});
