import assert from 'node:assert/strict';
import * as say from '../../../bots/user-messages.ts';
import { withModelHarness, paraphraseOf } from './harness.ts';

const QUESTION = 'Quels sont les pouvoirs de visite des agents des douanes ?';
const ANSWER = 'Les agents des douanes peuvent visiter les marchandises et les moyens de transport [1].';

/**
 * A slow model: the agent sees « Je rédige la réponse… » on every channel, through the outbound path. The wait
 * threshold is 1 ms here and the model answers after 600 ms, so the order does not depend on the machine's speed.
 */
describe('progress while the model is slow (fake model server)', function () {
  this.timeout(30_000);
  const rig = withModelHarness((server) => ({ model: { provider: 'openai-compatible', server }, overrides: { bot: { answerCacheTtlMinutes: 0, progressAfterMs: 1 } } }));
  let conversation = 0;
  const ask = async () => {
    const sentBefore = rig.harness.channel.sent.length;
    const updatesBefore = rig.harness.channel.updates.length;
    await rig.harness.say(QUESTION, { conversation: { key: `teams:progress-${++conversation}`, reference: {} } });
    return { sent: rig.harness.channel.sent.slice(sentBefore), updates: rig.harness.channel.updates.slice(updatesBefore) };
  };

  it('a channel that cannot stream gets a « Je rédige la réponse… » message, then replaced by the answer', async () => {
    rig.harness.channel.streaming = false;
    rig.script.answers.push({ delayMs: 600, then: { content: ANSWER } });
    const { sent, updates } = await ask();
    const placeholder = sent.find((entry) => entry.reply.kind === 'progress');
    assert.equal(placeholder?.reply.text, say.DRAFTING, JSON.stringify(sent.map((entry) => entry.reply.text)));
    assert.ok(!sent.some((entry) => entry.reply.kind === 'answer'), 'the answer replaces the placeholder rather than following it');
    const final = updates.at(-1);
    assert.equal(final?.id, placeholder?.id);
    assert.equal(final?.reply.kind, 'answer');
    assert.ok(paraphraseOf(final?.reply.text).startsWith(ANSWER), final?.reply.text);
  });

  it('a streaming channel shows « Je rédige la réponse… » in the streamed message before the answer', async () => {
    rig.harness.channel.streaming = true;
    try {
      rig.script.answers.push({ delayMs: 600, then: { content: ANSWER } });
      const { sent, updates } = await ask();
      assert.equal(sent.length, 1);
      assert.equal(sent[0]?.reply.text, say.WORKING);
      const drafting = updates.findIndex((entry) => entry.reply.text === say.DRAFTING);
      assert.ok(drafting >= 0, JSON.stringify(updates.map((entry) => entry.reply.text)));
      assert.equal(updates.at(-1)?.reply.kind, 'answer');
      assert.ok(drafting < updates.length - 1);
    } finally {
      rig.harness.channel.streaming = false;
    }
  });

  it('a model failure after the placeholder turns it into the French error message', async () => {
    rig.harness.channel.streaming = false;
    rig.script.answers.push({ delayMs: 600, then: { status: 400 } });
    const { sent, updates } = await ask();
    const placeholder = sent.find((entry) => entry.reply.kind === 'progress');
    assert.equal(placeholder?.reply.text, say.DRAFTING);
    const final = updates.at(-1) ?? sent.at(-1);
    assert.notEqual(final?.reply.kind, 'progress', 'the placeholder is not left on screen');
  });
});

describe('no progress message when the model answers in time', function () {
  this.timeout(30_000);
  const rig = withModelHarness((server) => ({ model: { provider: 'openai-compatible', server }, overrides: { bot: { answerCacheTtlMinutes: 0, progressAfterMs: 60_000 } } }), { script: { defaultAnswer: { content: ANSWER } } });

  it('sends the answer alone', async () => {
    const replies = await rig.harness.say(QUESTION, { conversation: { key: 'teams:progress-fast', reference: {} } });
    assert.ok(!replies.some((reply) => reply.text === say.DRAFTING), JSON.stringify(replies.map((reply) => reply.text)));
    assert.ok(replies.some((reply) => reply.kind === 'answer'));
  });
});
