import assert from "node:assert/strict";
import { ChatOpenAI, OpenAIEmbeddings } from "@langchain/openai";
import { ChatMistralAI, MistralAIEmbeddings } from "@langchain/mistralai";
import type { AIMessageChunk } from "@langchain/core/messages";
import {
  DEFAULT_CHAT_REPLY,
  countTokens,
  fakeEmbedding,
  startFakeModelServer,
  type ChatRequestBody,
  type FakeModelServer,
} from "../../fakes/model-server.ts";

const API_KEY = "sk-test-passerelle";
const DIMENSIONS = 48;

function cosine(a: number[], b: number[]): number {
  let dot = 0;
  let normA = 0;
  let normB = 0;
  a.forEach((value, index) => {
    const other = b[index] ?? 0;
    dot += value * other;
    normA += value * value;
    normB += other * other;
  });
  return dot / Math.sqrt(normA * normB);
}

function statusOf(error: unknown): number | undefined {
  if (typeof error !== "object" || error === null) return undefined;
  const candidate = error as { status?: unknown; statusCode?: unknown };
  if (typeof candidate.status === "number") return candidate.status;
  if (typeof candidate.statusCode === "number") return candidate.statusCode;
  return undefined;
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  assert.fail("expected the promise to reject");
}

/**
 * The Mistral SDK rejects the caller's promise on a truncated JSON body but
 * also leaves a second, unhandled rejection behind; it is collected here so
 * that it does not fail an unrelated test.
 */
async function capturingUnhandledRejections<T>(run: () => Promise<T>): Promise<{ result: T; leaked: unknown[] }> {
  const saved = process.listeners("unhandledRejection");
  const leaked: unknown[] = [];
  const capture = (reason: unknown): void => {
    leaked.push(reason);
  };
  process.removeAllListeners("unhandledRejection");
  process.on("unhandledRejection", capture);
  try {
    const result = await run();
    await new Promise((resolve) => setTimeout(resolve, 20));
    return { result, leaked };
  } finally {
    process.off("unhandledRejection", capture);
    for (const listener of saved) process.on("unhandledRejection", listener);
  }
}

