import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createServer, connect, type AddressInfo, type Server, type Socket } from 'node:net';
import { setImmediate as tick } from 'node:timers/promises';
import pg from 'pg';
import { PasserelleError } from '../../bots/errors.ts';
import { PostgresStateStore } from '../../state/postgres-state-store.ts';
import type { StateStore } from '../../state/state-store.ts';

/** Every port operation, with harmless arguments. */
const OPERATIONS: Array<[string, (store: StateStore) => Promise<unknown>]> = [
  ['markSeen', (s) => s.markSeen('k', 1_000)],
  ['saveReference', (s) => s.saveReference({ key: 'teams:c', channel: 'teams', reference: {}, isDirect: true, active: true, updatedAt: new Date().toISOString() })],
  ['getReference', (s) => s.getReference('teams:c')],
  ['listReferences', (s) => s.listReferences({ activeOnly: true })],
  ['deactivateReference', (s) => s.deactivateReference('teams:c', 'left')],
  ['markNotified', (s) => s.markNotified('u')],
  ['appendTurn', (s) => s.appendTurn('c', { role: 'user', text: 'q', at: new Date().toISOString() })],
  ['recentTurns', (s) => s.recentTurns('c', 5, new Date(0).toISOString())],
  ['clearConversation', (s) => s.clearConversation('c')],
  ['saveAnswer', (s) => s.saveAnswer({ messageId: 'm', channel: 'teams', conversationKey: 'c', question: 'q', answer: 'a', citedIds: [], at: new Date().toISOString() })],
  ['getAnswer', (s) => s.getAnswer('teams', 'm')],
  ['recordFeedback', (s) => s.recordFeedback({ channel: 'teams', messageId: 'm', userHash: 'h', rating: 1, citedIds: [], at: new Date().toISOString() })],
  ['listFeedback', (s) => s.listFeedback(5)],
  ['recordUnanswered', (s) => s.recordUnanswered({ channel: 'teams', userHash: 'h', question: 'q', reason: 'no-passage', nearestIds: [], at: new Date().toISOString() })],
  ['listUnanswered', (s) => s.listUnanswered(5)],
  ['recordAudit', (s) => s.recordAudit({ channel: 'teams', userHash: 'h', kind: 'q', citedIds: [], inputTokens: 1, outputTokens: 1, energyWh: 0, latencyMs: 1, abstained: false, at: new Date().toISOString() })],
  ['listAudit', (s) => s.listAudit(5)],
  ['purgeAudit', (s) => s.purgeAudit(new Date().toISOString())],
  ['cacheGet', (s) => s.cacheGet('k')],
  ['cacheSet', (s) => s.cacheSet('k', 'v', 1_000)],
  ['cacheInvalidate', (s) => s.cacheInvalidate('k')],
];

function isUnavailable(error: unknown): boolean {
  assert.ok(error instanceof PasserelleError, `expected a PasserelleError, got ${String(error)}`);
  assert.equal(error.code, 'STORE_UNAVAILABLE');
  assert.equal(error.retryable, true);
  assert.ok(error.cause, 'the technical cause is kept for the log');
  return true;
}

async function timed<T>(work: Promise<T>): Promise<number> {
  const started = Date.now();
  await work;
  return Date.now() - started;
}

/** A TCP server on 127.0.0.1 that handles each connection with `onConnection`. */
async function listen(onConnection: (socket: Socket) => void): Promise<Server & { port: number }> {
  const server = createServer(onConnection);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return Object.assign(server, { port: (server.address() as AddressInfo).port });
}

