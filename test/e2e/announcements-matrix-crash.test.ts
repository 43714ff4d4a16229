import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { FakeHomeserver } from '../fakes/homeserver/index.ts';
import { loadTestKit } from '../fakes/homeserver/test-kit.ts';
import { REPO_ROOT } from '../integration/helpers/knowledge-fixtures.ts';
import { deleteKeysUnder, freePort, REDIS_URL, testPrefix } from '../integration/workers/redis-helpers.ts';

/**
 * The real bot process (`passerelle serve`, Tchap channel, bull on Redis) killed with SIGKILL while it
 * announces to agents in direct chats on the fake homeserver, then started again on the same data directory
 * (same Matrix device). Sends interrupted by the kill go again with the same transaction id, which the
 * homeserver deduplicates: every agent has the announcement exactly once, nobody is reported uncertain.
 * Agents act through raw client-server API calls (unencrypted direct chats: no client crypto needed).
 */
const TOKEN = 'jeton-administration-e2e-tchap-crash-0123';
const BOT = '@passerelle:test.local';
const AGENTS = 8;
const MARKER = 'Reprise Tchap après arrêt';

describe('announcements end to end: the Tchap bot process killed mid-fan-out (fake homeserver, Redis)', function () {
  this.timeout(180_000);
  let fake: FakeHomeserver;
  let dir: string;
  let prefix: string;
  const children: ChildProcess[] = [];
  const rooms: string[] = [];

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'passerelle-e2e-tchap-crash-'));
    prefix = testPrefix();
    fake = await (await loadTestKit()).startFakeHomeserver();
    fake.registerUser(BOT, 'x', 'Passerelle');
  });
  after(async () => {
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await fake?.close();
    await deleteKeysUnder(prefix);
    rmSync(dir, { recursive: true, force: true });
  });

  const client = async (method: string, path: string, token: string, body?: unknown) => {
    const response = await fetch(`${fake.url}/_matrix/client/v3${path}`, { method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, ...(body ? { body: JSON.stringify(body) } : {}) });
    return (await response.json()) as Record<string, unknown>;
  };
  const botEvents = (roomId: string) => fake.state.room(roomId).timeline.map((item) => item.event).filter((event) => event.sender === BOT && event.type === 'm.room.message');
  const marked = (roomId: string) => botEvents(roomId).filter((event) => String((event.content as { body?: unknown }).body ?? '').includes(MARKER));

  it('every agent has the announcement exactly once; nobody is reported uncertain', async () => {
    const adminPort = await freePort();
    const env = {
      PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp', PASSERELLE_DATA_DIR: join(dir, 'data'), PASSERELLE_LOG_LEVEL: 'silent',
      MATRIX_ENABLED: 'true', MATRIX_HOMESERVER_URL: fake.url, MATRIX_USER_ID: BOT, MATRIX_PASSWORD: 'x', MATRIX_ALLOWED_SERVERS: 'test.local',
      MATRIX_REQUESTS_PER_SECOND: '50', ANNOUNCE_MATRIX_PER_SECOND: '3', REDIS_URL, PASSERELLE_QUEUE_PREFIX: prefix,
      PASSERELLE_ADMIN_TOKEN: TOKEN, PASSERELLE_ADMIN_PORT: String(adminPort),
    };
    const serve = async (): Promise<ChildProcess> => {
      const child = spawn(join(REPO_ROOT, 'node_modules/.bin/node'), ['bin/passerelle.js', 'serve'], { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
      children.push(child);
      let output = '';
      await new Promise<void>((resolve, reject) => {
        child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()).includes('en service') && resolve());
        child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
        child.once('exit', (code) => reject(new Error(`passerelle serve exited (${code}): ${output.slice(-2_000)}`)));
      });
      return child;
    };
    const api = (path: string, init: RequestInit = {}) => fetch(`http://127.0.0.1:${adminPort}${path}`, { ...init, headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' } });

    let child = await serve();
    for (let n = 1; n <= AGENTS; n++) {
      const user = `@agent${n}:test.local`;
      fake.registerUser(user, 'secret');
      const login = await client('POST', '/login', '', { type: 'm.login.password', identifier: { type: 'm.id.user', user }, password: 'secret' });
      const token = String(login.access_token);
      const roomId = String((await client('POST', '/createRoom', token, { is_direct: true, invite: [BOT], preset: 'trusted_private_chat' })).room_id);
      rooms.push(roomId);
      for (let i = 0; fake.state.membership(fake.state.room(roomId), BOT) !== 'join'; i++) {
        if (i > 300) throw new Error(`the bot did not join ${roomId}`);
        await sleep(50);
      }
      await client('PUT', `/rooms/${encodeURIComponent(roomId)}/send/m.room.message/t${n}`, token, { msgtype: 'm.text', body: 'Bonjour' });
      for (let i = 0; botEvents(roomId).length < 1; i++) {
        if (i > 600) throw new Error(`no answer in ${roomId}`);
        await sleep(50);
      }
    }

    const created = await api('/admin/announcements', { method: 'POST', body: JSON.stringify({ to: 'tous', markdown: `**${MARKER}** : merci de l’ignorer.` }) });
    assert.equal(created.status, 201, await created.clone().text());
    const { id, recipients } = (await created.json()) as { id: string; recipients: { reachable: number } };
    assert.equal(recipients.reachable, AGENTS);
    while (rooms.filter((roomId) => marked(roomId).length > 0).length < 3) await sleep(5);
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
    const atKill = rooms.filter((roomId) => marked(roomId).length > 0).length;

    child = await serve();
    const deadline = Date.now() + 90_000;
    let status: { status: string; counts: Record<string, number> };
    do {
      await sleep(250);
      status = (await (await api(`/admin/announcements/${id}`)).json()) as typeof status;
      if (Date.now() > deadline) throw new Error(`not completed: ${JSON.stringify(status)}`);
    } while (status.status !== 'completed');
    child.kill('SIGTERM');

    for (const roomId of rooms) assert.equal(marked(roomId).length, 1, `${roomId}: ${marked(roomId).length} copies`);
    assert.deepEqual([status.counts.sent, status.counts.failed, status.counts.blocked], [AGENTS, 0, 0]);
    const puts = new Map<string, number>();
    for (const request of fake.requests) if (request.method === 'PUT' && request.userId === BOT && request.path.includes('/send/m.room.message/passerelle-')) puts.set(request.path, (puts.get(request.path) ?? 0) + 1);
    const resent = [...puts.values()].filter((n) => n > 1).length;
    process.stderr.write(`      ${atKill} agents had it before the kill; ${AGENTS} sent in all, each exactly once; ${resent} send(s) repeated with the same transaction id\n`);
  });
});
