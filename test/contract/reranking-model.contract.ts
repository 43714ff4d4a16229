import assert from 'node:assert/strict';
import { PasserelleError } from '../../bots/errors.ts';
import type { RerankingModel } from '../../knowledge/ports/reranking-model.ts';
import type { FakeRerankServer } from '../fakes/rerank-server.ts';

/**
 * The behaviour every RerankingModel must have, run by reranking-model.test.ts against each wire format through
 * the fake server (a real TEI, Albert or Cohere endpoint behaves the same for these cases).
 */
export function rerankingModelContract(name: string, server: () => FakeRerankServer, open: () => RerankingModel): void {
  describe(`RerankingModel contract: ${name}`, () => {
    const documents = [
      'La déclaration en détail est déposée au bureau de douane.',
      'Le refus de se soumettre à la visite du moyen de transport est puni.',
      'Les agents des douanes peuvent visiter les moyens de transport et les marchandises.',
    ];

    it('gives one score per document, in the documents’ order, higher for the more relevant', async () => {
      const scores = await open().score('visite des moyens de transport par les agents', documents);
      assert.equal(scores.length, 3);
      assert.ok((scores[2] as number) > (scores[0] as number));
      assert.ok((scores[1] as number) > (scores[0] as number));
    });

    it('makes no call for an empty list', async () => {
      const before = server().requests.length;
      assert.deepEqual(await open().score('question', []), []);
      assert.equal(server().requests.length, before);
    });

    it('turns 5xx and 429 into RERANKER_UNAVAILABLE (retryable, Retry-After kept), 4xx into MODEL_REJECTED_REQUEST', async () => {
      server().queue({ status: 503 });
      await assert.rejects(open().score('q', documents), (error: PasserelleError) => error.code === 'RERANKER_UNAVAILABLE' && error.retryable);
      server().queue({ status: 429, retryAfter: 2 });
      await assert.rejects(open().score('q', documents), (error: PasserelleError) => error.code === 'RERANKER_UNAVAILABLE' && error.retryAfterMs === 2_000);
      server().queue({ status: 400 });
      await assert.rejects(open().score('q', documents), (error: PasserelleError) => error.code === 'MODEL_REJECTED_REQUEST' && !error.retryable);
    });

    it('refuses a malformed body or a result list missing a document (MODEL_BAD_RESPONSE)', async () => {
      server().queue({ malformed: true });
      await assert.rejects(open().score('q', documents), (error: PasserelleError) => error.code === 'MODEL_BAD_RESPONSE');
      server().queue({ missingIndex: true });
      await assert.rejects(open().score('q', documents), (error: PasserelleError) => error.code === 'MODEL_BAD_RESPONSE');
    });

    it('honours an abort signal', async () => {
      server().queue({ delayMs: 2_000 });
      await assert.rejects(open().score('q', documents, { signal: AbortSignal.timeout(50) }), (error: PasserelleError) => error.code === 'RERANKER_UNAVAILABLE');
    });

    it('refuses more documents than it declares it takes in one call', async () => {
      const model = open();
      await assert.rejects(model.score('q', Array.from({ length: model.maxDocumentsPerCall + 1 }, () => 'texte')));
    });
  });
}
