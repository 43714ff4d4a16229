import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mapEvent, type MappedEvent } from '../../../adapters/matrix/event-mapper.ts';
import { decryptAttachment, downloadAttachment, parseMxc, type FetchLike } from '../../../adapters/matrix/media.ts';
import { PasserelleError } from '../../../bots/errors.ts';
import { encryptAttachment } from '../../fakes/homeserver/encrypt-attachment.ts';

const PDF = readFileSync(new URL('../../fixtures/files/sample.pdf', import.meta.url));
const BASE = 'https://tchap.example';

const rejectsWith = async (promise: Promise<unknown> | (() => unknown), code: string, pattern?: RegExp): Promise<PasserelleError> => {
  let caught: unknown;
  try {
    await (typeof promise === 'function' ? promise() : promise);
  } catch (error) {
    caught = error;
  }
  assert.ok(caught instanceof PasserelleError, `expected a PasserelleError, got ${String(caught)}`);
  assert.equal(caught.code, code);
  if (pattern) assert.match(caught.userMessage, pattern);
  return caught;
};

/** A fetch serving `files` (path → bytes) and recording requests. */
function fakeFetch(files: Record<string, Buffer | number>, options: { contentLength?: boolean; chunk?: number } = {}) {
  const calls: Array<{ url: string; auth?: string }> = [];
  const fetch: FetchLike = async (url, init) => {
    calls.push({ url, ...(init.headers.authorization ? { auth: init.headers.authorization } : {}) });
    const path = new URL(url).pathname;
    const found = files[path];
    if (found === undefined) return new Response(JSON.stringify({ errcode: 'M_UNRECOGNIZED' }), { status: 404 });
    if (typeof found === 'number') return new Response(null, { status: found });
    const chunk = options.chunk ?? 1024;
    let offset = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (offset >= found.length) return controller.close();
        controller.enqueue(new Uint8Array(found.subarray(offset, offset + chunk)));
        offset += chunk;
      },
    });
    return new Response(body, { status: 200, headers: options.contentLength === false ? {} : { 'content-length': String(found.length) } });
  };
  return { fetch, calls };
}

const client = { getHomeserverUrl: () => `${BASE}/`, getAccessToken: () => 'syt_token' };

describe('matrix: attachment decryption', () => {
  it('decrypts what a Matrix client encrypted (AES-256-CTR, JWK key, unpadded base64 hash)', () => {
    const { ciphertext, info } = encryptAttachment(PDF);
    assert.notDeepEqual(ciphertext, PDF);
    assert.deepEqual(decryptAttachment(ciphertext, { ...info, url: 'mxc://x/y' }, 'sample.pdf'), PDF);
  });

  it('refuses a ciphertext whose SHA-256 differs, with a French reason', async () => {
    const { ciphertext, info } = encryptAttachment(PDF);
    const tampered = Buffer.from(ciphertext);
    tampered[10] = tampered[10]! ^ 0xff;
    const error = await rejectsWith(() => decryptAttachment(tampered, info, 'sample.pdf'), 'ATTACHMENT_UNREADABLE');
    assert.equal(error.userMessage, 'Je n’ai pas pu récupérer la pièce jointe sample.pdf : son empreinte ne correspond pas (fichier altéré ou incomplet).');
  });

  it('refuses malformed encryption info', async () => {
    const { ciphertext, info } = encryptAttachment(PDF);
    await rejectsWith(() => decryptAttachment(ciphertext, { ...info, v: 'v1' }, 'a.pdf'), 'ATTACHMENT_UNREADABLE', /version de chiffrement/);
    await rejectsWith(() => decryptAttachment(ciphertext, { ...info, key: { ...info.key, k: 'c2hvcnQ' } }, 'a.pdf'), 'ATTACHMENT_UNREADABLE', /clé de chiffrement invalide/);
    await rejectsWith(() => decryptAttachment(ciphertext, { ...info, key: { ...info.key, alg: 'A128CBC' } }, 'a.pdf'), 'ATTACHMENT_UNREADABLE', /clé/);
    await rejectsWith(() => decryptAttachment(ciphertext, { ...info, iv: 'AAAA' }, 'a.pdf'), 'ATTACHMENT_UNREADABLE', /vecteur/);
    await rejectsWith(() => decryptAttachment(ciphertext, { ...info, hashes: {} }, 'a.pdf'), 'ATTACHMENT_UNREADABLE', /empreinte/);
  });

  it('parses mxc URIs and rejects anything else', () => {
    assert.deepEqual(parseMxc('mxc://test.local/abc_DEF-1'), { server: 'test.local', mediaId: 'abc_DEF-1' });
    for (const bad of ['https://x/y', 'mxc://test.local/../etc', 'mxc://test.local/a/b', 42, undefined]) assert.equal(parseMxc(bad), undefined, String(bad));
  });
});

