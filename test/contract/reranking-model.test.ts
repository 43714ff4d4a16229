import assert from 'node:assert/strict';
import { HttpRerankingModel } from '../../knowledge/rerankers/http-reranking-model.ts';
import { startFakeRerankServer, type FakeRerankServer } from '../fakes/rerank-server.ts';
import { rerankingModelContract } from './reranking-model.contract.ts';

describe('re-ranking models over HTTP (fake server speaking TEI, Albert and Cohere)', () => {
  let server: FakeRerankServer;
  before(async () => {
    server = await startFakeRerankServer({ apiKey: 'cle-secrete' });
  });
  afterEach(() => server.reset());
  after(() => server.close());

  rerankingModelContract('TEI', () => server, () => new HttpRerankingModel({ protocol: 'tei', baseUrl: server.url, model: 'bge-reranker-v2-m3', apiKey: 'cle-secrete' }));
  rerankingModelContract('Albert', () => server, () => new HttpRerankingModel({ protocol: 'albert', baseUrl: `${server.url}/v1`, model: 'BAAI/bge-reranker-v2-m3', apiKey: 'cle-secrete' }));
  rerankingModelContract('Cohere-compatible', () => server, () => new HttpRerankingModel({ protocol: 'cohere', baseUrl: `${server.url}/v1/`, model: 'rerank-v3.5', apiKey: 'cle-secrete', maxDocumentsPerCall: 8 }));

  it('sends each protocol’s own request shape, with the key', async () => {
    await new HttpRerankingModel({ protocol: 'tei', baseUrl: server.url, model: 'm', apiKey: 'cle-secrete' }).score('q', ['a']);
    await new HttpRerankingModel({ protocol: 'albert', baseUrl: `${server.url}/v1`, model: 'm', apiKey: 'cle-secrete' }).score('q', ['a']);
    await new HttpRerankingModel({ protocol: 'cohere', baseUrl: `${server.url}/v1`, model: 'm', apiKey: 'cle-secrete' }).score('q', ['a']);
    assert.deepEqual(
      server.requests.map((request) => [request.path, Object.keys(request.body).sort().join(',')]),
      [['/rerank', 'query,raw_scores,texts,truncate'], ['/v1/rerank', 'input,model,prompt'], ['/v1/rerank', 'documents,model,query,top_n']],
    );
    assert.ok(server.requests.every((request) => request.headers.authorization === 'Bearer cle-secrete'));
  });
});
