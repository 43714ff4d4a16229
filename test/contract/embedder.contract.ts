import assert from 'node:assert/strict';
import { PasserelleError } from '../../bots/errors.ts';
import type { Embedder } from '../../knowledge/ports/embedder.ts';

/**
 * The contract every Embedder implementation honours (knowledge/ports/embedder.ts), run against each one
 * by embedder.test.ts. `setup` gives a ready embedder (its dimensions known) and a way to make the service
 * fail for the next call; it is called once per test.
 */
export interface EmbedderUnderTest {
  embedder: Embedder;
  /** The next call meets a service in trouble (HTTP 503, throttling…). */
  failNext(): void;
  close(): Promise<void>;
}

export function embedderContract(name: string, setup: () => Promise<EmbedderUnderTest>): void {
  describe(`Embedder contract: ${name}`, function () {
    this.timeout(15_000);
    let subject: EmbedderUnderTest;
    beforeEach(async () => {
      subject = await setup();
    });
    afterEach(() => subject.close());

    it('declares its limits and identity: inputs per call, dimensions, an id naming model and size', () => {
      const { embedder } = subject;
      assert.ok(Number.isInteger(embedder.maxInputsPerCall) && embedder.maxInputsPerCall > 0);
      assert.ok(Number.isInteger(embedder.dimensions) && embedder.dimensions > 0);
      assert.match(embedder.id, new RegExp(String(embedder.dimensions)));
    });

    it('returns one finite vector of `dimensions` per input, in input order', async () => {
      const texts = ['visite des marchandises', 'congés bonifiés des agents', 'retenue douanière'];
      const vectors = await subject.embedder.embed(texts);
      assert.equal(vectors.length, texts.length);
      for (const vector of vectors) {
        assert.equal(vector.length, subject.embedder.dimensions);
        assert.ok(vector.every(Number.isFinite));
      }
      const [again] = await subject.embedder.embed([texts[2]!]);
      assert.deepEqual(Array.from(again!), Array.from(vectors[2]!), 'the third vector is the third text’s');
      assert.notDeepEqual(Array.from(vectors[0]!), Array.from(vectors[1]!));
    });

    it('is deterministic and answers an empty list without calling the service', async () => {
      const [first] = await subject.embedder.embed(['contrôle des bagages']);
      const [second] = await subject.embedder.embed(['contrôle des bagages']);
      assert.deepEqual(Array.from(first!), Array.from(second!));
      subject.failNext();
      assert.deepEqual(await subject.embedder.embed([]), []);
    });

    it('takes `maxInputsPerCall` inputs in one call', async () => {
      const texts = Array.from({ length: subject.embedder.maxInputsPerCall }, (_, index) => `article ${index} du code des douanes`);
      assert.equal((await subject.embedder.embed(texts)).length, texts.length);
    });

    it('fails with the retryable EMBEDDER_UNAVAILABLE when the service is in trouble, and works again after', async () => {
      subject.failNext();
      await assert.rejects(subject.embedder.embed(['visite']), (error: unknown) => error instanceof PasserelleError && error.code === 'EMBEDDER_UNAVAILABLE' && error.retryable);
      assert.equal((await subject.embedder.embed(['visite'])).length, 1);
    });

    it('stops when the caller aborts, with a catalogue error', async () => {
      const controller = new AbortController();
      controller.abort(new Error('fini'));
      await assert.rejects(subject.embedder.embed(['visite'], { signal: controller.signal }), PasserelleError);
    });
  });
}
