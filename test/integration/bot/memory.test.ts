import assert from 'node:assert/strict';
import sinon from 'sinon';
import { startFakeModelServer, type FakeModelServer } from '../../fakes/model-server.ts';
import { answerOf, chatRequests, requestText, scriptModel, startHarness, type Harness, paraphraseOf } from './harness.ts';

const FIRST = 'Combien de jours de congés annuels pour un fonctionnaire ?';
const FOLLOW_UP = 'et pour un contractuel ?';
let conversation = 0;
const newConversation = () => ({ key: `teams:memory-${++conversation}`, reference: {} });

describe('conversation memory through the bot', function () {
  this.timeout(30_000);

  describe('offline', () => {
    let harness: Harness;
    before(async () => {
      harness = await startHarness();
    });
    after(async () => harness.close());

    it('combines a follow-up with the previous question', async () => {
      const address = newConversation();
      await harness.say(FIRST, { conversation: address });
      const reply = answerOf(await harness.say(FOLLOW_UP, { conversation: address }));
      assert.deepEqual(reply.citations.map((citation) => citation.id).sort(), ['RH-conges#0', 'RH-contractuel#0']);
      assert.equal(reply.answerOf?.kb, 'hr');
      assert.equal(reply.answerOf?.question, FOLLOW_UP);
    });

    it('keeps conversations apart', async () => {
      await harness.say(FIRST, { conversation: newConversation() });
      const reply = answerOf(await harness.say(FOLLOW_UP, { conversation: newConversation() }));
      assert.ok(!reply.citations.some((citation) => citation.id === 'RH-conges#0'));
    });

    it('does not take a standalone question for a follow-up', async () => {
      const address = newConversation();
      await harness.say(FIRST, { conversation: address });
      const reply = answerOf(await harness.say('Pour exiger des documents, quel grade faut-il avoir ?', { conversation: address }));
      assert.equal(reply.answerOf?.kb, 'legal');
      assert.equal(reply.citations[0]?.id, 'CD-65#0');
    });

    it('forgets the conversation after the inactivity TTL', async () => {
      const address = newConversation();
      await harness.say(FIRST, { conversation: address });
      const clock = sinon.useFakeTimers({ now: Date.now() + (harness.config.bot.memoryTtlMinutes + 1) * 60_000, toFake: ['Date'] });
      try {
        const reply = answerOf(await harness.say(FOLLOW_UP, { conversation: address }));
        assert.ok(!reply.citations.some((citation) => citation.id === 'RH-conges#0'), reply.text);
      } finally {
        clock.restore();
      }
    });
  });

  describe('with a model', () => {
    let server: FakeModelServer;
    let harness: Harness;
    before(async () => {
      server = await startFakeModelServer();
      harness = await startHarness({ model: { provider: 'openai-compatible', server }, overrides: { bot: { answerCacheTtlMinutes: 0 } } });
    });
    beforeEach(() => server.reset());
    after(async () => {
      await harness.close();
      await server.close();
    });

    it('asks the model to rewrite the follow-up, then searches and answers with the rewritten question', async () => {
      const rewritten = 'Combien de jours de congés annuels pour un agent contractuel ?';
      scriptModel(server, {
        rewrite: () => ({ content: `${rewritten}\nJ’espère que cela aide.` }),
        answers: [{ content: 'Le fonctionnaire a vingt-cinq jours ouvrés [1].' }, { content: 'L’agent contractuel a les mêmes congés annuels que le fonctionnaire [1].' }],
      });
      const address = newConversation();
      await harness.say(FIRST, { conversation: address });
      assert.equal(chatRequests(server, 'rewrite').length, 0, 'a standalone question is not rewritten');
      const reply = answerOf(await harness.say(FOLLOW_UP, { conversation: address }));
      const [rewrite] = chatRequests(server, 'rewrite');
      const messages = rewrite?.body.messages ?? [];
      assert.equal(messages.at(-1)?.content, FOLLOW_UP);
      assert.ok(messages.some((entry) => entry.role === 'user' && entry.content === FIRST), requestText(rewrite!));
      assert.ok(requestText(chatRequests(server, 'answer').at(-1)!).endsWith(`Question de l’agent : ${rewritten}`));
      assert.equal(reply.citations[0]?.id, 'RH-contractuel#0');
      assert.ok(paraphraseOf(reply.text).startsWith('L’agent contractuel a les mêmes congés annuels'));
    });

    it('falls back to combining the questions when the rewrite fails', async () => {
      scriptModel(server, { rewrite: () => ({ status: 500 }), answers: [{ content: 'Vingt-cinq jours [1].' }, { content: 'Les mêmes congés [1].' }] });
      const address = newConversation();
      await harness.say(FIRST, { conversation: address });
      const reply = answerOf(await harness.say(FOLLOW_UP, { conversation: address }));
      assert.equal(chatRequests(server, 'rewrite').length, 1);
      assert.ok(requestText(chatRequests(server, 'answer').at(-1)!).endsWith(`Question de l’agent : ${FIRST} ${FOLLOW_UP}`));
      assert.ok(paraphraseOf(reply.text).startsWith('Les mêmes congés [1].'));
    });
  });
});
