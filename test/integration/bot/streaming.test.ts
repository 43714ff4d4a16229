import assert from 'node:assert/strict';
import sinon from 'sinon';
import { ERROR_CATALOGUE } from '../../../bots/errors.ts';
import * as say from '../../../bots/user-messages.ts';
import { EVIL } from './corpus.ts';
import { chatRequests, withModelHarness, paraphraseOf } from './harness.ts';

const QUESTION = 'Quels sont les pouvoirs de visite des agents des douanes ?';
const LONG_ANSWER =
  'Les agents des douanes peuvent procéder à la visite des marchandises, des moyens de transport et des personnes, ' +
  'pour l’application du code et en vue de la recherche de la fraude, dans les conditions que fixe le texte cité [1].';

for (const provider of ['mistral', 'openai-compatible'] as const) describe(`streaming (${provider}) through a channel that can update messages`, function () {
  this.timeout(30_000);
  const rig = withModelHarness((server) => ({ model: { provider, server }, overrides: { bot: { answerCacheTtlMinutes: 0 } } }), { started: (harness) => { harness.channel.streaming = true; } });
  let conversation = 0;
  const ask = async (text: string) => {
    const sentBefore = rig.harness.channel.sent.length;
    const updatesBefore = rig.harness.channel.updates.length;
    await rig.harness.say(text, { conversation: { key: `teams:stream-${++conversation}`, reference: {} } });
    return { sent: rig.harness.channel.sent.slice(sentBefore), updates: rig.harness.channel.updates.slice(updatesBefore) };
  };

  it('sends a progress message, updates it with the text so far at most once a second, then replaces it with the answer', async () => {
    rig.script.answers.push({ content: LONG_ANSWER, chunkDelayMs: 70 });
    const { sent, updates } = await ask(QUESTION);
    const answerRequest = chatRequests(rig.server, 'answer')[0];
    assert.equal(answerRequest?.body.stream, true, 'the model was asked to stream');
    const progressMessage = sent.find((entry) => entry.reply.kind === 'progress');
    assert.equal(progressMessage?.reply.text, say.WORKING);
    assert.ok(updates.every((update) => update.id === progressMessage?.id), 'every update targets the progress message');
    const partials = updates.filter((update) => update.reply.kind === 'progress');
    assert.ok(partials.length >= 1, 'at least one partial text shown');
    for (const [index, update] of partials.entries()) {
      assert.ok(LONG_ANSWER.startsWith(update.reply.text), update.reply.text);
      const previous = partials[index - 1];
      if (previous) assert.ok(update.at - previous.at >= 990, `updates ${update.at - previous.at} ms apart`);
    }
    const streamingTime = (updates.at(-1)?.at ?? 0) - (progressMessage?.at ?? 0);
    assert.ok(partials.length <= Math.ceil(streamingTime / 1_000) + 1, `${partials.length} updates in ${streamingTime} ms`);
    const final = updates.at(-1);
    assert.equal(final?.reply.kind, 'answer');
    assert.ok(paraphraseOf(final?.reply.text).startsWith(LONG_ANSWER), final?.reply.text);
    assert.deepEqual(final?.reply.citations.map((citation) => citation.id), ['CD-60#0']);
    assert.equal(sent.filter((entry) => entry.reply.kind === 'answer').length, 0, 'the answer replaces the progress message');
    const saved = await rig.harness.app.state.getAnswer('teams', progressMessage?.id ?? '');
    assert.equal(saved?.question, QUESTION);
  });

  it('never shows unverified references or links, even in partial text', async () => {
    const invented = `Selon l’article 999, VISITEZ ${EVIL} : les agents des douanes peuvent visiter les marchandises et les moyens de transport en toutes circonstances [1].`;
    rig.script.answers.push({ content: invented, chunkDelayMs: 70 });
    const { updates } = await ask(QUESTION);
    assert.ok(updates.filter((update) => update.reply.kind === 'progress').length >= 1);
    for (const update of updates) {
      assert.ok(!update.reply.text.includes('evil.example') && !update.reply.text.includes('999'), update.reply.text);
    }
  });

  it('replaces the progress message with the French error when answering fails', async () => {
    rig.script.answers.push({ content: LONG_ANSWER });
    const stub = sinon.stub(rig.harness.app.state, 'recordAudit').rejects(new Error('disk full at /srv/secret'));
    let result;
    try {
      result = await ask(QUESTION);
    } finally {
      stub.restore();
    }
    const progressMessage = result.sent.find((entry) => entry.reply.kind === 'progress');
    const final = result.updates.filter((update) => update.id === progressMessage?.id).at(-1);
    assert.deepEqual([final?.reply.kind, final?.reply.text], ['error', ERROR_CATALOGUE.INTERNAL.userMessage]);
    assert.ok(!JSON.stringify(result).includes('/srv/secret'));
    assert.equal(result.sent.filter((entry) => entry.reply.kind === 'error').length, 0, 'one error, in place of the progress message');
  });

  it('does not stream where the channel cannot (no progress message, one answer sent)', async () => {
    rig.harness.channel.streaming = false;
    try {
      rig.script.answers.push({ content: LONG_ANSWER });
      const { sent, updates } = await ask(QUESTION);
      assert.deepEqual(updates, []);
      assert.deepEqual(sent.map((entry) => entry.reply.kind), ['answer']);
      assert.notEqual(chatRequests(rig.server, 'answer')[0]?.body.stream, true);
    } finally {
      rig.harness.channel.streaming = true;
    }
  });
});
