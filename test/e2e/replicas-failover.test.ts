import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { DatabaseSync } from 'node:sqlite';
import pg from 'pg';
import { AI_NOTICE } from '../../bots/user-messages.ts';
import { startFakeBotConnector, type FakeBotConnector } from '../fakes/bot-connector.ts';
import { startFakeModelServer, type FakeModelServer } from '../fakes/model-server.ts';
import type { FakeHomeserver } from '../fakes/homeserver/index.ts';
import { loadTestKit } from '../fakes/homeserver/test-kit.ts';
import { REPO_ROOT } from '../integration/helpers/knowledge-fixtures.ts';
import { deleteKeysUnder, freePort, REDIS_URL, testPrefix } from '../integration/workers/redis-helpers.ts';
import * as A from '../unit/teams/activities.ts';
import { passerelle } from './passerelle-process.ts';

/**
 * Two `passerelle serve` replicas for real (state in PostgreSQL, queues in Redis, one shared data folder),
 * with the fake Bot Connector (Teams) and the fake homeserver (Tchap). Questions stream on both channels;
 * the replica holding the Tchap lease is killed with SIGKILL in the middle of the stream. The other replica
 * takes the lease over, starts Tchap from the shared device and answers the Tchap questions sent meanwhile;
 * Teams questions go on to the surviving replica (the test's load balancer drops the dead one). Every question
 * is answered exactly once.
 *
 * Twice: killed between two of its turns; and killed while it holds questions on both channels — received
 * and acknowledged (Teams: 200), their answers stuck at the model (the fake model server holds them) — which
 * the survivor then answers: the Tchap ones delivered again by the homeserver (seen only once answered),
 * the Teams ones from the turn journal.
 */
const BOT = '@passerelle:test.local';
const ROOMS = 3;
const ROUNDS = 8;
const KILL_AFTER = 3;
const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const QUESTIONS = [
  'Les agents des douanes peuvent-ils procéder à la visite des marchandises ?',
  'Qui peut exiger la communication des papiers et documents ?',
  'La visite des moyens de transport est-elle possible ?',
  'Quel grade faut-il pour exiger les documents relatifs aux opérations ?',
];
const CORPUS = [
  { id: 'CD-60', code: 'Code des douanes', num: '60', title_path: ['Titre II'], text: 'Pour l’application des dispositions du présent code et en vue de la recherche de la fraude, les agents des douanes peuvent procéder à la visite des marchandises et des moyens de transport et à celle des personnes.', valid_from: null, valid_to: null },
  { id: 'CD-65', code: 'Code des douanes', num: '65', title_path: ['Titre II'], text: 'Les agents des douanes ayant au moins le grade de contrôleur peuvent exiger la communication des papiers et documents de toute nature relatifs aux opérations intéressant leur service.', valid_from: null, valid_to: null },
];

interface Replica {
  name: string;
  child: ChildProcess;
  teamsUrl: string;
  output: () => string;
  alive: boolean;
}