describe('PostgreSQL state store when the database is unreachable', function () {
  this.timeout(20_000);
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);
  before(() => process.on('unhandledRejection', onUnhandled));
  after(() => process.off('unhandledRejection', onUnhandled));
  afterEach(async () => {
    await tick();
    assert.deepEqual(unhandled.splice(0), [], 'no unhandled rejection');
  });

  it('open() rejects with STORE_UNAVAILABLE when the connection is refused', async () => {
    const elapsed = await timed(
      assert.rejects(PostgresStateStore.open({ connectionString: 'postgres://postgres@127.0.0.1:1/test', connectionTimeoutMillis: 2_000 }), isUnavailable),
    );
    assert.ok(elapsed < 3_000, `took ${elapsed} ms`);
  });

  it('every operation rejects with STORE_UNAVAILABLE, and close() still resolves', async () => {
    const store = new PostgresStateStore({ connectionString: 'postgres://postgres@127.0.0.1:1/test', connectionTimeoutMillis: 2_000 });
    try {
      for (const [name, operation] of OPERATIONS) {
        const elapsed = await timed(assert.rejects(operation(store), isUnavailable, name));
        assert.ok(elapsed < 3_000, `${name} took ${elapsed} ms`);
      }
      // Concurrent callers each get their own rejection.
      const results = await Promise.allSettled(Array.from({ length: 5 }, () => store.markSeen('k', 1_000)));
      for (const result of results) assert.ok(result.status === 'rejected' && isUnavailable(result.reason));
    } finally {
      await store.close();
    }
  });

  it('a server that accepts but never answers: rejects once connectionTimeoutMillis has passed', async () => {
    const sockets: Socket[] = [];
    const server = await listen((socket) => sockets.push(socket.on('error', () => undefined)));
    const store = new PostgresStateStore({ connectionString: `postgres://postgres@127.0.0.1:${server.port}/test`, connectionTimeoutMillis: 500 });
    try {
      const elapsed = await timed(assert.rejects(store.cacheGet('k'), isUnavailable));
      assert.ok(elapsed >= 400 && elapsed < 3_000, `took ${elapsed} ms`);
    } finally {
      await store.close();
      for (const socket of sockets) socket.destroy();
      server.close();
    }
  });

  it('a server that hangs up at once: STORE_UNAVAILABLE', async () => {
    const server = await listen((socket) => socket.destroy());
    const store = new PostgresStateStore({ connectionString: `postgres://postgres@127.0.0.1:${server.port}/test`, connectionTimeoutMillis: 2_000 });
    try {
      await assert.rejects(store.markNotified('u'), isUnavailable);
    } finally {
      await store.close();
      server.close();
    }
  });

  const databaseUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

  it('a database that does not exist (server error 3D000): STORE_UNAVAILABLE', async () => {
    const missing = new URL(databaseUrl);
    missing.pathname = `/passerelle_missing_${randomBytes(4).toString('hex')}`;
    await assert.rejects(PostgresStateStore.open({ connectionString: missing.toString(), connectionTimeoutMillis: 2_000 }), (error: unknown) => {
      isUnavailable(error);
      return assert.equal(((error as Error).cause as { code?: string }).code, '3D000') ?? true;
    });
  });

  describe('outage of a running database, through a TCP proxy', () => {
    const schema = `passerelle_outage_${randomBytes(4).toString('hex')}`;
    const target = new URL(databaseUrl);
    const links = new Set<Socket>();
    let up = true;
    let proxy: Server & { port: number };

    before(async () => {
      proxy = await listen((client) => {
        if (!up) return void client.destroy();
        const upstream = connect(Number(target.port || 5432), target.hostname);
        const cut = () => {
          client.destroy();
          upstream.destroy();
          links.delete(client);
          links.delete(upstream);
        };
        for (const socket of [client, upstream]) links.add(socket.on('error', cut).on('close', cut));
        client.pipe(upstream).pipe(client);
      });
    });
    after(async () => {
      proxy.close();
      const admin = new pg.Client({ connectionString: databaseUrl });
      await admin.connect();
      await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await admin.end();
    });

    it('rejects with STORE_UNAVAILABLE while the database is down, without crashing, and recovers when it is back', async () => {
      const viaProxy = new URL(databaseUrl);
      viaProxy.hostname = '127.0.0.1';
      viaProxy.port = String(proxy.port);
      const options = { connectionString: viaProxy.toString(), schema, connectionTimeoutMillis: 2_000 };
      const store = await PostgresStateStore.open(options);
      const late = new PostgresStateStore(options); // first used during the outage: its schema check must be retried
      try {
        assert.equal(await store.markSeen('before', 60_000), true);
        // Down: established (idle, pooled) connections are cut and new ones refused. An idle client's
        // error is an 'error' event on the pool: without the store's listener, the process would crash here.
        up = false;
        for (const socket of links) socket.destroy();
        await new Promise((resolve) => setTimeout(resolve, 100));
        await assert.rejects(store.markSeen('during', 60_000), isUnavailable);
        await assert.rejects(store.listAudit(5), isUnavailable);
        await assert.rejects(late.markNotified('late'), isUnavailable);
        up = true;
        assert.equal(await late.markNotified('late'), true);
        assert.equal(await store.markSeen('before', 60_000), false, 'data written before the outage is still there');
        assert.equal(await store.markSeen('after', 60_000), true);
      } finally {
        await Promise.all([store.close(), late.close()]);
      }
    });
  });
});
