import assert from 'node:assert/strict';

import { ERROR_CATALOGUE, PasserelleError, type ErrorCode } from '../../../bots/errors.ts';
import type { ModelEndpointConfig } from '../../../config/schema.ts';
import { LangChainChatModel, createChatModel } from '../../../knowledge/models/langchain-chat-model.ts';
import type { ChatMessage, ChatOptions } from '../../../knowledge/ports/chat-model.ts';
import {
  startFakeModelServer,
  type ChatBehaviour,
  type ChatRequestBody,
  type FakeModelServer,
} from '../../fakes/model-server.ts';

const API_KEY = 'sk-test-passerelle';
const PROVIDERS = ['mistral', 'openai-compatible'] as const;
type Provider = (typeof PROVIDERS)[number];

const EXCHANGE: ChatMessage[] = [
  { role: 'system', content: 'Tu es l’assistant des agents des douanes. Réponds à partir des extraits.' },
  { role: 'user', content: 'Quel est le code de nomenclature du café vert ?' },
];
const ANSWER = 'Le café vert non torréfié relève de la position 0901 11 00 de la nomenclature combinée.';

async function failure(promise: Promise<unknown>): Promise<PasserelleError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof PasserelleError, `expected a PasserelleError, got ${String(error)}`);
    return error;
  }
  assert.fail('expected a rejection');
}

function assertModelError(error: PasserelleError, code: ErrorCode): void {
  assert.equal(error.code, code, `expected ${code}, got ${error.code} (cause: ${String(error.cause)})`);
  assert.equal(error.retryable, ERROR_CATALOGUE[code].retryable);
  assert.ok(error.cause !== undefined, 'the original error is kept as cause');
  assert.equal(error.userMessage, ERROR_CATALOGUE[code].userMessage, 'user text comes from the catalogue only');
}

/** Runs `body` while recording unhandled rejections, lets stray promises settle, then asserts none escaped. */
async function withoutUnhandledRejection<T>(body: () => Promise<T>): Promise<T> {
  const escaped: unknown[] = [];
  const listener = (reason: unknown): void => {
    escaped.push(reason);
  };
  process.on('unhandledRejection', listener);
  try {
    const result = await body();
    await new Promise((resolve) => setTimeout(resolve, 100));
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(escaped.map(String), [], 'no unhandled rejection may escape');
    return result;
  } finally {
    process.off('unhandledRejection', listener);
  }
}

async function eventually(condition: () => boolean, withinMs: number): Promise<boolean> {
  const deadline = Date.now() + withinMs;
  while (!condition()) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return true;
}