describe('replicas: the Tchap lease holder killed with SIGKILL under a stream of questions (PostgreSQL and Redis, or the embedded defaults; fakes)', function () {
  this.timeout(300_000);
  let dir: string;
  let prefix: string;
  let database: string;
  let admin: pg.Client;
  let fake: FakeHomeserver;
  let connector: FakeBotConnector;
  let model: FakeModelServer;
  const replicas: Replica[] = [];
  const databases: string[] = [];

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'passerelle-e2e-replicas-'));
    prefix = testPrefix();
    database = `passerelle_replicas_${randomBytes(4).toString('hex')}`;
    admin = new pg.Client({ connectionString: DATABASE_URL });
    await admin.connect();
    fake = await (await loadTestKit()).startFakeHomeserver();
    fake.registerUser(BOT, 'x', 'Passerelle');
    connector = await startFakeBotConnector();
    model = await startFakeModelServer();
    model.onChat(async (request) => {
      const system = String(request.body.messages?.find((message) => message.role === 'system')?.content ?? '');
      if (system.includes('Tu classes')) return { content: JSON.stringify({ kb: 'legal', confidence: 0.9 }) };
      if (system.startsWith('Réécris')) return { content: String(request.body.messages?.at(-1)?.content ?? '') };
      if (gate.held) {
        gate.waiting++;
        await gate.held;
      }
      return { content: 'Selon l’article 60, les agents des douanes peuvent procéder à la visite des marchandises [1].' };
    });
  });
  after(async () => {
    for (const replica of replicas) if (replica.alive) replica.child.kill('SIGKILL');
    await Promise.all(replicas.map((replica) => (replica.child.exitCode === null && replica.child.signalCode === null ? new Promise((resolve) => replica.child.once('exit', resolve)) : undefined)));
    await fake?.close();
    await connector?.close();
    gate.open();
    await model?.close();
    await deleteKeysUnder(prefix);
    for (const name of databases) await admin?.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => undefined);
    await admin?.end();
    rmSync(dir, { recursive: true, force: true });
  });

  const client = async (method: string, path: string, token: string, body?: unknown) => {
    const response = await fetch(`${fake.url}/_matrix/client/v3${path}`, { method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, ...(body ? { body: JSON.stringify(body) } : {}) });
    return (await response.json()) as Record<string, unknown>;
  };
  /** The bot's messages in a room, edits (streamed updates) left out. */
  const botMessages = (roomId: string) =>
    fake.state.room(roomId).timeline.map((item) => item.event).filter((event) => event.sender === BOT && event.type === 'm.room.message' && (event.content as { 'm.relates_to'?: { rel_type?: string } })['m.relates_to']?.rel_type !== 'm.replace');
  /** The bot's answers in a Teams conversation (the AI notice and typing left out). */
  const teamsAnswers = (conversationId: string) => connector.messages(conversationId).filter((call) => call.body.type === 'message' && call.body.text !== AI_NOTICE);
  const waitUntil = async (check: () => boolean | Promise<boolean>, what: string, timeoutMs = 90_000) => {
    const deadline = Date.now() + timeoutMs;
    while (!(await check())) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}\n${replicas.map((replica) => `--- ${replica.name}\n${replica.output().slice(-3_000)}`).join('\n')}`);
      await sleep(100);
    }
  };

  /** The model holds every answer while `held` is set (routing and rewriting pass), counting the held ones. */
  const gate = { held: undefined as Promise<void> | undefined, open: () => undefined as void, waiting: 0 };
  const holdAnswers = () => {
    gate.held = new Promise<void>((resolve) => (gate.open = () => {
      gate.held = undefined;
      resolve();
    }));
  };

  it('every question on Teams and Tchap is answered exactly once; the survivor takes Tchap over', () => scenario('between', 'postgres'));
  it('killed while it holds unanswered questions on both channels: the survivor answers each exactly once', () => scenario('inflight', 'postgres'));
  it('embedded defaults (SQLite state file, in-process queues): two serve processes on one machine, the same failover', () => scenario('sqlite', 'sqlite'));

  async function scenario(tag: 'between' | 'inflight' | 'sqlite', stateKind: 'postgres' | 'sqlite'): Promise<void> {
    const inFlight = tag !== 'between';
    for (const replica of replicas.splice(0)) if (replica.alive) replica.child.kill('SIGKILL');
    const scenarioDatabase = `${database}_${tag}`;
    if (stateKind === 'postgres') {
      await admin.query(`CREATE DATABASE ${scenarioDatabase}`);
      databases.push(scenarioDatabase);
    }
    const dataDir = join(dir, `data-${tag}`);
    const env: Record<string, string> = {
      PASSERELLE_DATA_DIR: dataDir, PASSERELLE_LOG_LEVEL: 'info',
      ...(stateKind === 'postgres' ? { PASSERELLE_STATE: 'postgres', DATABASE_URL: DATABASE_URL.replace(/\/[^/]*$/, `/${scenarioDatabase}`), REDIS_URL, PASSERELLE_QUEUE_PREFIX: `${prefix}${tag}` } : {}),
      PASSERELLE_RATE_LIMIT_PER_MINUTE: '1000', PASSERELLE_ABSTAIN_BELOW: '0.3',
      MATRIX_ENABLED: 'true', MATRIX_HOMESERVER_URL: fake.url, MATRIX_USER_ID: BOT, MATRIX_PASSWORD: 'x', MATRIX_ALLOWED_SERVERS: 'test.local', MATRIX_REQUESTS_PER_SECOND: '50',
      TEAMS_ENABLED: 'true', TEAMS_ALLOWED_TENANTS: A.TENANT,
      ...(inFlight ? { CHAT_MODEL_PROVIDER: 'openai-compatible', CHAT_MODEL_URL: `${model.url}/v1`, CHAT_MODEL_NAME: 'albert-large', CHAT_MODEL_API_KEY: 'sk-test', CHAT_MODEL_CEILING: 'diffusion-restreinte' } : {}),
    };
    const corpus = join(dir, 'code.jsonl');
    writeFileSync(corpus, CORPUS.map((record) => JSON.stringify(record)).join('\n'));
    const ingested = await passerelle(['ingest', '--kb', 'legal', corpus], env, undefined, 120_000);
    assert.equal(ingested.code, 0, ingested.err);

    const start = async (name: string): Promise<Replica> => {
      const port = await freePort();
      const child = spawn(join(REPO_ROOT, 'node_modules/.bin/node'), ['bin/passerelle.js', 'serve'], {
        cwd: REPO_ROOT, env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp', ...env, TEAMS_PORT: String(port) }, stdio: ['ignore', 'pipe', 'pipe'],
      });
      let output = '';
      const replica: Replica = { name, child, teamsUrl: `http://127.0.0.1:${port}`, output: () => output, alive: true };
      replicas.push(replica);
      child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
      await new Promise<void>((resolve, reject) => {
        child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()).includes('en service') && resolve());
        child.once('exit', (code, signal) => {
          replica.alive = false;
          reject(new Error(`${name} exited (${code ?? signal}): ${output.slice(-3_000)}`));
        });
      });
      return replica;
    };
    await start('replica-1');
    await start('replica-2');
    const holderPid = async () => {
      if (stateKind === 'sqlite') {
        const file = new DatabaseSync(join(dataDir, 'state.sqlite'), { readOnly: true });
        try {
          const row = file.prepare('SELECT holder, fence FROM leases WHERE name = ? AND expires_at > ?').get('matrix', Date.now()) as { holder: string; fence: number } | undefined;
          return row ? { pid: Number(row.holder.split(':')[1]), fence: Number(row.fence) } : undefined;
        } catch {
          return undefined; // not created yet
        } finally {
          file.close();
        }
      }
      const db = new pg.Client({ connectionString: env.DATABASE_URL });
      await db.connect();
      try {
        const rows = (await db.query("SELECT holder, fence FROM passerelle.leases WHERE name = 'matrix' AND expires_at > now()").catch(() => ({ rows: [] }))).rows as Array<{ holder: string; fence: string }>;
        const row = rows[0];
        return row ? { pid: Number(row.holder.split(':')[1]), fence: Number(row.fence) } : undefined;
      } finally {
        await db.end();
      }
    };
    await waitUntil(async () => (await holderPid()) !== undefined, 'a replica to take the Tchap lease');
    const first = (await holderPid())!;
    const holder = replicas.find((replica) => replica.child.pid === first.pid);
    assert.ok(holder, `lease held by pid ${first.pid}`);
    const survivor = replicas.find((replica) => replica !== holder)!;

    // Agents open direct chats with the bot (the holder joins) and say hello: the AI notice and a first answer.
    const rooms: Array<{ roomId: string; token: string; asked: number; baseline: number }> = [];
    for (let n = 1; n <= ROOMS; n++) {
      const user = `@agent${n}${tag}:test.local`;
      fake.registerUser(user, 'secret');
      const login = await client('POST', '/login', '', { type: 'm.login.password', identifier: { type: 'm.id.user', user }, password: 'secret' });
      const token = String(login.access_token);
      const roomId = String((await client('POST', '/createRoom', token, { is_direct: true, invite: [BOT], preset: 'trusted_private_chat' })).room_id);
      await waitUntil(() => fake.state.membership(fake.state.room(roomId), BOT) === 'join', `the bot to join ${roomId}`);
      await client('PUT', `/rooms/${encodeURIComponent(roomId)}/send/m.room.message/hello`, token, { msgtype: 'm.text', body: 'Bonjour' });
      await waitUntil(() => botMessages(roomId).length >= 1, `the welcome in ${roomId}`); // the AI notice travels with the first reply
      await sleep(1_000); // a separate notice, if any, arrives meanwhile
      rooms.push({ roomId, token, asked: 0, baseline: botMessages(roomId).length });
    }

    // The stream: each round one Tchap question (rooms in turn) and one Teams question (replicas in turn).
    const teams: Array<{ conversation: string }> = [];
    let killedAt = 0;
    let sequence = 0;
    const askTeams = async (target: Replica, text?: string) => {
      const n = ++sequence;
      const from = { id: `29:agent-${tag}${n}`, name: `Agent ${n}`, aadObjectId: `aad-agent-${tag}${n}` };
      const conversation = `a:personal-replicas-${tag}-${n}`;
      const delivered = await connector.deliver(target.teamsUrl, A.personalMessage(connector.serviceUrl, text ?? QUESTIONS[n % QUESTIONS.length]!, { from, conversation: { conversationType: 'personal', id: conversation, tenantId: A.TENANT } }));
      assert.equal(delivered.status, 200, `${target.name}: ${delivered.body}`);
      return { conversation };
    };
    for (let round = 0; round < ROUNDS; round++) {
      if (round === KILL_AFTER && !inFlight) {
        // Kill the holder between two of its turns: what it had received is answered (checked below).
        await waitUntil(() => rooms.every((room) => botMessages(room.roomId).length === room.baseline + room.asked), 'the Tchap answers before the kill');
        await waitUntil(() => teams.every((question) => teamsAnswers(question.conversation).length >= 1), 'the Teams answers before the kill');
        holder.child.kill('SIGKILL');
        holder.alive = false;
        killedAt = Date.now();
      }
      if (round === KILL_AFTER && inFlight) {
        // Kill the holder while it holds questions on both channels: received, acknowledged, not answered.
        await waitUntil(() => rooms.every((room) => botMessages(room.roomId).length === room.baseline + room.asked), 'the Tchap answers before the hold');
        await waitUntil(() => teams.every((question) => teamsAnswers(question.conversation).length >= 1), 'the Teams answers before the hold');
        holdAnswers();
        const waitingBefore = gate.waiting;
        // Questions never asked before (an answer already cached would not reach the model).
        const fresh = (k: number) => `${QUESTIONS[k % QUESTIONS.length]!.replace(/ \?$/, '')} au bureau numéro ${k + 10} ?`;
        for (const [k, room] of rooms.entries()) {
          room.asked++;
          await client('PUT', `/rooms/${encodeURIComponent(room.roomId)}/send/m.room.message/held-${k}`, room.token, { msgtype: 'm.text', body: fresh(k) });
        }
        for (let k = 0; k < 2; k++) teams.push(await askTeams(holder, fresh(ROOMS + k)));
        await waitUntil(() => gate.waiting - waitingBefore >= ROOMS + 2, `the holder to hold the Tchap and Teams questions at the model (${gate.waiting - waitingBefore} held, ${model.requests.length} model requests)`);
        holder.child.kill('SIGKILL');
        holder.alive = false;
        killedAt = Date.now();
        gate.open();
      }
      const room = rooms[round % ROOMS]!;
      room.asked++;
      await client('PUT', `/rooms/${encodeURIComponent(room.roomId)}/send/m.room.message/q${round}`, room.token, { msgtype: 'm.text', body: QUESTIONS[round % QUESTIONS.length] });
      const alive = replicas.filter((replica) => replica.alive);
      teams.push(await askTeams(alive[round % alive.length]!));
      await sleep(300);
    }

    await waitUntil(() => rooms.every((room) => botMessages(room.roomId).length >= room.baseline + room.asked), 'every Tchap question answered (after the takeover)', 120_000);
    await waitUntil(() => teams.every((question) => teamsAnswers(question.conversation).length >= 1), 'every Teams question answered', 120_000);
    const tookOverMs = Date.now() - killedAt;
    await sleep(3_000); // a duplicate would show up now
    for (const room of rooms) assert.equal(botMessages(room.roomId).length, room.baseline + room.asked, `${room.roomId}: one answer per question`);
    for (const question of teams) assert.equal(teamsAnswers(question.conversation).length, 1, `${question.conversation}: one answer`);
    const now = await holderPid();
    assert.equal(now?.pid, survivor.child.pid, 'the survivor holds the lease');
    assert.ok(now!.fence > first.fence, 'with a larger fencing token');
    process.stderr.write(`      ${rooms.reduce((sum, room) => sum + room.asked, 0)} Tchap + ${teams.length} Teams questions, holder killed after ${KILL_AFTER} rounds${inFlight ? ` holding ${ROOMS} Tchap and 2 Teams questions` : ''}; every question answered ${Math.round(tookOverMs / 100) / 10} s after the kill\n`);
    survivor.child.kill('SIGTERM');
    await new Promise((resolve) => (survivor.child.exitCode === null && survivor.child.signalCode === null ? survivor.child.once('exit', resolve) : resolve(undefined)));
  }
});
