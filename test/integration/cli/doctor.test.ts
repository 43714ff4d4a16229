import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import pg from 'pg';
import { startFakeGraphServer, type FakeGraphServer } from '../../fakes/graph-server.ts';
import type { FakeHomeserver } from '../../fakes/homeserver/index.ts';
import { loadTestKit } from '../../fakes/homeserver/test-kit.ts';
import { startFakeModelServer, type FakeModelServer } from '../../fakes/model-server.ts';
import { startFakeQdrant, type FakeQdrant } from '../../fakes/qdrant-server.ts';
import { makeTempDir } from '../helpers/knowledge-fixtures.ts';
import { cli } from '../helpers/run-cli.ts';
import { REDIS_URL } from '../workers/redis-helpers.ts';

const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const TENANT = '11111111-2222-4333-8444-555555555555';
const APP_ID = 'c0ffee00-0000-4000-8000-0000000000d0';

/** A port nothing listens on: bound, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('passerelle doctor (fakes, real Redis and PostgreSQL)', function () {
  this.timeout(60_000);
  let temp: ReturnType<typeof makeTempDir>;
  let models: FakeModelServer;
  let qdrant: FakeQdrant;
  let homeserver: FakeHomeserver;
  let graph: FakeGraphServer;
  let env: Record<string, string>;
  let closed: number;

  before(async () => {
    temp = makeTempDir('doctor');
    models = await startFakeModelServer();
    qdrant = await startFakeQdrant();
    homeserver = await (await loadTestKit()).startFakeHomeserver();
    homeserver.registerUser('@passerelle:localhost', 'mot-de-passe-du-bot');
    graph = await startFakeGraphServer({ tenantId: TENANT, clientId: APP_ID, clientSecret: 'secret-teams' });
    closed = await closedPort();
    const file = join(temp.path, 'passerelle.json');
    writeFileSync(file, JSON.stringify({ teams: { authorityHost: graph.url, graphUrl: graph.url } }));
    env = {
      PASSERELLE_CONFIG: file,
      PASSERELLE_DATA_DIR: temp.path,
      PASSERELLE_ADMIN_TOKEN: 'a'.repeat(32),
      PASSERELLE_VECTOR_STORE: 'qdrant',
      QDRANT_URL: qdrant.url,
      QDRANT_COLLECTION_PREFIX: `doctor_${process.pid}_`,
      PASSERELLE_STATE: 'postgres',
      DATABASE_URL,
      REDIS_URL,
      PASSERELLE_QUEUE_PREFIX: `passerelle-doctor-${process.pid}`,
      CHAT_MODEL_PROVIDER: 'openai-compatible',
      CHAT_MODEL_URL: `${models.url}/v1`,
      CHAT_MODEL_NAME: 'fake-model',
      EMBEDDINGS_PROVIDER: 'openai-compatible',
      EMBEDDINGS_URL: `${models.url}/v1`,
      EMBEDDINGS_MODEL: 'fake-embed',
      MATRIX_ENABLED: 'true',
      MATRIX_HOMESERVER_URL: homeserver.url,
      MATRIX_USER_ID: '@passerelle:localhost',
      MATRIX_PASSWORD: 'mot-de-passe-du-bot',
      TEAMS_ENABLED: 'true',
      TEAMS_APP_ID: APP_ID,
      TEAMS_APP_PASSWORD: 'secret-teams',
      TEAMS_TENANT_ID: TENANT,
    };
  });
  after(async () => {
    await Promise.all([models?.close(), qdrant?.close(), homeserver?.close(), graph?.close()]);
    temp?.remove();
  });

  it('every dependency answers: exit 0, one ✓ line per dependency, empty bases flagged as a warning', async () => {
    const run = await cli(['doctor'], env);
    assert.equal(run.code, 0, run.out + run.err);
    for (const label of ['Configuration', 'Dossier de données', 'PostgreSQL', 'Redis', 'Modèle de langage', 'Vectorisation', 'Tchap (Matrix)', 'Teams (Bot Framework)']) {
      assert.match(run.out, new RegExp(`^✓ ${label.replace(/[()]/g, '\\$&')} : `, 'm'), `${label}\n${run.out}`);
    }
    assert.match(run.out, /^! Qdrant : .*passages par base : legal 0/m);
    assert.match(run.out, /→ alimentez les bases legal, hr, procedures : « passerelle ingest --kb legal »/);
    assert.match(run.out, /connexion de @passerelle:localhost par mot de passe réussie/);
    assert.match(run.out, /fake-embed répond \(\d+ dimensions\)/);
    assert.match(run.out, /Aucun problème bloquant ; 1 avertissement\(s\)\./);
    assert.ok(graph.tokenRequests >= 1, 'the Bot Framework token was really asked for');
    // The password check logs out again: the temporary device's token is revoked.
    const logins = homeserver.stats.logins.filter((login) => login.userId === '@passerelle:localhost');
    assert.equal(logins.length, 1);
    assert.ok(homeserver.requests.some((request) => request.path.endsWith('/logout')), 'logged out after the check');
  });

  it('--json gives the same diagnosis as data', async () => {
    const run = await cli(['doctor', '--json'], env);
    assert.equal(run.code, 0, run.out);
    const diagnosis = JSON.parse(run.out) as { failures: number; lines: Array<{ label: string; status: string }> };
    assert.equal(diagnosis.failures, 0);
    assert.equal(diagnosis.lines.find((line) => line.label === 'Redis')?.status, 'ok');
  });

  it('services down (closed ports): exit 1, each failure says what happened and what to fix, in French', async () => {
    const run = await cli(['doctor', '--timeout', '5'], {
      ...env,
      QDRANT_URL: `http://127.0.0.1:${closed}`,
      DATABASE_URL: `postgres://postgres@127.0.0.1:${closed}/test`,
      REDIS_URL: `redis://127.0.0.1:${closed}`,
      CHAT_MODEL_URL: `http://127.0.0.1:${closed}/v1`,
      EMBEDDINGS_URL: `http://127.0.0.1:${closed}/v1`,
      MATRIX_HOMESERVER_URL: `http://127.0.0.1:${closed}`,
    });
    assert.equal(run.code, 1, run.out);
    for (const label of ['Qdrant', 'PostgreSQL', 'Redis', 'Modèle de langage', 'Vectorisation', 'Tchap (Matrix)']) {
      assert.match(run.out, new RegExp(`^✗ ${label.replace(/[()]/g, '\\$&')} : connexion refusée`, 'm'), `${label}\n${run.out}`);
    }
    assert.match(run.out, /→ vérifiez REDIS_URL/);
    assert.match(run.out, /→ vérifiez DATABASE_URL/);
    assert.match(run.out, /^✓ Teams/m, 'one dependency down hides none of the others');
    assert.match(run.out, /6 problème\(s\) à corriger/);
  });

  it('wrong credentials: the homeserver password, the Teams secret, the model key are each named', async () => {
    models.onChat(() => ({ status: 401 }));
    try {
      const run = await cli(['doctor'], { ...env, MATRIX_PASSWORD: 'faux', TEAMS_APP_PASSWORD: 'faux', CHAT_MODEL_API_KEY: 'faux' });
      assert.equal(run.code, 1, run.out);
      assert.match(run.out, /^✗ Tchap \(Matrix\) : accès refusé \(HTTP 403/m);
      assert.match(run.out, /^✗ Teams \(Bot Framework\) : secret de l’application refusé par Microsoft Entra ID/m);
      assert.match(run.out, /^✗ Modèle de langage : accès refusé \(HTTP 401/m);
    } finally {
      models.onChat();
    }
  });

  it('PostgreSQL rejects the database: exit 1 with the reason', async () => {
    const url = new URL(DATABASE_URL);
    url.pathname = '/passerelle_no_such_database';
    const run = await cli(['doctor'], { ...env, DATABASE_URL: url.toString() });
    assert.equal(run.code, 1);
    assert.match(run.out, /^✗ PostgreSQL : base de données inexistante/m);
  });

  it('an invalid configuration: exit 1, every problem listed, nothing else attempted', async () => {
    const run = await cli(['doctor'], { PASSERELLE_DATA_DIR: temp.path, MATRIX_ENABLED: 'true', PASSERELLE_STATE: 'postgres', QDRANT_URL: 'pas une url' });
    assert.equal(run.code, 1);
    assert.match(run.out, /^✗ Configuration : invalide — /m);
    assert.match(run.out, /MATRIX_HOMESERVER_URL est requis/);
    assert.match(run.out, /DATABASE_URL est requis/);
    assert.doesNotMatch(run.out, /Redis/);
  });

  it('a missing data directory is reported', async () => {
    const run = await cli(['doctor'], { ...env, PASSERELLE_DATA_DIR: join(temp.path, 'absent') });
    assert.equal(run.code, 1);
    assert.match(run.out, /^✗ Dossier de données : .*absent n’existe pas/m);
  });

  it('rejects a bad --timeout as a usage error (exit 2)', async () => {
    const run = await cli(['doctor', '--timeout', 'zéro'], env);
    assert.equal(run.code, 2);
    assert.match(run.err, /--timeout attend un nombre de secondes/);
  });

  it('the checks leave no trace: no schema, no collection, no queue key created', async () => {
    const client = new pg.Client({ connectionString: DATABASE_URL });
    await client.connect();
    try {
      const before = (await client.query("SELECT count(*)::int AS n FROM pg_namespace WHERE nspname = 'passerelle'")).rows[0].n as number;
      await cli(['doctor'], env);
      const after = (await client.query("SELECT count(*)::int AS n FROM pg_namespace WHERE nspname = 'passerelle'")).rows[0].n as number;
      assert.equal(after, before);
    } finally {
      await client.end();
    }
    assert.ok(qdrant.requests.every((request) => request.method === 'GET' || request.path.endsWith('/count')), 'read-only requests to Qdrant');
  });
});