describe("fake model server", function () {
  this.timeout(10_000);
  let server: FakeModelServer;

  const openAIChat = (fields: { apiKey?: string; timeout?: number } = {}) =>
    new ChatOpenAI({
      model: "gpt-4o-mini",
      apiKey: fields.apiKey ?? API_KEY,
      configuration: { baseURL: `${server.url}/v1` },
      maxRetries: 0,
      ...(fields.timeout === undefined ? {} : { timeout: fields.timeout }),
    });

  const mistralChat = () =>
    new ChatMistralAI({ model: "mistral-small-latest", apiKey: API_KEY, serverURL: server.url, maxRetries: 0 });

  const collect = async (stream: AsyncIterable<AIMessageChunk>) => {
    const chunks: AIMessageChunk[] = [];
    for await (const chunk of stream) chunks.push(chunk);
    const text = chunks.map((chunk) => (typeof chunk.content === "string" ? chunk.content : "")).join("");
    const withUsage = chunks.filter((chunk) => chunk.usage_metadata !== undefined);
    return { chunks, text, withUsage };
  };

  before(async () => {
    server = await startFakeModelServer({ apiKey: API_KEY, dimensions: DIMENSIONS });
  });

  afterEach(() => server.reset());

  after(async () => {
    await server.close();
  });

  it("exposes a loopback url without trailing slash and lists models", async () => {
    assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    const response = await fetch(`${server.url}/v1/models`, { headers: { authorization: `Bearer ${API_KEY}` } });
    assert.equal(response.status, 200);
    const list = (await response.json()) as { object: string; data: Array<{ id: string }> };
    assert.equal(list.object, "list");
    assert.ok(list.data.some((model) => model.id === "mistral-small-latest"));
  });

  describe("OpenAI protocol through ChatOpenAI", () => {
    it("answers invoke with the default French reply and word-count usage", async () => {
      const message = await openAIChat().invoke("Quelle heure est-il ?");
      assert.equal(message.content, DEFAULT_CHAT_REPLY);
      assert.deepEqual(message.usage_metadata && {
        input: message.usage_metadata.input_tokens,
        output: message.usage_metadata.output_tokens,
        total: message.usage_metadata.total_tokens,
      }, {
        input: 4,
        output: countTokens(DEFAULT_CHAT_REPLY),
        total: 4 + countTokens(DEFAULT_CHAT_REPLY),
      });
      const [request] = server.requests;
      assert.equal(request?.method, "POST");
      assert.equal(request?.path, "/v1/chat/completions");
      assert.equal(request?.headers.authorization, `Bearer ${API_KEY}`);
      assert.equal((request?.body as ChatRequestBody).model, "gpt-4o-mini");
    });

    it("streams several deltas and reports usage once at the end", async () => {
      server.queueChat({ content: "Le train part à huit heures précises." });
      const { chunks, text, withUsage } = await collect(await openAIChat().stream("Horaire ?"));
      assert.equal(text, "Le train part à huit heures précises.");
      assert.ok(chunks.filter((chunk) => chunk.content !== "").length >= 5);
      assert.equal(withUsage.length, 1);
      assert.equal(withUsage[0]?.usage_metadata?.output_tokens, 7);
      assert.equal(withUsage[0]?.usage_metadata?.input_tokens, 2);
      const body = server.requests[0]?.body as ChatRequestBody;
      assert.equal(body.stream, true);
      assert.deepEqual(body.stream_options, { include_usage: true });
    });

    it("consumes queued behaviours in order before the handler", async () => {
      server.onChat((request) => ({ content: `handler:${request.body.messages?.length ?? 0}` }));
      server.queueChat({ content: "premier" }, { content: "second" });
      const chat = openAIChat();
      const replies = [];
      for (let index = 0; index < 3; index += 1) replies.push((await chat.invoke("x")).content);
      assert.deepEqual(replies, ["premier", "second", "handler:1"]);
    });
  });

  describe("Mistral protocol through ChatMistralAI", () => {
    it("answers invoke with content and usage", async () => {
      server.queueChat({ content: "Réponse de Mistral." });
      const message = await mistralChat().invoke("Bonjour");
      assert.equal(message.content, "Réponse de Mistral.");
      assert.equal(message.usage_metadata?.output_tokens, 3);
      assert.equal(message.usage_metadata?.input_tokens, 1);
      assert.equal(server.requests[0]?.path, "/v1/chat/completions");
      assert.equal(server.requests[0]?.headers.authorization, `Bearer ${API_KEY}`);
    });

    it("streams several deltas with usage carried by the last chunk", async () => {
      server.queueChat({ content: "Un deux trois quatre cinq." });
      const { chunks, text, withUsage } = await collect(await mistralChat().stream("Compte"));
      assert.equal(text, "Un deux trois quatre cinq.");
      assert.ok(chunks.filter((chunk) => chunk.content !== "").length >= 5);
      assert.equal(withUsage.length, 1);
      assert.equal(withUsage[0]?.usage_metadata?.total_tokens, 6);
      const body = server.requests[0]?.body as ChatRequestBody;
      assert.equal(body.stream, true);
      assert.equal(body.stream_options, undefined);
    });
  });

  describe("embeddings", () => {
    const near = ["La bibliothèque municipale ouvre le samedi matin.", "Le samedi, la bibliotheque ouvre le matin."];
    const far = "Recette de la tarte aux pommes caramélisées.";

    it("works with OpenAIEmbeddings (base64 on the wire) and is deterministic", async () => {
      const embeddings = new OpenAIEmbeddings({
        model: "text-embedding-3-small",
        apiKey: API_KEY,
        configuration: { baseURL: `${server.url}/v1` },
        maxRetries: 0,
      });
      const [a, b, c] = await Promise.all([near[0], near[1], far].map((text) => embeddings.embedQuery(text ?? "")));
      assert.equal(a?.length, DIMENSIONS);
      assert.ok(cosine(a ?? [], b ?? []) > cosine(a ?? [], c ?? []) + 0.2);
      const expected = fakeEmbedding(near[0] ?? "", DIMENSIONS);
      a?.forEach((value, index) => assert.ok(Math.abs(value - (expected[index] ?? 0)) < 1e-6));
      assert.equal(server.requests[0]?.path, "/v1/embeddings");
    });

    it("works with MistralAIEmbeddings", async () => {
      const embeddings = new MistralAIEmbeddings({
        model: "mistral-embed",
        apiKey: API_KEY,
        serverURL: server.url,
        maxRetries: 0,
      });
      const [a, b, c] = await Promise.all([near[0], near[1], far].map((text) => embeddings.embedQuery(text ?? "")));
      assert.equal(a?.length, DIMENSIONS);
      assert.ok(cosine(a ?? [], b ?? []) > cosine(a ?? [], c ?? []) + 0.2);
      assert.deepEqual(a, fakeEmbedding(near[0] ?? "", DIMENSIONS));
      assert.equal(server.requests[0]?.path, "/v1/embeddings");
    });
  });

  describe("failures", () => {
    it("rejects requests without the bearer key with an OpenAI-style 401", async () => {
      const response = await fetch(`${server.url}/v1/chat/completions`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ model: "gpt-4o-mini", messages: [{ role: "user", content: "x" }] }),
      });
      assert.equal(response.status, 401);
      const body = (await response.json()) as { error: { message: string; type: string; code: string } };
      assert.equal(body.error.code, "invalid_api_key");
      assert.equal(typeof body.error.message, "string");
      assert.equal(typeof body.error.type, "string");
      const error = await rejection(openAIChat({ apiKey: "sk-wrong" }).invoke("x"));
      assert.equal(statusOf(error), 401);
    });

    it("surfaces a 500 as an error in both clients", async () => {
      server.onChat(() => ({ status: 500 }));
      assert.equal(statusOf(await rejection(openAIChat().invoke("x"))), 500);
      const mistralError = await rejection(mistralChat().invoke("x"));
      assert.ok(statusOf(mistralError) === 500 || /500/.test(String(mistralError)), String(mistralError));
      assert.equal(server.requests.length, 2);
    });

    it("passes 429 headers such as Retry-After through", async () => {
      server.queueChat({ status: 429, headers: { "retry-after": "7" } });
      const response = await fetch(`${server.url}/v1/chat/completions`, {
        method: "POST",
        headers: { authorization: `Bearer ${API_KEY}`, "content-type": "application/json" },
        body: JSON.stringify({ messages: [] }),
      });
      assert.equal(response.status, 429);
      assert.equal(response.headers.get("retry-after"), "7");
    });

    it("surfaces truncated JSON as an error in the OpenAI clients", async () => {
      server.onChat(() => ({ malformed: true }));
      server.onEmbeddings(() => ({ malformed: true }));
      assert.ok((await rejection(openAIChat().invoke("x"))) instanceof SyntaxError);
      const embeddings = new OpenAIEmbeddings({ apiKey: API_KEY, configuration: { baseURL: `${server.url}/v1` }, maxRetries: 0 });
      assert.ok((await rejection(embeddings.embedQuery("x"))) instanceof SyntaxError);
    });

    it("surfaces truncated JSON as an error in the Mistral clients", async () => {
      server.onChat(() => ({ malformed: true }));
      server.onEmbeddings(() => ({ malformed: true }));
      const embeddings = new MistralAIEmbeddings({ apiKey: API_KEY, serverURL: server.url, maxRetries: 0 });
      const { result } = await capturingUnhandledRejections(async () => [
        await rejection(mistralChat().invoke("x")),
        await rejection(embeddings.embedQuery("x")),
      ]);
      assert.ok(result.every((error) => error instanceof SyntaxError));
    });

    it("surfaces a broken SSE stream as an error", async () => {
      server.queueChat({ malformed: true });
      await rejection((async () => collect(await mistralChat().stream("x")))());
      assert.equal((server.requests[0]?.body as ChatRequestBody).stream, true);
    });

    it("surfaces a dropped connection as an error", async () => {
      server.queueChat({ dropConnection: true });
      await rejection(openAIChat().invoke("x"));
    });

    it("lets a client timeout abort a delayed answer", async () => {
      server.queueChat({ delayMs: 5_000, then: { content: "trop tard" } });
      const started = Date.now();
      await rejection(openAIChat({ timeout: 200 }).invoke("x"));
      assert.ok(Date.now() - started < 2_000);
      const deadline = Date.now() + 1_000;
      while (server.inFlight > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
      assert.equal(server.inFlight, 0);
    });

    it("close() cancels pending delays and ends open connections", async () => {
      const other = await startFakeModelServer();
      other.queueChat({ delayMs: 10_000, then: { content: "jamais" } });
      const pending = fetch(`${other.url}/v1/chat/completions`, {
        method: "POST",
        body: JSON.stringify({ messages: [{ role: "user", content: "x" }] }),
      }).then(
        () => "answered",
        () => "failed",
      );
      while (other.inFlight === 0) await new Promise((resolve) => setTimeout(resolve, 5));
      const started = Date.now();
      await other.close();
      assert.equal(await pending, "failed");
      assert.ok(Date.now() - started < 1_000);
      assert.equal(other.inFlight, 0);
    });
  });
});
