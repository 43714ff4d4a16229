import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isSigningKeyFetchFailure } from '../../../adapters/teams/authentication.ts';
import { SigningKeySet, SigningKeysUnavailableError } from '../../../adapters/teams/signing-keys.ts';

/** The channel's OpenID document and key set on loopback, with a switchable failure. */
describe('teams: SigningKeySet (the channel’s signing keys)', () => {
  let server: Server;
  let base: string;
  let mode: 'ok' | 'html' | '500' = 'ok';
  let keyRequests = 0;
  const jwk = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ format: 'jwk' });

  before(async () => {
    server = createServer((request, response) => {
      if (request.url === '/metadata') {
        response.writeHead(200, { 'content-type': 'application/json' });
        return void response.end(JSON.stringify({ jwks_uri: `${base}/keys` }));
      }
      keyRequests++;
      if (mode === '500') return void response.writeHead(500).end();
      if (mode === 'html') return void response.writeHead(200, { 'content-type': 'text/html' }).end('<html>proxy</html>');
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ keys: [{ kty: 'RSA', kid: 'k1', n: jwk.n, e: jwk.e, endorsements: ['msteams', 42] }, { kty: 'EC', kid: 'ec' }] }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  beforeEach(() => {
    mode = 'ok';
    keyRequests = 0;
  });

  it('an unreadable key set is an outage (not an empty cache), and the next request fetches again', async () => {
    const keys = new SigningKeySet(`${base}/metadata`);
    mode = 'html';
    await assert.rejects(keys.getKey('k1'), (error) => error instanceof SigningKeysUnavailableError && isSigningKeyFetchFailure(error));
    mode = '500';
    await assert.rejects(keys.getKey('k1'), SigningKeysUnavailableError);
    mode = 'ok';
    const key = await keys.getKey('k1');
    assert.match(String(key?.key), /BEGIN PUBLIC KEY/);
    assert.deepEqual(key?.endorsements, ['msteams']);
    assert.equal(await keys.getKey('ec'), null, 'non-RSA keys are not used');
  });

  it('keeps the last good keys when a refresh fails; an unknown key id during an outage is an outage', async () => {
    let now = 0;
    const keys = new SigningKeySet(`${base}/metadata`, { now: () => now, refreshMs: 1_000, unknownKeyRefreshMs: 100 });
    assert.ok(await keys.getKey('k1'));
    mode = '500';
    now = 2_000;
    assert.ok(await keys.getKey('k1'), 'stale keys still verify');
    now = 3_000;
    await assert.rejects(keys.getKey('k9'), SigningKeysUnavailableError);
    mode = 'ok';
    now = 3_050;
    assert.equal(await keys.getKey('k9'), null, 'a known-good key set without that id: the token is refused (401), no new fetch yet');
    assert.equal(keyRequests, 3);
  });

  it('fetches once for concurrent requests', async () => {
    const keys = new SigningKeySet(`${base}/metadata`);
    await Promise.all(Array.from({ length: 10 }, () => keys.getKey('k1')));
    assert.equal(keyRequests, 1);
  });

  it('tells key-fetch failures from refused tokens', () => {
    assert.equal(isSigningKeyFetchFailure(Object.assign(new Error('request failed'), { name: 'FetchError', code: 'ENOTFOUND' })), true);
    assert.equal(isSigningKeyFetchFailure(Object.assign(new Error('Failed to load Keys: 502'), { statusCode: 500 })), true);
    assert.equal(isSigningKeyFetchFailure(new TypeError('fetch failed', { cause: Object.assign(new Error('x'), { code: 'ECONNREFUSED' }) })), true);
    assert.equal(isSigningKeyFetchFailure(Object.assign(new Error('Signing Key could not be retrieved.'), { statusCode: 401 })), false);
    assert.equal(isSigningKeyFetchFailure(Object.assign(new Error('invalid signature'), { name: 'JsonWebTokenError' })), false);
    assert.equal(isSigningKeyFetchFailure(undefined), false);
  });
});
