import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PasserelleError } from '../../../bots/errors.ts';
import { silentLogger } from '../../../bots/logger.ts';
import { establishSession, readSession, verifySession, type PasswordLogin } from '../../../adapters/matrix/session.ts';

const matrix = {
  enabled: true,
  homeserverUrl: 'https://matrix.test.local/',
  userId: '@passerelle:test.local',
  password: 'x',
  allowedInviters: [],
  allowedServers: [],
  requestsPerSecond: 1,
  displayName: 'Passerelle',
};

describe('matrix: session', () => {
  let dir: string;
  let logins: number;
  const login: PasswordLogin = async (_url, userId) => {
    logins += 1;
    return { userId, deviceId: `DEVICE${logins}`, accessToken: `token-${logins}` };
  };
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'passerelle-session-'));
    logins = 0;
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('logs in once, stores the session privately, and reuses it afterwards', async () => {
    const first = await establishSession(dir, matrix, login, silentLogger);
    assert.deepEqual([first.deviceId, first.accessToken, first.homeserverUrl], ['DEVICE1', 'token-1', 'https://matrix.test.local']);
    assert.equal(statSync(join(dir, 'session.json')).mode & 0o777, 0o600);
    const again = await establishSession(dir, matrix, login, silentLogger);
    assert.equal(again.deviceId, 'DEVICE1');
    assert.equal(logins, 1, 'never a second login while a session exists');
  });

  it('uses a configured access token and device id without logging in', async () => {
    const session = await establishSession(dir, { ...matrix, password: undefined, accessToken: 'syt_given', deviceId: 'GIVEN' }, login, silentLogger);
    assert.deepEqual([session.deviceId, session.accessToken, logins], ['GIVEN', 'syt_given', 0]);
    assert.equal(readSession(join(dir, 'session.json'))?.deviceId, 'GIVEN');
  });

  it('refuses a stored session of another account, and a corrupt one', async () => {
    await establishSession(dir, matrix, login, silentLogger);
    await assert.rejects(establishSession(dir, { ...matrix, userId: '@autre:test.local' }, login, silentLogger), /appartient à @passerelle:test\.local/);
    writeFileSync(join(dir, 'session.json'), '{oops');
    await assert.rejects(establishSession(dir, matrix, login, silentLogger), (error: PasserelleError) => error.code === 'FILE_UNREADABLE' && /session\.json est illisible : session Matrix illisible/.test(error.userMessage));
  });

  it('explains a failed login or missing credentials in French', async () => {
    const refused = Object.assign(new Error('Invalid username or password'), { httpStatus: 403 });
    await assert.rejects(establishSession(dir, matrix, async () => { throw refused; }, silentLogger), (error: PasserelleError) => error.code === 'CONFIG_INVALID' && /Connexion à Tchap\/Matrix impossible pour @passerelle:test\.local : Invalid username or password/.test(error.userMessage));
    await assert.rejects(establishSession(dir, matrix, async () => { throw new TypeError('fetch failed'); }, silentLogger), /impossible pour @passerelle:test\.local : fetch failed/);
    await assert.rejects(establishSession(dir, { ...matrix, password: undefined }, login, silentLogger), /ni mot de passe/);
  });

  it('stops on a revoked token or another device, not on a network failure', async () => {
    const session = { homeserverUrl: 'https://hs', userId: '@passerelle:test.local', deviceId: 'DEV', accessToken: 't', createdAt: '' };
    const respond = (status: number, body: unknown) => (async () => new Response(JSON.stringify(body), { status })) as typeof fetch;
    await assert.rejects(verifySession(session, 'session.json', respond(401, { errcode: 'M_UNKNOWN_TOKEN' })), /refusé la session/);
    await assert.rejects(verifySession(session, 'session.json', respond(200, { user_id: '@passerelle:test.local', device_id: 'OTHER' })), /appareil OTHER/);
    await verifySession(session, 'session.json', respond(200, { user_id: '@passerelle:test.local', device_id: 'DEV' }));
    await verifySession(session, 'session.json', (async () => { throw new TypeError('fetch failed'); }) as typeof fetch);
  });
});
