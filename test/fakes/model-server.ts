/**
 * Fake model server speaking the OpenAI and Mistral (La Plateforme) HTTP wire
 * protocols, so the project's real clients (`@langchain/openai`,
 * `@langchain/mistralai`, the raw `openai` / `@mistralai/mistralai` SDKs) can be
 * exercised without any model.
 *
 * Client configuration:
 * - OpenAI clients: `configuration.baseURL = \`${server.url}/v1\``.
 * - Mistral clients: `serverURL = server.url` (the SDK appends `/v1/...` itself).
 *
 * Only `/v1/...` paths exist; anything else is a 404, exactly like a
 * misconfigured base URL against the real services.
 *
 * @module
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { Socket } from "node:net";

/** Reply used for chat requests when no queued behaviour or handler decides otherwise. */
export const DEFAULT_CHAT_REPLY =
  "Bonjour, je suis un modèle de test et je réponds toujours la même chose.";

/** Model names advertised by `GET /v1/models` when `models` is not given. */
export const DEFAULT_MODELS: readonly string[] = [
  "gpt-4o-mini",
  "text-embedding-3-small",
  "mistral-small-latest",
  "mistral-embed",
];

/** Embedding size used when neither the server options nor the request set one. */
export const DEFAULT_DIMENSIONS = 64;

/** Options of {@link startFakeModelServer}. */
export interface FakeModelServerOptions {
  /** When set, every request must carry `Authorization: Bearer <apiKey>` or gets a 401. */
  apiKey?: string;
  /** Names listed by `GET /v1/models`. Requests are not restricted to these names. */
  models?: string[];
  /** Default embedding length; a request's `dimensions` (OpenAI) or `output_dimension` (Mistral) overrides it. */
  dimensions?: number;
}

/** One HTTP request as received, for assertions. */
export interface RecordedRequest<Body = unknown> {
  method: string;
  /** Path including the query string, e.g. `/v1/chat/completions`. */
  path: string;
  /** Header names are lower-case; repeated headers are joined with `, `. */
  headers: Record<string, string>;
  /** Parsed JSON body; the raw text when it is not JSON; `undefined` when empty. */
  body: Body;
}

/** A content part of a multimodal chat message. */
export interface ChatContentPart {
  type: string;
  text?: string;
  [key: string]: unknown;
}

/** A chat message as sent by OpenAI and Mistral clients. */
export interface ChatMessage {
  role: string;
  content?: string | ChatContentPart[] | null;
  [key: string]: unknown;
}

/** Body of `POST /v1/chat/completions` (OpenAI and Mistral use the same snake_case names). */
export interface ChatRequestBody {
  model?: string;
  messages?: ChatMessage[];
  temperature?: number;
  max_tokens?: number;
  stream?: boolean;
  stream_options?: { include_usage?: boolean } | null;
  [key: string]: unknown;
}

/** Body of `POST /v1/embeddings` (OpenAI `dimensions`, Mistral `output_dimension`). */
export interface EmbeddingsRequestBody {
  model?: string;
  input?: string | string[];
  dimensions?: number;
  output_dimension?: number;
  encoding_format?: string;
  [key: string]: unknown;
}

/** Token accounting as returned in `usage`. */
export interface Usage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
}

/** A successful chat answer. Streamed requests receive it split into one delta per word. */
export interface ChatAnswer {
  content: string;
  /** `finish_reason` of the choice; `"stop"` when omitted. */
  finishReason?: string;
  /** Overrides the word-count usage, field by field. */
  usage?: Partial<Usage>;
  /** Pause between streamed deltas; abandoned as soon as the client disconnects. */
  chunkDelayMs?: number;
}

/** A successful embeddings answer with explicit vectors, returned in order, instead of the hashed ones. */
export interface EmbeddingsAnswer {
  vectors: number[][];
}

/**
 * A raw HTTP answer, typically an error. `body` defaults to an OpenAI-style
 * `{ error: { message, type, code } }` for the status; a string body is sent
 * as `text/plain`, anything else as JSON.
 */