for (const provider of PROVIDERS) {
  describe(`LangChainChatModel (${provider}) against the fake model server`, function () {
    this.timeout(15_000);
    let server: FakeModelServer;
    const modelName = provider === 'mistral' ? 'mistral-small-latest' : 'albert-large';

    const endpoint = (overrides: Partial<ModelEndpointConfig> = {}): ModelEndpointConfig => ({
      provider,
      url: provider === 'mistral' ? server.url : `${server.url}/v1`,
      apiKey: API_KEY,
      model: modelName,
      ceiling: 'public',
      timeoutMs: 10_000,
      maxRetries: 0,
      ...overrides,
    });
    const model = (overrides: Partial<ModelEndpointConfig> = {}): LangChainChatModel =>
      new LangChainChatModel(endpoint(overrides));
    const chatBodies = (): ChatRequestBody[] =>
      server.requests.filter((request) => request.path.startsWith('/v1/chat/completions')).map((request) => request.body as ChatRequestBody);

    before(async () => {
      server = await startFakeModelServer({ apiKey: API_KEY });
    });
    after(async () => {
      await server.close();
    });
    beforeEach(() => server.reset());

    describe('answers', () => {
      it('returns a plain answer with the usage the provider reported', async () => {
        server.queueChat({ content: ANSWER, usage: { prompt_tokens: 321, completion_tokens: 54 } });
        const completion = await model().complete(EXCHANGE);
        assert.deepEqual(completion, { text: ANSWER, usage: { inputTokens: 321, outputTokens: 54 }, model: modelName });
        const [body] = chatBodies();
        assert.equal(chatBodies().length, 1);
        assert.notEqual(body?.stream, true, 'without onDelta the request is not streamed');
        assert.equal(server.requests[0]?.headers['authorization'], `Bearer ${API_KEY}`);
      });

      it('streams: deltas arrive in order, concatenate to the text, and usage is reported', async () => {
        server.queueChat({ content: ANSWER, usage: { prompt_tokens: 77, completion_tokens: 13 } });
        const deltas: string[] = [];
        const completion = await model().complete(EXCHANGE, { onDelta: (delta) => deltas.push(delta) });
        assert.ok(deltas.length >= 2, `expected several deltas, got ${deltas.length}`);
        assert.equal(deltas.join(''), ANSWER);
        assert.equal(completion.text, ANSWER);
        assert.deepEqual(completion.usage, { inputTokens: 77, outputTokens: 13 });
        assert.equal(completion.model, modelName);
        assert.equal(chatBodies()[0]?.stream, true);
      });

      it('sends the system and user messages, the model, the temperature and the max tokens', async () => {
        const conversation: ChatMessage[] = [
          ...EXCHANGE,
          { role: 'assistant', content: 'Position 0901.' },
          { role: 'user', content: 'Et le café torréfié ?' },
        ];
        await model().complete(conversation, { temperature: 0.3, maxTokens: 123 });
        await model().complete(EXCHANGE, { onDelta: () => undefined });
        const [explicit, defaults] = chatBodies();
        assert.equal(explicit?.model, modelName);
        assert.deepEqual(
          explicit?.messages?.map(({ role, content }) => ({ role, content })),
          conversation.map(({ role, content }) => ({ role, content })),
        );
        assert.equal(explicit?.temperature, 0.3);
        assert.equal(explicit?.max_tokens, 123);
        // The port's defaults: temperature 0.1, 800 tokens (streamed requests carry them too).
        assert.equal(defaults?.temperature, 0.1);
        assert.equal(defaults?.max_tokens, 800);
        assert.equal(defaults?.model, modelName);
      });

      it('estimates the usage (characters / 4) when the provider reports none', async () => {
        server.queueChat({ content: ANSWER, usage: { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 } });
        const { usage } = await model().complete(EXCHANGE);
        const inputChars = EXCHANGE.reduce((sum, message) => sum + message.content.length, 0);
        assert.deepEqual(usage, { inputTokens: Math.ceil(inputChars / 4), outputTokens: Math.ceil(ANSWER.length / 4) });
      });

      it('sends no Authorization header when the endpoint has no API key', async () => {
        const open = await startFakeModelServer();
        try {
          const keyless = new LangChainChatModel(
            endpoint({ url: provider === 'mistral' ? open.url : `${open.url}/v1`, apiKey: undefined }),
          );
          assert.equal((await keyless.complete(EXCHANGE)).text.length > 0, true);
          assert.equal(open.requests[0]?.headers['authorization'], undefined);
        } finally {
          await open.close();
        }
      });

      it('honours maxRetries from the configuration', async () => {
        server.queueChat({ status: 503 }, { content: ANSWER });
        const completion = await model({ maxRetries: 1 }).complete(EXCHANGE);
        assert.equal(completion.text, ANSWER);
        assert.equal(chatBodies().length, 2);
      });
    });

    describe('failures', () => {
      for (const streamed of [false, true]) {
        const mode = streamed ? 'streamed' : 'not streamed';
        const options = (extra: ChatOptions = {}): ChatOptions => (streamed ? { onDelta: () => undefined, ...extra } : extra);

        it(`maps a 500 to a retryable MODEL_UNAVAILABLE, sending the request once with maxRetries 0 (${mode})`, async () => {
          server.queueChat({ status: 500 });
          const error = await failure(model().complete(EXCHANGE, options()));
          assertModelError(error, 'MODEL_UNAVAILABLE');
          assert.equal(error.retryable, true);
          assert.equal(error.retryAfterMs, undefined);
          assert.equal(chatBodies().length, 1);
        });

        it(`maps a 429 with Retry-After: 2 to MODEL_UNAVAILABLE with retryAfterMs 2000 (${mode})`, async () => {
          server.queueChat({ status: 429, headers: { 'retry-after': '2' } });
          const error = await failure(model().complete(EXCHANGE, options()));
          assertModelError(error, 'MODEL_UNAVAILABLE');
          assert.equal(error.retryAfterMs, 2000);
          assert.ok(!error.userMessage.includes('Rate limit'), 'the provider text stays out of the user message');
        });

        it(`maps a wrong API key (401) to MODEL_REJECTED_REQUEST (${mode})`, async () => {
          const error = await failure(model({ apiKey: 'sk-wrong' }).complete(EXCHANGE, options()));
          assertModelError(error, 'MODEL_REJECTED_REQUEST');
          assert.equal(error.retryable, false);
          assert.equal(server.requests[0]?.headers['authorization'], 'Bearer sk-wrong');
        });

        for (const status of [400, 403, 404, 422]) {
          it(`maps a ${status} to MODEL_REJECTED_REQUEST (${mode})`, async () => {
            server.queueChat({ status });
            assertModelError(await failure(model().complete(EXCHANGE, options())), 'MODEL_REJECTED_REQUEST');
          });
        }

        it(`maps malformed JSON to MODEL_BAD_RESPONSE and lets no unhandled rejection escape (${mode})`, async () => {
          server.queueChat({ malformed: true });
          const error = await withoutUnhandledRejection(() => failure(model().complete(EXCHANGE, options())));
          assertModelError(error, 'MODEL_BAD_RESPONSE');
        });

        it(`maps an empty answer to MODEL_BAD_RESPONSE (${mode})`, async () => {
          server.queueChat({ content: '' });
          assertModelError(await failure(model().complete(EXCHANGE, options())), 'MODEL_BAD_RESPONSE');
        });

        it(`maps a dropped connection to MODEL_UNAVAILABLE (${mode})`, async () => {
          server.queueChat({ dropConnection: true });
          const error = await withoutUnhandledRejection(() => failure(model().complete(EXCHANGE, options())));
          assertModelError(error, 'MODEL_UNAVAILABLE');
        });

        it(`maps a refused connection to MODEL_UNAVAILABLE (${mode})`, async () => {
          const gone = await startFakeModelServer();
          await gone.close();
          const error = await failure(
            model({ url: provider === 'mistral' ? gone.url : `${gone.url}/v1` }).complete(EXCHANGE, options()),
          );
          assertModelError(error, 'MODEL_UNAVAILABLE');
        });

        it(`rejects with MODEL_TIMEOUT within ~1 s when AbortSignal.timeout(300) fires, and drops the request (${mode})`, async () => {
          server.queueChat({ delayMs: 5_000, then: { content: ANSWER } });
          const started = Date.now();
          const error = await withoutUnhandledRejection(async () => {
            const rejected = await failure(model().complete(EXCHANGE, options({ signal: AbortSignal.timeout(300) })));
            assert.ok(Date.now() - started < 1_000, `took ${Date.now() - started} ms`);
            return rejected;
          });
          assertModelError(error, 'MODEL_TIMEOUT');
          assert.ok(await eventually(() => server.inFlight === 0, 1_000), 'the HTTP request itself was aborted');
        });

        it(`maps the caller's plain abort (not a timeout) to MODEL_UNAVAILABLE (${mode})`, async () => {
          server.queueChat({ delayMs: 5_000, then: { content: ANSWER } });
          const controller = new AbortController();
          setTimeout(() => controller.abort(), 100);
          const started = Date.now();
          const error = await failure(model().complete(EXCHANGE, options({ signal: controller.signal })));
          assert.ok(Date.now() - started < 1_000, `took ${Date.now() - started} ms`);
          assertModelError(error, 'MODEL_UNAVAILABLE');
          assert.equal((error.cause as Error).name, 'AbortError');
          assert.ok(await eventually(() => server.inFlight === 0, 1_000), 'the HTTP request itself was aborted');
        });

        it(`applies the endpoint's timeoutMs when the caller gives no signal (${mode})`, async () => {
          server.queueChat({ delayMs: 5_000, then: { content: ANSWER } });
          const started = Date.now();
          const error = await failure(model({ timeoutMs: 300 }).complete(EXCHANGE, options()));
          assert.ok(Date.now() - started < 1_000, `took ${Date.now() - started} ms`);
          assertModelError(error, 'MODEL_TIMEOUT');
        });
      }

      it('rejects promptly with MODEL_TIMEOUT when a stream stalls midway, after the first deltas', async () => {
        server.queueChat({ content: ANSWER, chunkDelayMs: 150 });
        const deltas: string[] = [];
        const started = Date.now();
        const error = await failure(
          model().complete(EXCHANGE, { signal: AbortSignal.timeout(500), onDelta: (delta) => deltas.push(delta) }),
        );
        assert.ok(Date.now() - started < 1_000, `took ${Date.now() - started} ms`);
        assertModelError(error, 'MODEL_TIMEOUT');
        assert.ok(deltas.length >= 1 && deltas.join('').length < ANSWER.length, `deltas: ${JSON.stringify(deltas)}`);
        assert.ok(await eventually(() => server.inFlight === 0, 1_000), 'the stream was abandoned');
      });

      it('treats timeoutMs as an idle limit when streaming: a steady stream longer than it completes', async () => {
        // 14 words at 100 ms each: ~1.4 s in all, never more than 100 ms without progress.
        server.queueChat({ content: ANSWER, chunkDelayMs: 100 });
        const deltas: string[] = [];
        const started = Date.now();
        const completion = await model({ timeoutMs: 400 }).complete(EXCHANGE, { onDelta: (delta) => deltas.push(delta) });
        assert.ok(Date.now() - started > 400, 'the stream lasted longer than timeoutMs');
        assert.equal(completion.text, ANSWER);
        assert.equal(deltas.join(''), ANSWER);
      });

      it("rethrows what the caller's onDelta throws, unchanged", async () => {
        const mistake = new Error('caller bug');
        await assert.rejects(
          model().complete(EXCHANGE, {
            onDelta: () => {
              throw mistake;
            },
          }),
          (error) => error === mistake,
        );
      });
    });
  });
}