describe('matrix: attachment download', () => {
  it('downloads through authenticated media with the access token', async () => {
    const { fetch, calls } = fakeFetch({ '/_matrix/client/v1/media/download/test.local/abc': PDF });
    const bytes = await downloadAttachment(client, { name: 'a.pdf', locator: { url: 'mxc://test.local/abc' } }, 1_000_000, { fetch });
    assert.deepEqual(bytes, PDF);
    assert.deepEqual(calls, [{ url: `${BASE}/_matrix/client/v1/media/download/test.local/abc?allow_redirect=true`, auth: 'Bearer syt_token' }]);
  });

  it('falls back to the legacy endpoint when authenticated media is not supported', async () => {
    const { fetch, calls } = fakeFetch({ '/_matrix/media/v3/download/test.local/abc': PDF });
    assert.deepEqual(await downloadAttachment(client, { name: 'a.pdf', locator: { url: 'mxc://test.local/abc' } }, 1_000_000, { fetch }), PDF);
    assert.equal(calls.length, 2);
    assert.match(calls[1]!.url, /\/_matrix\/media\/v3\/download\/test\.local\/abc/);
  });

  it('downloads, checks and decrypts an encrypted file', async () => {
    const { ciphertext, info } = encryptAttachment(PDF);
    const { fetch } = fakeFetch({ '/_matrix/client/v1/media/download/test.local/enc': ciphertext });
    const bytes = await downloadAttachment(client, { name: 'a.pdf', locator: { file: { ...info, url: 'mxc://test.local/enc' } } }, 1_000_000, { fetch });
    assert.equal(createHash('sha256').update(bytes).digest('hex'), createHash('sha256').update(PDF).digest('hex'));
  });

  it('refuses a file announced larger than the limit without reading it', async () => {
    const { fetch } = fakeFetch({ '/_matrix/client/v1/media/download/test.local/big': Buffer.alloc(5_000) });
    const error = await rejectsWith(downloadAttachment(client, { name: 'gros.pdf', locator: { url: 'mxc://test.local/big' } }, 4_000, { fetch }), 'FILE_TOO_LARGE');
    assert.equal(error.userMessage, 'Le fichier gros.pdf est trop volumineux (4,9 Ko, maximum 3,9 Ko).');
  });

  it('stops reading past the limit when no size is announced', async () => {
    const { fetch } = fakeFetch({ '/_matrix/client/v1/media/download/test.local/big': Buffer.alloc(50_000) }, { contentLength: false, chunk: 1_000 });
    const error = await rejectsWith(downloadAttachment(client, { name: 'gros.pdf', locator: { url: 'mxc://test.local/big' } }, 4_000, { fetch }), 'FILE_TOO_LARGE');
    assert.equal(error.details.size, 5_000, 'stopped at the first chunk past the limit');
  });

  it('reports missing files, server errors and bad locators as unreadable attachments', async () => {
    const { fetch } = fakeFetch({ '/_matrix/client/v1/media/download/test.local/err': 500 });
    await rejectsWith(downloadAttachment(client, { name: 'a.pdf', locator: { url: 'mxc://test.local/none' } }, 1_000, { fetch }), 'ATTACHMENT_UNREADABLE', /n’existe plus/);
    await rejectsWith(downloadAttachment(client, { name: 'a.pdf', locator: { url: 'mxc://test.local/err' } }, 1_000, { fetch }), 'ATTACHMENT_UNREADABLE', /500/);
    await rejectsWith(downloadAttachment(client, { name: 'a.pdf', locator: { url: 'https://evil.example/a.pdf' } }, 1_000, { fetch }), 'ATTACHMENT_UNREADABLE', /adresse/);
    const failing: FetchLike = async () => {
      throw new TypeError('fetch failed');
    };
    await rejectsWith(downloadAttachment(client, { name: 'a.pdf', locator: { url: 'mxc://test.local/x' } }, 1_000, { fetch: failing }), 'ATTACHMENT_UNREADABLE', /ne répond pas/);
  });
});

describe('matrix: file messages in the mapper', () => {
  const BOT = { userId: '@passerelle:test.local', displayName: 'Passerelle' };
  const map = (content: Record<string, unknown>): Extract<MappedEvent, { kind: 'message' }> => {
    const mapped = mapEvent(
      { event_id: '$f', type: 'm.room.message', sender: '@agent:test.local', origin_server_ts: Date.now(), content },
      { bot: BOT, roomId: '!r:test.local', isDirect: true, botInThread: false, receivedAt: new Date().toISOString(), maxAgeMs: 60_000 },
    );
    assert.equal(mapped.kind, 'message');
    return mapped as Extract<MappedEvent, { kind: 'message' }>;
  };

  it('takes the caption as text and the filename and size from the content', () => {
    const { info } = encryptAttachment(Buffer.from('x'));
    const file = { ...info, url: 'mxc://test.local/enc' };
    const { message } = map({ msgtype: 'm.file', body: 'résume', filename: 'sample.pdf', info: { mimetype: 'application/pdf', size: 2219 }, file });
    assert.equal(message.text, 'résume');
    assert.deepEqual(message.attachments, [{ name: 'sample.pdf', contentType: 'application/pdf', size: 2219, locator: { file } }]);
  });

  it('has no text when the body is the file name', () => {
    const { message } = map({ msgtype: 'm.file', body: 'note.pdf', url: 'mxc://test.local/a' });
    assert.equal(message.text, '');
    assert.equal(message.attachments[0]?.name, 'note.pdf');
    assert.equal(message.attachments[0]?.size, undefined);
  });
});
