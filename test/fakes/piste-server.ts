/**
 * Fake PISTE (the State's API gateway) serving the Légifrance API on 127.0.0.1, in its wire format:
 * - `POST /api/oauth/token` (form: grant_type=client_credentials, client_id, client_secret, scope) →
 *   `{access_token, token_type: "Bearer", expires_in, scope}`; 400 `{error: "invalid_client"}` on bad credentials;
 * - `POST /dila/legifrance/lf-engine-app/consult/legi/tableMatieres` `{textId, date, nature: "CODE"}` → the code's
 *   table of contents `{id, cid, title, sections: [{id, title, articles: [{id, cid, num, etat}], sections}]}` with
 *   the versions in force at `date`;
 * - `POST …/consult/getArticle` `{id}` → `{article: {id, cid, num, etat, dateDebut, dateFin (epoch ms), texteHtml,
 *   texte, articleVersions: [{id, etat, dateDebut, dateFin, version}]}}`;
 * every API call needs `Authorization: Bearer <token>` (401 otherwise). Quota answers can be queued: 429 with a
 * Retry-After header, for the next N API calls.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface PisteArticleVersion {
  id: string;
  cid: string;
  num: string;
  etat: string;
  dateDebut: string;
  dateFin: string;
  text: string;
  /** Section title path in the table of contents. */
  path: string[];
}

export interface FakePiste {
  /** API root to configure as `legifrance.url`. */
  apiUrl: string;
  tokenUrl: string;
  /** Calls received: "token", "tableMatieres", "getArticle:<id>". */
  calls: string[];
  /** The next `count` API calls answer 429 with `Retry-After: seconds`. */
  quota(count: number, seconds?: number): void;
  /** Replaces a code's article versions (all of them, old ones included). */
  setCode(textId: string, title: string, versions: PisteArticleVersion[]): void;
  close(): Promise<void>;
}

const API = '/dila/legifrance/lf-engine-app';
const ms = (iso: string) => Date.parse(`${iso}T00:00:00Z`);

export async function startFakePiste(credentials: { clientId: string; clientSecret: string }): Promise<FakePiste> {
  const codes = new Map<string, { title: string; versions: PisteArticleVersion[] }>();
  const tokens = new Set<string>();
  const calls: string[] = [];
  let throttled = 0;
  let retryAfter = 0;
  const server = createServer(async (request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      response.writeHead(status, { 'content-type': 'application/json', ...headers });
      response.end(JSON.stringify(body));
    };
    if (request.method === 'POST' && request.url === '/api/oauth/token') {
      calls.push('token');
      const form = new URLSearchParams(raw);
      if (form.get('grant_type') !== 'client_credentials') return send(400, { error: 'unsupported_grant_type' });
      if (form.get('client_id') !== credentials.clientId || form.get('client_secret') !== credentials.clientSecret) return send(400, { error: 'invalid_client', error_description: 'Client authentication failed' });
      const token = `tok-${Math.random().toString(36).slice(2)}`;
      tokens.add(token);
      return send(200, { access_token: token, token_type: 'Bearer', expires_in: 3600, scope: 'openid' });
    }
    if (request.method !== 'POST' || !request.url?.startsWith(`${API}/`)) return send(404, { error: 'not found' });
    const bearer = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1];
    if (!bearer || !tokens.has(bearer)) return send(401, { error: 'invalid_token' });
    if (throttled > 0) {
      throttled--;
      return send(429, { error: 'Too Many Requests' }, { 'retry-after': String(retryAfter) });
    }
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(raw) as Record<string, unknown>;
    } catch {
      return send(400, { error: 'invalid JSON' });
    }
    const path = request.url.slice(API.length + 1);
    if (path === 'consult/legi/tableMatieres') {
      calls.push('tableMatieres');
      const code = codes.get(String(body.textId));
      if (!code || body.nature !== 'CODE') return send(400, { error: 'texte inconnu' });
      const day = ms(String(body.date));
      const inForce = code.versions.filter((version) => ms(version.dateDebut) <= day && day < ms(version.dateFin));
      const root: { sections: Array<Record<string, unknown>> } = { sections: [] };
      for (const version of inForce) {
        let level = root;
        for (const title of version.path) {
          let section = level.sections.find((entry) => entry.title === title) as { title: string; articles: unknown[]; sections: Array<Record<string, unknown>> } | undefined;
          if (!section) {
            section = { title, articles: [], sections: [] };
            level.sections.push(section);
          }
          level = section;
        }
        ((level as unknown as { articles: unknown[] }).articles ??= []).push({ id: version.id, cid: version.cid, num: version.num, etat: version.etat });
      }
      return send(200, { id: body.textId, cid: body.textId, title: code.title, ...root });
    }
    if (path === 'consult/getArticle') {
      calls.push(`getArticle:${String(body.id)}`);
      for (const code of codes.values()) {
        const version = code.versions.find((entry) => entry.id === body.id);
        if (!version) continue;
        const siblings = code.versions.filter((entry) => entry.cid === version.cid);
        return send(200, {
          executionTime: 3,
          article: {
            id: version.id,
            cid: version.cid,
            num: version.num,
            etat: version.etat,
            dateDebut: ms(version.dateDebut),
            dateFin: ms(version.dateFin),
            texte: version.text,
            texteHtml: version.text.split('\n\n').map((paragraph) => `<p>${paragraph}</p>`).join(''),
            articleVersions: siblings.map((entry) => ({ id: entry.id, etat: entry.etat, dateDebut: ms(entry.dateDebut), dateFin: ms(entry.dateFin), version: '1.0' })),
          },
        });
      }
      return send(200, { article: null });
    }
    return send(404, { error: `unknown endpoint ${path}` });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    apiUrl: `http://127.0.0.1:${port}${API}`,
    tokenUrl: `http://127.0.0.1:${port}/api/oauth/token`,
    calls,
    quota(count, seconds = 0) {
      throttled = count;
      retryAfter = seconds;
    },
    setCode(textId, title, versions) {
      codes.set(textId, { title, versions });
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