describe('createChatModel', () => {
  let server: FakeModelServer;
  before(async () => {
    server = await startFakeModelServer();
  });
  after(async () => {
    await server.close();
  });
  beforeEach(() => server.reset());

  const base = { ceiling: 'diffusion-restreinte', timeoutMs: 5_000, maxRetries: 0 } as const;

  it('returns undefined when no model provider is configured', () => {
    assert.equal(createChatModel({ ...base, provider: 'none' }), undefined);
  });

  it('builds an OpenAI-compatible model named after provider and model, with the configured ceiling', async () => {
    const chat = createChatModel({ ...base, provider: 'openai-compatible', url: `${server.url}/v1/`, model: 'albert-large' });
    assert.ok(chat);
    assert.equal(chat.id, 'openai-compatible:albert-large');
    assert.equal(chat.ceiling, 'diffusion-restreinte');
    await chat.complete(EXCHANGE);
    assert.equal(server.requests[0]?.path, '/v1/chat/completions');
  });

  it('builds a Mistral model, accepting the server URL with or without /v1', async () => {
    for (const url of [server.url, `${server.url}/v1`, `${server.url}/v1/`]) {
      const chat = createChatModel({ ...base, provider: 'mistral', url, apiKey: API_KEY, model: 'mistral-small-latest' });
      assert.ok(chat);
      assert.equal(chat.id, 'mistral:mistral-small-latest');
      await chat.complete(EXCHANGE);
    }
    assert.deepEqual(
      server.requests.map((request) => request.path),
      ['/v1/chat/completions', '/v1/chat/completions', '/v1/chat/completions'],
    );
  });

  it('refuses an OpenAI-compatible endpoint without URL', () => {
    assert.throws(
      () => createChatModel({ ...base, provider: 'openai-compatible', model: 'albert-large' }),
      (error) => error instanceof PasserelleError && error.code === 'CONFIG_INVALID',
    );
  });
});
