import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PasserelleError } from '../../../bots/errors.ts';
import { HttpEmbedder } from '../../../knowledge/embedders/http-embedder.ts';
import { LangChainChatModel } from '../../../knowledge/models/langchain-chat-model.ts';
import { HttpRerankingModel } from '../../../knowledge/rerankers/http-reranking-model.ts';
import { startFakeModelServer, type FakeModelServer } from '../../fakes/model-server.ts';
import { recordOutboundRequests, type OutboundRecorder } from '../../fakes/outbound-requests.ts';

/**
 * Model services receive the passages and the questions: a redirect from one of them must not carry the
 * request (body and key) anywhere else. Each client meets a 307 and a 308 to another local server, to a
 * private address and to the cloud metadata service; every request the process starts is recorded.
 */
describe('model clients never follow a redirect', function () {
  this.timeout(60_000);
  let server: FakeModelServer;
  let trap: Server;
  let trapHits = 0;
  let recorder: OutboundRecorder;
  const targets = () => [`http://127.0.0.1:${(trap.address() as AddressInfo).port}/v1/stolen`, 'http://10.0.0.1/v1/stolen', 'http://169.254.169.254/latest/meta-data/'];

  before(async () => {
    server = await startFakeModelServer();
    trap = createServer((request, response) => {
      trapHits++;
      request.resume();
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
    await new Promise<void>((resolve) => trap.listen(0, '127.0.0.1', resolve));
  });
  after(async () => {
    await server.close();
    await new Promise<void>((resolve) => trap.close(() => resolve()));
  });
  beforeEach(() => {
    server.reset();
    recorder = recordOutboundRequests();
  });
  afterEach(() => recorder.stop());

  async function refused(call: () => Promise<unknown>, location: string): Promise<void> {
    await assert.rejects(call(), (error) => error instanceof PasserelleError && error.code === 'MODEL_REJECTED_REQUEST' && /30[78]/.test(String((error.cause as Error)?.message ?? error.cause)));
    assert.deepEqual(recorder.to(location), [], `a request left for ${location}`);
    assert.equal(trapHits, 0);
  }

  it('the HTTP embedder', async () => {
    const embedder = new HttpEmbedder({ baseUrl: `${server.url}/v1`, model: 'bge-m3', apiKey: 'sk-redirect' });
    for (const location of targets()) {
      for (const status of [307, 308]) {
        server.queueEmbeddings({ status, headers: { location } });
        await refused(() => embedder.embed(['article 60 du code des douanes']), location);
      }
    }
  });

  it('the HTTP re-ranker', async () => {
    const reranker = new HttpRerankingModel({ protocol: 'tei', baseUrl: `http://127.0.0.1:${(trap.address() as AddressInfo).port}`, model: 'r' });
    const redirecting = createServer((request, response) => {
      request.resume();
      response.writeHead(307, { location: String(new URL(request.url ?? '/', 'http://x').searchParams.get('to') ?? '') }).end();
    });
    await new Promise<void>((resolve) => redirecting.listen(0, '127.0.0.1', resolve));
    try {
      for (const location of targets()) {
        const via = new HttpRerankingModel({ protocol: 'tei', baseUrl: `http://127.0.0.1:${(redirecting.address() as AddressInfo).port}/?to=${encodeURIComponent(location)}#`, model: 'r' });
        await refused(() => via.score('visite', ['article 60', 'article 61']), location);
      }
    } finally {
      await new Promise<void>((resolve) => redirecting.close(() => resolve()));
    }
    assert.ok(reranker.id);
  });

  for (const provider of ['mistral', 'openai-compatible'] as const) {
    for (const apiKey of ['sk-redirect', undefined]) {
      it(`the chat model (${provider}, ${apiKey ? 'with' : 'without'} a key)`, async () => {
        const model = new LangChainChatModel({ provider, url: provider === 'mistral' ? server.url : `${server.url}/v1`, ...(apiKey ? { apiKey } : {}), model: 'm', ceiling: 'public', timeoutMs: 10_000, maxRetries: 0 });
        for (const [index, location] of targets().entries()) {
          server.queueChat({ status: index % 2 ? 308 : 307, headers: { location } });
          await refused(() => model.complete([{ role: 'user', content: 'Question confidentielle' }], index === 2 ? { onDelta: () => undefined } : {}), location);
        }
        assert.equal(server.requests.length, 3, 'one request per question');
      });
    }
  }
});
