import assert from 'node:assert/strict';
import { ERROR_CATALOGUE, PasserelleError, type ErrorCode } from '../../bots/errors.ts';
import type { ChatMessage, ChatModel } from '../../knowledge/ports/chat-model.ts';
import { CLASSIFICATIONS } from '../../knowledge/types.ts';

/**
 * The contract every ChatModel implementation honours (knowledge/ports/chat-model.ts), run against each
 * one by chat-model.test.ts: answers with usage, streaming deltas that add up to the answer, the caller's
 * signal, and failures that are catalogue errors (the user text chosen by code, the cause kept).
 */
export interface ChatModelUnderTest {
  model: ChatModel;
  /** The next request is answered with `content`. */
  answerNext(content: string): void;
  /** The next request meets this failure of the service. */
  failNext(failure: 'unavailable' | 'rejected' | 'malformed' | 'slow'): void;
  close(): Promise<void>;
}

const EXCHANGE: ChatMessage[] = [
  { role: 'system', content: 'Réponds à partir des extraits cités.' },
  { role: 'user', content: 'Les agents peuvent-ils visiter les marchandises ?' },
];

export function chatModelContract(name: string, setup: () => Promise<ChatModelUnderTest>): void {
  describe(`ChatModel contract: ${name}`, function () {
    this.timeout(15_000);
    let subject: ChatModelUnderTest;
    beforeEach(async () => {
      subject = await setup();
    });
    afterEach(() => subject.close());

    const rejectsWith = async (promise: Promise<unknown>, codes: readonly ErrorCode[]) => {
      await assert.rejects(promise, (error: unknown) => {
        assert.ok(error instanceof PasserelleError, `a catalogue error, not ${String(error)}`);
        assert.ok(codes.includes(error.code), `${error.code} is one of ${codes.join(', ')}`);
        assert.equal(error.retryable, ERROR_CATALOGUE[error.code].retryable);
        assert.equal(error.userMessage, ERROR_CATALOGUE[error.code].userMessage, 'the user text comes from the catalogue');
        assert.ok(error.cause !== undefined, 'the cause is kept for the log');
        return true;
      });
    };

    it('declares an id naming provider and model, and the classification it is cleared for', () => {
      assert.match(subject.model.id, /^[a-z-]+:\S+$/);
      assert.ok((CLASSIFICATIONS as readonly string[]).includes(subject.model.ceiling));
    });

    it('completes an exchange: the text, the model name, token usage', async () => {
      subject.answerNext('Oui, selon l’article 60 du code des douanes [1].');
      const completion = await subject.model.complete(EXCHANGE);
      assert.equal(completion.text, 'Oui, selon l’article 60 du code des douanes [1].');
      assert.ok(completion.model.length > 0);
      assert.ok(completion.usage.inputTokens > 0 && completion.usage.outputTokens > 0);
    });

    it('streams when asked: the deltas, in order, add up to the final text', async () => {
      subject.answerNext('Les agents des douanes peuvent procéder à la visite des marchandises.');
      const deltas: string[] = [];
      const completion = await subject.model.complete(EXCHANGE, { onDelta: (delta) => deltas.push(delta) });
      assert.ok(deltas.length > 1, 'several deltas');
      assert.equal(deltas.join(''), completion.text);
      assert.equal(completion.text, 'Les agents des douanes peuvent procéder à la visite des marchandises.');
    });

    it('reports a service in trouble as the retryable MODEL_UNAVAILABLE', async () => {
      subject.failNext('unavailable');
      await rejectsWith(subject.model.complete(EXCHANGE), ['MODEL_UNAVAILABLE']);
    });

    it('reports a refused request (credentials, parameters) as MODEL_REJECTED_REQUEST, not retryable', async () => {
      subject.failNext('rejected');
      await rejectsWith(subject.model.complete(EXCHANGE), ['MODEL_REJECTED_REQUEST']);
    });

    it('reports an unusable answer as MODEL_BAD_RESPONSE', async () => {
      subject.failNext('malformed');
      await rejectsWith(subject.model.complete(EXCHANGE), ['MODEL_BAD_RESPONSE', 'MODEL_UNAVAILABLE']);
    });

    it('stops promptly when the caller’s signal fires, with a catalogue error', async () => {
      subject.failNext('slow');
      const started = Date.now();
      await rejectsWith(subject.model.complete(EXCHANGE, { signal: AbortSignal.timeout(200) }), ['MODEL_TIMEOUT', 'MODEL_UNAVAILABLE']);
      assert.ok(Date.now() - started < 3_000, 'does not wait for the slow answer');
    });
  });
}
