/**
 * Fake cross-encoder server speaking the three `/rerank` wire formats Passerelle supports, on 127.0.0.1:
 * - TEI (text-embeddings-inference): `POST /rerank` `{query, texts, truncate?, raw_scores?}` → `[{index, score}]`;
 * - Albert API: `POST /v1/rerank` `{prompt, input, model}` → `{object: "list", data: [{object: "rerank", index, score}]}`;
 * - Cohere-compatible (Cohere, Jina, vLLM): `POST /v1/rerank` `{model, query, documents, top_n?}` →
 *   `{id, results: [{index, relevance_score}], meta}` sorted by relevance.
 * The score is a real (if crude) relevance: the share of the query's words of 4+ letters found in the document,
 * so tests can check that a re-ranked list follows it. Behaviours can be queued: status codes, delays, malformed
 * bodies, results with a missing index.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type RerankBehaviour = { status: number; retryAfter?: number } | { delayMs: number } | { malformed: true } | { missingIndex: true };

export interface RerankRequestRecord {
  path: string;
  headers: Record<string, string>;
  body: Record<string, unknown>;
}

export interface FakeRerankServer {
  /** Base URL for TEI (`${url}`) ; Albert and Cohere clients use `${url}/v1`. */
  url: string;
  requests: RerankRequestRecord[];
  queue(...behaviours: RerankBehaviour[]): void;
  reset(): void;
  close(): Promise<void>;
}

const words = (text: string) => new Set(text.toLowerCase().normalize('NFD').replace(/[\u0300-\u036f]/g, '').match(/[a-z]{4,}/g) ?? []);

/** Share of the query's words present in the document (0–1). */
export function fakeRelevance(query: string, document: string): number {
  const asked = words(query);
  if (asked.size === 0) return 0;
  const present = words(document);
  let found = 0;
  for (const word of asked) if (present.has(word)) found++;
  return Math.round((found / asked.size) * 1000) / 1000;
}

export async function startFakeRerankServer(options: { apiKey?: string } = {}): Promise<FakeRerankServer> {
  const requests: RerankRequestRecord[] = [];
  let behaviours: RerankBehaviour[] = [];
  const server = createServer(async (request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      response.writeHead(status, { 'content-type': 'application/json', ...headers });
      response.end(typeof body === 'string' ? body : JSON.stringify(body));
    };
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
    } catch {
      return send(422, { error: 'invalid JSON' });
    }
    const headers = Object.fromEntries(Object.entries(request.headers).map(([name, value]) => [name, String(value)]));
    requests.push({ path: request.url ?? '', headers, body });
    if (options.apiKey && headers.authorization !== `Bearer ${options.apiKey}`) return send(401, { error: 'unauthorized' });
    const behaviour = behaviours.shift();
    if (behaviour && 'status' in behaviour) return send(behaviour.status, { error: 'injected' }, behaviour.retryAfter ? { 'retry-after': String(behaviour.retryAfter) } : {});
    if (behaviour && 'delayMs' in behaviour) await new Promise((resolve) => setTimeout(resolve, behaviour.delayMs));
    if (behaviour && 'malformed' in behaviour) return send(200, '{"results": [');
    const drop = behaviour && 'missingIndex' in behaviour;
    if (request.method !== 'POST') return send(405, { error: 'method' });
    if (request.url === '/rerank' && Array.isArray(body.texts) && typeof body.query === 'string') {
      const ranks = (body.texts as string[]).map((text, index) => ({ index, score: fakeRelevance(body.query as string, text) }));
      return send(200, ranks.sort((a, b) => b.score - a.score).slice(drop ? 1 : 0));
    }
    if (request.url === '/v1/rerank' && Array.isArray(body.input) && typeof body.prompt === 'string') {
      if (typeof body.model !== 'string') return send(422, { detail: 'model required' });
      const data = (body.input as string[]).map((text, index) => ({ object: 'rerank', index, score: fakeRelevance(body.prompt as string, text) }));
      return send(200, { object: 'list', data: data.slice(drop ? 1 : 0) });
    }
    if (request.url === '/v1/rerank' && Array.isArray(body.documents) && typeof body.query === 'string') {
      if (typeof body.model !== 'string') return send(422, { message: 'model required' });
      const results = (body.documents as string[])
        .map((text, index) => ({ index, relevance_score: fakeRelevance(body.query as string, text) }))
        .sort((a, b) => b.relevance_score - a.relevance_score)
        .slice(0, typeof body.top_n === 'number' ? body.top_n : undefined);
      return send(200, { id: 'fake', results: results.slice(drop ? 1 : 0), meta: { billed_units: { search_units: 1 } } });
    }
    return send(404, { error: `no route ${request.url}` });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    queue: (...added) => behaviours.push(...added),
    reset: () => {
      requests.length = 0;
      behaviours = [];
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
