import { LangChainChatModel } from '../../knowledge/models/langchain-chat-model.ts';
import { startFakeModelServer, type FakeModelServer } from '../fakes/model-server.ts';
import { chatModelContract } from './chat-model.contract.ts';

/**
 * The chat model port has one implementation (the embedded default is "none": extractive answers): the
 * LangChain chat model, for both providers it speaks, against the fake model server.
 */
const API_KEY = 'sk-contract';

for (const provider of ['mistral', 'openai-compatible'] as const) {
  describe(`LangChain chat model, ${provider} (fake model server)`, () => {
    let server: FakeModelServer;
    before(async () => {
      server = await startFakeModelServer({ apiKey: API_KEY });
    });
    after(() => server.close());
    beforeEach(() => server.reset());

    chatModelContract(`LangChainChatModel (${provider})`, async () => ({
      model: new LangChainChatModel({
        provider,
        url: provider === 'mistral' ? server.url : `${server.url}/v1`,
        apiKey: API_KEY,
        model: provider === 'mistral' ? 'mistral-small-latest' : 'albert-large',
        ceiling: 'interne',
        timeoutMs: 10_000,
        maxRetries: 0,
      }),
      answerNext: (content) => server.queueChat({ content }),
      failNext: (failure) =>
        server.queueChat(
          failure === 'unavailable' ? { status: 503 }
          : failure === 'rejected' ? { status: 401 }
          : failure === 'malformed' ? { malformed: true }
          : { delayMs: 5_000, then: { content: 'trop tard' } },
        ),
      close: async () => undefined,
    }));
  });
}
