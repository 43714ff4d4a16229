import assert from 'node:assert/strict';
import { ERROR_CATALOGUE } from '../../../bots/errors.ts';
import * as say from '../../../bots/user-messages.ts';
import { startFakeModelServer, type ChatBehaviour, type FakeModelServer } from '../../fakes/model-server.ts';
import { answerOf, chatRequests, scriptModel, startHarness, type Harness, type ModelScript, paraphraseOf } from './harness.ts';

const QUESTION = 'Quels sont les pouvoirs de visite des agents des douanes ?';
const GOOD = { content: 'Les agents des douanes peuvent visiter les marchandises [1].' };

const FAILURES: Array<[string, ChatBehaviour, keyof typeof ERROR_CATALOGUE]> = [
  ['a timeout', { delayMs: 5_000, then: GOOD }, 'MODEL_TIMEOUT'],
  ['a 500', { status: 500 }, 'MODEL_UNAVAILABLE'],
  ['a 503', { status: 503 }, 'MODEL_UNAVAILABLE'],
  ['a malformed response', { malformed: true }, 'MODEL_BAD_RESPONSE'],
  ['an empty answer', { content: '' }, 'MODEL_BAD_RESPONSE'],
];

for (const provider of ['mistral', 'openai-compatible'] as const) {
  describe(`model failures (${provider}): French message, extractive fallback, next question works`, function () {
    this.timeout(30_000);
    let server: FakeModelServer;
    let harness: Harness;
    let script: ModelScript;
    let conversation = 0;
    const escaped: unknown[] = [];
    const record = (reason: unknown) => escaped.push(reason);

    before(async () => {
      process.on('unhandledRejection', record);
      server = await startFakeModelServer();
      harness = await startHarness({ model: { provider, server }, overrides: { bot: { answerTimeoutMs: 1_500 } } });
    });
    beforeEach(async () => {
      server.reset();
      script = scriptModel(server);
      await harness.app.state.cacheInvalidate('');
    });
    after(async () => {
      process.off('unhandledRejection', record);
      await harness.close();
      await server.close();
    });

    for (const [label, behaviour, code] of FAILURES) {
      it(`on ${label}: says so in French, quotes the passages, then answers normally when asked again`, async () => {
        const key = `teams:failure-${++conversation}`;
        script.answers.push(behaviour, GOOD);
        const started = Date.now();
        const degraded = answerOf(await harness.say(QUESTION, { conversation: { key, reference: {} } }));
        assert.ok(Date.now() - started < 3_000, `answered in ${Date.now() - started} ms`);
        assert.ok(degraded.text.startsWith(`${ERROR_CATALOGUE[code].userMessage} Voici en attendant les extraits les plus pertinents.`), degraded.text);
        assert.match(degraded.text, /\*\*Code des douanes, art\. 60\*\* \[1\]\n> /);
        assert.ok(degraded.text.endsWith(say.CHECK_SOURCE_EXTRACTIVE));
        assert.equal(degraded.citations[0]?.id, 'CD-60#0');
        const [audit] = await harness.app.state.listAudit(1);
        assert.equal(audit?.kind, 'extractive');

        const again = answerOf(await harness.say(QUESTION, { conversation: { key, reference: {} } }));
        assert.ok(paraphraseOf(again.text).startsWith('Les agents des douanes peuvent visiter les marchandises [1].'), again.text);
        assert.equal(chatRequests(server, 'answer').length, 2, 'the degraded answer was not cached');
        await new Promise((resolve) => setTimeout(resolve, 50));
        assert.deepEqual(escaped.map(String), [], 'no unhandled rejection');
      });
    }

    it('on a rejected request (401): tells the user to warn the administrator, still quotes the passages', async () => {
      script.answers.push({ status: 401 });
      const reply = answerOf(await harness.say(QUESTION, { conversation: { key: `teams:failure-${++conversation}`, reference: {} } }));
      assert.ok(reply.text.startsWith(ERROR_CATALOGUE.MODEL_REJECTED_REQUEST.userMessage));
      assert.equal(reply.citations[0]?.id, 'CD-60#0');
    });
  });
}
