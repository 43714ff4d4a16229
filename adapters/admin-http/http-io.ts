import type { IncomingMessage, ServerResponse } from 'node:http';

/** Reading JSON requests and writing JSON answers for the admin API. Error bodies: `{ error, message }` (French). */

export class HttpProblem extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    /** French, for the admin. */
    readonly userMessage: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(`${status} ${code}`);
    this.name = 'HttpProblem';
  }
}

/** Parses the JSON object body; 415 without a JSON content type, 413 above `maxBytes`, 400 when malformed. */
export async function readJsonObject(request: IncomingMessage, maxBytes: number, maxCharsHint: number): Promise<Record<string, unknown>> {
  const type = String(request.headers['content-type'] ?? '');
  if (!/^application\/json\b/i.test(type)) throw new HttpProblem(415, 'unsupported-media-type', 'Le corps de la requête doit être du JSON (Content-Type: application/json).');
  const tooLarge = () => new HttpProblem(413, 'too-large', `Requête trop volumineuse (plus de ${maxBytes.toLocaleString('fr-FR')} octets) : une annonce est limitée à ${maxCharsHint.toLocaleString('fr-FR')} caractères.`);
  const body = await readLimitedBody(request, maxBytes, tooLarge);
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    throw new HttpProblem(400, 'malformed-json', 'Le corps de la requête n’est pas un JSON valide.');
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new HttpProblem(400, 'malformed-json', 'Le corps de la requête doit être un objet JSON : {"to": …, "markdown": …, "at": …}.');
  return parsed as Record<string, unknown>;
}

/** The request body, refused with `tooLarge()` beyond `maxBytes` (declared or received); the rest is drained. */
export async function readLimitedBody(request: IncomingMessage, maxBytes: number, tooLarge: () => Error): Promise<Buffer> {
  const declared = Number(request.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) {
    request.resume();
    throw tooLarge();
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) {
      request.resume();
      throw tooLarge();
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

export function sendJson(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body, null, 2);
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', 'content-length': String(Buffer.byteLength(text)), ...headers });
  response.end(text);
}

export function sendProblem(response: ServerResponse, status: number, code: string, message: string, headers: Record<string, string> = {}): void {
  sendJson(response, status, { error: code, message }, headers);
}
