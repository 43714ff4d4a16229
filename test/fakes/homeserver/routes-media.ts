/**
 * Media endpoints of the fake homeserver, outside the JSON router (bodies are raw bytes): upload
 * (`POST /_matrix/media/v3/upload`), authenticated download (`GET /_matrix/client/v1/media/download/…`,
 * access token required) and the legacy download (`GET /_matrix/media/v3/download/…`). Tests can switch
 * authenticated media off (old servers answer 404 M_UNRECOGNIZED) and replace a stored file's bytes.
 *
 * @module
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Device, HomeserverState } from './state.ts';

/** One stored file. */
export interface StoredMedia {
  bytes: Buffer;
  contentType: string;
  uploader: string;
  name?: string;
}

/** Media store and switches. */
export interface MediaStore {
  files: Map<string, StoredMedia>;
  /** When false, `/_matrix/client/v1/media/download` answers 404 M_UNRECOGNIZED (server without authenticated media). */
  authenticated: boolean;
  /** When false, the download response carries no Content-Length (chunked). */
  sendContentLength: boolean;
  /** Downloads served, as `${endpoint} ${mediaId}`. */
  downloads: string[];
}

export function createMediaStore(): MediaStore {
  return { files: new Map(), authenticated: true, sendContentLength: true, downloads: [] };
}

const UPLOAD = /^\/_matrix\/media\/(?:v3|r0)\/upload\/?$/;
const AUTH_DOWNLOAD = /^\/_matrix\/client\/v1\/media\/download\/([^/]+)\/([^/]+)(?:\/[^/]*)?$/;
const LEGACY_DOWNLOAD = /^\/_matrix\/media\/(?:v3|r0)\/download\/([^/]+)\/([^/]+)(?:\/[^/]*)?$/;
const CONFIG = /^\/_matrix\/(?:client\/v1\/media|media\/v3)\/config$/;

/** Handles a media request; returns false when the path is not a media path. Sets `record.status`. */
export async function handleMedia(
  request: IncomingMessage,
  response: ServerResponse,
  url: URL,
  device: Device | undefined,
  state: HomeserverState,
  media: MediaStore,
  record: { status: number },
): Promise<boolean> {
  const path = url.pathname;
  const method = request.method ?? 'GET';
  const json = (status: number, body: unknown): true => {
    record.status = status;
    response.writeHead(status, { 'content-type': 'application/json' });
    response.end(JSON.stringify(body));
    return true;
  };
  if (CONFIG.test(path) && method === 'GET') return json(200, { 'm.upload.size': 50 * 1024 * 1024 });
  if (UPLOAD.test(path)) {
    if (method !== 'POST') return json(405, { errcode: 'M_UNRECOGNIZED', error: 'method' });
    if (!device) return json(401, { errcode: 'M_MISSING_TOKEN', error: 'Missing access token' });
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const mediaId = state.newId('', 12).replace(/[^A-Za-z0-9]/g, 'x');
    const name = url.searchParams.get('filename') ?? undefined;
    media.files.set(mediaId, { bytes: Buffer.concat(chunks), contentType: String(request.headers['content-type'] ?? 'application/octet-stream'), uploader: device.userId, ...(name ? { name } : {}) });
    return json(200, { content_uri: `mxc://${state.serverName}/${mediaId}` });
  }
  const authenticated = AUTH_DOWNLOAD.exec(path);
  const legacy = authenticated ? null : LEGACY_DOWNLOAD.exec(path);
  const found = authenticated ?? legacy;
  if (!found) return false;
  if (method !== 'GET') return json(405, { errcode: 'M_UNRECOGNIZED', error: 'method' });
  if (authenticated && !media.authenticated) return json(404, { errcode: 'M_UNRECOGNIZED', error: 'Unrecognized request' });
  if (authenticated && !device) return json(401, { errcode: 'M_MISSING_TOKEN', error: 'Missing access token' });
  const [, server, mediaId] = found as unknown as [string, string, string];
  const file = decodeURIComponent(server) === state.serverName ? media.files.get(decodeURIComponent(mediaId)) : undefined;
  if (!file) return json(404, { errcode: 'M_NOT_FOUND', error: 'media not found' });
  media.downloads.push(`${authenticated ? 'v1' : 'legacy'} ${mediaId}`);
  record.status = 200;
  response.writeHead(200, { 'content-type': file.contentType, ...(media.sendContentLength ? { 'content-length': String(file.bytes.length) } : {}) });
  response.end(file.bytes);
  return true;
}
