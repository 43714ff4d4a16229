import assert from 'node:assert/strict';
import { ConnectorError } from '../../../adapters/teams/connector-http.ts';
import type { DeliveryTarget } from '../../../adapters/teams/connector-transport.ts';
import type { Clock } from '../../../bots/outbound/rate-limiter.ts';
import type { OutgoingActivity } from '../../../adapters/teams/reply-renderer.ts';
import { StreamManager } from '../../../adapters/teams/stream-manager.ts';
import { silentLogger } from '../../../bots/logger.ts';
import type { Reply } from '../../../bots/reply.ts';

const TARGET: DeliveryTarget = { key: 'teams:a:1', reference: { conversation: { id: 'a:1', conversationType: 'personal', isGroup: false, name: '' } }, tenant: 't' };
const ANSWER: Reply = { kind: 'answer', text: 'Les agents peuvent visiter [1].', citations: [], suggestedActions: [], aiGenerated: true, feedback: true };

function setup(answers: Array<string | ConnectorError> = []) {
  let now = 0;
  const clock: Clock = { now: () => now, sleep: async (ms) => void (now += ms) };
  const sent: Array<{ at: number; activity: OutgoingActivity }> = [];
  const sender = {
    async post(_target: DeliveryTarget, activity: OutgoingActivity): Promise<string> {
      sent.push({ at: now, activity });
      const answer = answers.shift();
      if (answer instanceof ConnectorError) throw answer;
      return answer ?? '';
    },
  };
  return { streams: new StreamManager(sender, clock, silentLogger, 1_000), sent, advance: (ms: number) => void (now += ms) };
}

const info = (activity: OutgoingActivity) => activity.entities?.[0] as Record<string, unknown>;
const stopped = () => new ConnectorError(403, 'ContentStreamNotAllowed', 'Content stream is not allowed on an already completed streamed message');

describe('teams / stream manager', () => {
  it('runs informative → streaming (1 s apart, increasing sequence) → final, and returns the stream id as message id', async () => {
    const { streams, sent } = setup(['stream-9']);
    const id = await streams.start(TARGET, 'Je cherche…');
    assert.equal(id, 'stream-9');
    assert.equal(streams.openIn(TARGET.key), 'stream-9');
    await streams.update(TARGET, id, 'Les agents');
    await streams.update(TARGET, id, 'Les agents peuvent');
    const messageId = await streams.finish(TARGET, id, ANSWER, { personal: true });
    assert.equal(messageId, 'stream-9');
    assert.deepEqual(sent.map((entry) => [entry.at, entry.activity.type, info(entry.activity).streamType, info(entry.activity).streamSequence]), [
      [0, 'typing', 'informative', 1],
      [1_000, 'typing', 'streaming', 2],
      [2_000, 'typing', 'streaming', 3],
      [3_000, 'message', 'final', undefined],
    ]);
    assert.equal(streams.has(id), false);
  });

  it('skips empty and non-cumulative texts (Teams rejects a chunk that does not extend the previous one)', async () => {
    const { streams, sent } = setup(['s']);
    const id = await streams.start(TARGET, 'Je cherche…');
    await streams.update(TARGET, id, 'Les agents');
    await streams.update(TARGET, id, '   ');
    await streams.update(TARGET, id, 'Autre chose');
    assert.equal(sent.length, 2);
  });

  it('ends cleanly on 403 ContentStreamNotAllowed: no further update, no final message, no error', async () => {
    const { streams, sent } = setup(['s', '', stopped()]);
    const id = await streams.start(TARGET, 'Je cherche…');
    await streams.update(TARGET, id, 'Les');
    await streams.update(TARGET, id, 'Les agents');
    await streams.update(TARGET, id, 'Les agents peuvent');
    assert.equal(streams.openIn(TARGET.key), undefined, 'a stopped stream is no longer open');
    assert.equal(await streams.finish(TARGET, id, ANSWER, { personal: true }), 's');
    assert.equal(sent.length, 3, 'informative, one update, the refused update; nothing after');
  });

  it('answers with a normal message when Teams refuses to start a stream', async () => {
    const { streams, sent } = setup([stopped(), 'activity-3']);
    const id = await streams.start(TARGET, 'Je cherche…');
    assert.match(id, /^nostream-/);
    await streams.update(TARGET, id, 'Les agents');
    assert.equal(await streams.finish(TARGET, id, ANSWER, { personal: true }), 'activity-3');
    assert.deepEqual(sent.map((entry) => entry.activity.type), ['typing', 'message']);
    assert.equal(sent[1]?.activity.entities?.some((entity) => entity.type === 'streaminfo'), false);
  });

  it('lets other errors through to the caller', async () => {
    const { streams } = setup(['s', new ConnectorError(400, 'BadArgument', 'bad')]);
    const id = await streams.start(TARGET, 'Je cherche…');
    await assert.rejects(streams.update(TARGET, id, 'Les agents'), /bad/);
  });
});
