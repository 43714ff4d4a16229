import { HttpEmbedder } from '../../knowledge/embedders/http-embedder.ts';
import { startFakeModelServer, type FakeModelServer } from '../fakes/model-server.ts';
import { embedderContract } from './embedder.contract.ts';

/**
 * The embedder port has one implementation (the embedded default is "none": lexical search only): the
 * OpenAI-format HTTP embedder, run against the fake model server, with and without an API key (Mistral,
 * Albert, TEI…).
 */
for (const apiKey of [undefined, 'sk-contract'] as const) {
  describe(`HTTP embedder ${apiKey ? 'with' : 'without'} an API key (fake model server)`, () => {
    let server: FakeModelServer;
    before(async () => {
      server = await startFakeModelServer({ ...(apiKey ? { apiKey } : {}), dimensions: 32 });
    });
    after(() => server.close());
    beforeEach(() => server.reset());

    embedderContract(`HttpEmbedder${apiKey ? ' (bearer token)' : ''}`, async () => {
      const embedder = new HttpEmbedder({ baseUrl: `${server.url}/v1`, model: 'bge-m3', maxInputsPerCall: 16, ...(apiKey ? { apiKey } : {}) });
      await embedder.probe();
      return {
        embedder,
        failNext: () => server.queueEmbeddings({ status: 503 }),
        close: async () => undefined,
      };
    });
  });
}