export interface StatusBehaviour {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

/**
 * Waits `delayMs` before applying `then`. The wait ends silently when the
 * client disconnects and never keeps the process alive after `close()`.
 */
export interface DelayBehaviour<Answer> {
  delayMs: number;
  then: Behaviour<Answer>;
}

/** A 200 whose JSON is truncated, or, for streamed requests, an SSE stream broken after its first event and never terminated by `[DONE]`. */
export interface MalformedBehaviour {
  malformed: true;
}

/** Destroys the socket without any response. */
export interface DropConnectionBehaviour {
  dropConnection: true;
}

/** What the server does with one request. */
export type Behaviour<Answer> =
  | Answer
  | StatusBehaviour
  | DelayBehaviour<Answer>
  | MalformedBehaviour
  | DropConnectionBehaviour;

/** Behaviour of a chat completion request. */
export type ChatBehaviour = Behaviour<ChatAnswer>;

/** Behaviour of an embeddings request. */
export type EmbeddingsBehaviour = Behaviour<EmbeddingsAnswer>;

/** Decides a chat behaviour; returning `undefined` selects the default answer. */
export type ChatHandler = (
  request: RecordedRequest<ChatRequestBody>,
) => ChatBehaviour | undefined | Promise<ChatBehaviour | undefined>;

/** Decides an embeddings behaviour; returning `undefined` selects the hashed embeddings. */
export type EmbeddingsHandler = (
  request: RecordedRequest<EmbeddingsRequestBody>,
) => EmbeddingsBehaviour | undefined | Promise<EmbeddingsBehaviour | undefined>;

/** A running fake model server. */
export interface FakeModelServer {
  /** Base URL without trailing slash, e.g. `http://127.0.0.1:41234`. */
  readonly url: string;
  readonly port: number;
  /** Every request received since start or the last `reset()`, in arrival order, including rejected ones. */
  readonly requests: RecordedRequest[];
  /** Requests whose handling has not finished; a pending delay or stream counts until it completes or the client disconnects. */
  readonly inFlight: number;
  /** Sets the chat handler, consulted after the chat queue is empty; no argument restores the default. */
  onChat(handler?: ChatHandler): void;
  /** Sets the embeddings handler, consulted after the embeddings queue is empty; no argument restores the default. */
  onEmbeddings(handler?: EmbeddingsHandler): void;
  /** Behaviours applied, one per chat request and in order, before the handler is consulted. */
  queueChat(...behaviours: ChatBehaviour[]): void;
  /** Behaviours applied, one per embeddings request and in order, before the handler is consulted. */
  queueEmbeddings(...behaviours: EmbeddingsBehaviour[]): void;
  /** Clears recorded requests, queues and handlers. */
  reset(): void;
  /** Stops listening, destroys open connections and cancels pending delays. Idempotent. */
  close(): Promise<void>;
}

/**
 * Counts tokens the way the fake bills them: whitespace-separated words.
 */
export function countTokens(text: string): number {
  return text.split(/\s+/).filter((word) => word.length > 0).length;
}

/**
 * Deterministic bag-of-words embedding used by the fake server: text is
 * lower-cased, stripped of accents and split on non-letters; each word
 * (weight 1) and each pair of adjacent words (weight 0.5) is hashed with a
 * sign into one of `dimensions` buckets, and the result is L2-normalised.
 * Texts sharing words therefore have a higher cosine similarity. A text with
 * no letters maps to one fixed unit vector.
 */
export function fakeEmbedding(text: string, dimensions: number = DEFAULT_DIMENSIONS): number[] {
  const vector = new Array<number>(dimensions).fill(0);
  const words = text
    .toLowerCase()
    .normalize("NFD")
    .replace(/\p{M}+/gu, "")
    .split(/[^\p{L}]+/u)
    .filter((word) => word.length > 0);
  const add = (feature: string, weight: number): void => {
    const bucket = fnv1a(feature, 0x811c9dc5) % dimensions;
    const sign = fnv1a(feature, 0x01000193) & 1 ? -1 : 1;
    vector[bucket] = (vector[bucket] ?? 0) + sign * weight;
  };
  if (words.length === 0) add("\u2205", 1);
  words.forEach((word, index) => {
    add(word, 1);
    const next = words[index + 1];
    if (next !== undefined) add(`${word} ${next}`, 0.5);
  });
  const norm = Math.sqrt(vector.reduce((sum, value) => sum + value * value, 0));
  return norm === 0 ? vector : vector.map((value) => value / norm);
}

function fnv1a(text: string, seed: number): number {
  let hash = seed >>> 0;
  for (let index = 0; index < text.length; index += 1) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}

const ERROR_KINDS: Record<number, { type: string; code: string | null; message: string }> = {
  400: { type: "invalid_request_error", code: null, message: "Invalid request." },
  401: { type: "invalid_request_error", code: "invalid_api_key", message: "Incorrect API key provided." },
  403: { type: "invalid_request_error", code: "forbidden", message: "Forbidden." },
  404: { type: "invalid_request_error", code: "not_found", message: "Not found." },
  429: { type: "requests", code: "rate_limit_exceeded", message: "Rate limit reached, retry later." },
  500: { type: "server_error", code: null, message: "The server had an error while processing your request." },
  502: { type: "server_error", code: null, message: "Bad gateway." },
  503: { type: "server_error", code: null, message: "The engine is currently overloaded, please try again later." },
};

/** OpenAI-style error body for a status code. */
export function errorBody(status: number, message?: string): { error: { message: string; type: string; code: string | null; param: null } } {
  const kind = ERROR_KINDS[status] ?? {
    type: status >= 500 ? "server_error" : "invalid_request_error",
    code: null,
    message: `Fake error ${status}.`,
  };
  return { error: { message: message ?? kind.message, type: kind.type, code: kind.code, param: null } };
}

function isDrop<A>(behaviour: Behaviour<A>): behaviour is DropConnectionBehaviour {
  return typeof behaviour === "object" && behaviour !== null && "dropConnection" in behaviour;
}

function isMalformed<A>(behaviour: Behaviour<A>): behaviour is MalformedBehaviour {
  return typeof behaviour === "object" && behaviour !== null && "malformed" in behaviour;
}

function isDelay<A>(behaviour: Behaviour<A>): behaviour is DelayBehaviour<A> {
  return typeof behaviour === "object" && behaviour !== null && "delayMs" in behaviour;
}

function isStatus<A>(behaviour: Behaviour<A>): behaviour is StatusBehaviour {
  return typeof behaviour === "object" && behaviour !== null && "status" in behaviour;
}

function messageText(message: ChatMessage): string {
  const { content } = message;
  if (typeof content === "string") return content;
  if (Array.isArray(content)) {
    return content.map((part) => (typeof part.text === "string" ? part.text : "")).join(" ");
  }
  return "";
}

function splitIntoDeltas(content: string): string[] {
  const parts = content.split(/(?<=\s)(?=\S)/);
  return parts.length > 0 ? parts : [""];
}

function asInputs(input: unknown): string[] {
  if (Array.isArray(input)) return input.map((item) => (typeof item === "string" ? item : JSON.stringify(item)));
  if (typeof input === "string") return [input];
  return [];
}

function encodeVector(vector: number[], format: unknown): number[] | string {
  if (format !== "base64") return vector;
  return Buffer.from(new Float32Array(vector).buffer).toString("base64");
}

function sseEvent(data: unknown): string {
  return `data: ${typeof data === "string" ? data : JSON.stringify(data)}\n\n`;
}

/**
 * Starts a fake model server on 127.0.0.1 with a random port.
 */
export async function startFakeModelServer(options: FakeModelServerOptions = {}): Promise<FakeModelServer> {
  const models = options.models ?? [...DEFAULT_MODELS];
  const defaultDimensions = options.dimensions ?? DEFAULT_DIMENSIONS;
  const requests: RecordedRequest[] = [];
  const chatQueue: ChatBehaviour[] = [];
  const embeddingsQueue: EmbeddingsBehaviour[] = [];
  const sockets = new Set<Socket>();
  const cancels = new Set<() => void>();
  let chatHandler: ChatHandler | undefined;
  let embeddingsHandler: EmbeddingsHandler | undefined;
  let inFlight = 0;
  let sequence = 0;
  let closing: Promise<void> | undefined;

  const wait = (ms: number, res: ServerResponse): Promise<boolean> =>
    new Promise((resolve) => {
      if (res.destroyed || closing) {
        resolve(false);
        return;
      }
      const finish = (elapsed: boolean): void => {
        clearTimeout(timer);
        res.off("close", onClose);
        cancels.delete(onClose);
        resolve(elapsed);
      };
      const onClose = (): void => finish(false);
      const timer = setTimeout(() => finish(true), Math.max(0, ms));
      cancels.add(onClose);
      res.on("close", onClose);
    });

  const sendJson = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void => {
    if (res.destroyed) return;
    const text = typeof body === "string" ? body : JSON.stringify(body);
    res.writeHead(status, {
      "content-type": typeof body === "string" ? "text/plain; charset=utf-8" : "application/json",
      "content-length": Buffer.byteLength(text),
      ...headers,
    });
    res.end(text);
  };

  const sendStatus = (res: ServerResponse, behaviour: StatusBehaviour): void => {
    const body = behaviour.body === undefined ? (behaviour.status >= 400 ? errorBody(behaviour.status) : {}) : behaviour.body;
    sendJson(res, behaviour.status, body, behaviour.headers);
  };

  const sendMalformedJson = (res: ServerResponse): void => {
    const text = '{"id": "malformed", "object": "list", "choices": [{"index": 0, "message": {"content": "tronqu';
    res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
    res.end(text);
  };

  const resolveFault = async <A>(
    behaviour: Behaviour<A>,
    req: IncomingMessage,
    res: ServerResponse,
  ): Promise<A | MalformedBehaviour | undefined> => {
    let current = behaviour;
    while (isDelay(current)) {
      if (!(await wait(current.delayMs, res))) return undefined;
      current = current.then;
    }
    if (res.destroyed) return undefined;
    if (isDrop(current)) {
      req.socket.destroy();
      return undefined;
    }
    if (isStatus(current)) {
      sendStatus(res, current);
      return undefined;
    }
    return current as A | MalformedBehaviour;
  };

  const chat = async (recorded: RecordedRequest<ChatRequestBody>, req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const body = recorded.body;
    if (typeof body !== "object" || body === null || !Array.isArray(body.messages)) {
      sendJson(res, 400, errorBody(400, "'messages' is a required property."));
      return;
    }
    const chosen = chatQueue.shift() ?? (await chatHandler?.(recorded)) ?? { content: DEFAULT_CHAT_REPLY };
    const streamed = body.stream === true;
    const answer = await resolveFault(chosen, req, res);
    if (answer === undefined) return;
    if (isMalformed(answer)) {
      if (streamed) sendBrokenStream(res, body);
      else sendMalformedJson(res);
      return;
    }
    const promptTokens = body.messages.reduce((sum, message) => sum + countTokens(messageText(message)), 0);
    const completionTokens = countTokens(answer.content);
    const usage: Usage = {
      prompt_tokens: answer.usage?.prompt_tokens ?? promptTokens,
      completion_tokens: answer.usage?.completion_tokens ?? completionTokens,
      total_tokens: 0,
    };
    usage.total_tokens = answer.usage?.total_tokens ?? usage.prompt_tokens + usage.completion_tokens;
    const id = `chatcmpl-fake-${++sequence}`;
    const created = Math.floor(Date.now() / 1000);
    const model = typeof body.model === "string" ? body.model : (models[0] ?? "fake-model");
    const finishReason = answer.finishReason ?? "stop";
    if (!streamed) {
      sendJson(res, 200, {
        id,
        object: "chat.completion",
        created,
        model,
        choices: [{ index: 0, message: { role: "assistant", content: answer.content }, finish_reason: finishReason, logprobs: null }],
        usage,
      });
      return;
    }
    const chunk = (delta: Record<string, unknown>, finish: string | null, extra: Record<string, unknown> = {}) => ({
      id,
      object: "chat.completion.chunk",
      created,
      model,
      choices: [{ index: 0, delta, finish_reason: finish, logprobs: null }],
      ...extra,
    });
    res.writeHead(200, {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-cache",
      connection: "keep-alive",
    });
    res.flushHeaders();
    res.write(sseEvent(chunk({ role: "assistant", content: "" }, null)));
    for (const piece of splitIntoDeltas(answer.content)) {
      if (answer.chunkDelayMs !== undefined && !(await wait(answer.chunkDelayMs, res))) return;
      if (res.destroyed) return;
      res.write(sseEvent(chunk({ content: piece }, null)));
    }
    const separateUsage = body.stream_options?.include_usage === true;
    res.write(sseEvent(chunk({ content: "" }, finishReason, separateUsage ? {} : { usage })));
    if (separateUsage) {
      res.write(sseEvent({ id, object: "chat.completion.chunk", created, model, choices: [], usage }));
    }
    res.end(sseEvent("[DONE]"));
  };

  const sendBrokenStream = (res: ServerResponse, body: ChatRequestBody): void => {
    if (res.destroyed) return;
    const id = `chatcmpl-fake-${++sequence}`;
    const model = typeof body.model === "string" ? body.model : (models[0] ?? "fake-model");
    res.writeHead(200, { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache" });
    res.write(
      sseEvent({
        id,
        object: "chat.completion.chunk",
        created: Math.floor(Date.now() / 1000),
        model,
        choices: [{ index: 0, delta: { role: "assistant", content: "" }, finish_reason: null }],
      }),
    );
    res.end(`data: {"id":"${id}","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":\n\n`);
  };

  const embeddings = async (
    recorded: RecordedRequest<EmbeddingsRequestBody>,
    req: IncomingMessage,
    res: ServerResponse,
  ): Promise<void> => {
    const body = recorded.body;
    if (typeof body !== "object" || body === null || body.input === undefined) {
      sendJson(res, 400, errorBody(400, "'input' is a required property."));
      return;
    }
    const chosen = embeddingsQueue.shift() ?? (await embeddingsHandler?.(recorded));
    const answer = chosen === undefined ? undefined : await resolveFault(chosen, req, res);
    if (chosen !== undefined && answer === undefined) return;
    if (answer !== undefined && isMalformed(answer)) {
      sendMalformedJson(res);
      return;
    }
    const inputs = asInputs(body.input);
    const requested = body.dimensions ?? body.output_dimension;
    const dimensions = typeof requested === "number" && requested > 0 ? requested : defaultDimensions;
    const vectors = answer?.vectors ?? inputs.map((input) => fakeEmbedding(input, dimensions));
    const tokens = inputs.reduce((sum, input) => sum + countTokens(input), 0);
    sendJson(res, 200, {
      id: `embd-fake-${++sequence}`,
      object: "list",
      data: vectors.map((vector, index) => ({
        object: "embedding",
        index,
        embedding: encodeVector(vector, body.encoding_format),
      })),
      model: typeof body.model === "string" ? body.model : (models[0] ?? "fake-model"),
      usage: { prompt_tokens: tokens, completion_tokens: 0, total_tokens: tokens },
    });
  };

  const modelCard = (id: string) => ({
    id,
    object: "model",
    created: 1_700_000_000,
    owned_by: "passerelle-fake",
    type: "base",
    capabilities: { completion_chat: !/embed/i.test(id), function_calling: false },
  });

  const route = async (recorded: RecordedRequest, req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (options.apiKey !== undefined) {
      const match = /^bearer\s+(.+)$/i.exec(recorded.headers.authorization ?? "");
      if (match?.[1] !== options.apiKey) {
        sendJson(res, 401, errorBody(401));
        return;
      }
    }
    const pathname = recorded.path.split("?")[0] ?? "";
    if (req.method === "POST" && pathname === "/v1/chat/completions") {
      await chat(recorded as RecordedRequest<ChatRequestBody>, req, res);
    } else if (req.method === "POST" && pathname === "/v1/embeddings") {
      await embeddings(recorded as RecordedRequest<EmbeddingsRequestBody>, req, res);
    } else if (req.method === "GET" && pathname === "/v1/models") {
      sendJson(res, 200, { object: "list", data: models.map(modelCard) });
    } else if (req.method === "GET" && pathname.startsWith("/v1/models/")) {
      const id = decodeURIComponent(pathname.slice("/v1/models/".length));
      if (models.includes(id)) sendJson(res, 200, modelCard(id));
      else sendJson(res, 404, errorBody(404, `The model '${id}' does not exist.`));
    } else {
      sendJson(res, 404, errorBody(404, `Unknown route ${req.method ?? "?"} ${pathname}.`));
    }
  };

  const receive = (req: IncomingMessage, res: ServerResponse, text: string): Promise<void> => {
    let body: unknown;
    if (text.length > 0) {
      try {
        body = JSON.parse(text);
      } catch {
        body = text;
      }
    }
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(", ") : value;
    }
    const recorded: RecordedRequest = { method: req.method ?? "GET", path: req.url ?? "/", headers, body };
    requests.push(recorded);
    if (typeof body === "string" && req.method === "POST") {
      sendJson(res, 400, errorBody(400, "The request body is not valid JSON."));
      return Promise.resolve();
    }
    return route(recorded, req, res).catch((error: unknown) => {
      if (res.headersSent) res.destroy();
      else sendJson(res, 500, errorBody(500, `Fake model server failure: ${String(error)}`));
    });
  };

  const server = createServer((req, res) => {
    inFlight += 1;
    let received = false;
    let settled = false;
    const settle = (): void => {
      if (settled) return;
      settled = true;
      inFlight -= 1;
    };
    res.once("close", () => {
      if (!received) settle();
    });
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("error", () => req.socket.destroy());
    req.on("end", () => {
      received = true;
      void receive(req, res, Buffer.concat(chunks).toString("utf8")).finally(settle);
    });
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("Fake model server has no TCP address.");
  const port = address.port;

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    get inFlight() {
      return inFlight;
    },
    onChat(handler) {
      chatHandler = handler;
    },
    onEmbeddings(handler) {
      embeddingsHandler = handler;
    },
    queueChat(...behaviours) {
      chatQueue.push(...behaviours);
    },
    queueEmbeddings(...behaviours) {
      embeddingsQueue.push(...behaviours);
    },
    reset() {
      requests.length = 0;
      chatQueue.length = 0;
      embeddingsQueue.length = 0;
      chatHandler = undefined;
      embeddingsHandler = undefined;
    },
    close() {
      closing ??= new Promise<void>((resolve) => {
        for (const cancel of [...cancels]) cancel();
        server.close(() => resolve());
        server.closeAllConnections();
        for (const socket of sockets) socket.destroy();
      });
      return closing;
    },
  };
}
