import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { AdminServer } from '../../../adapters/admin-http/admin-server.ts';
import { silentLogger } from '../../../bots/logger.ts';
import { matrixReference, startRig, teamsReference, type Rig } from './rig.ts';

const TOKEN = 'jeton-administration-de-test-0123456789';

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json: Record<string, unknown>;
}

describe('announcements / admin HTTP API', function () {
  this.timeout(20_000);
  let rig: Rig;
  let server: AdminServer;
  let base: string;
  const audits: string[] = [];

  beforeEach(async () => {
    audits.length = 0;
    rig = await startRig({ references: [...Array.from({ length: 5 }, (_, i) => teamsReference(i + 1)), matrixReference(1), matrixReference(2)] });
    await rig.announcements.start();
    server = new AdminServer({ service: rig.announcements.service, token: TOKEN, port: 0, maxChars: 20_000, logger: silentLogger, audit: async (kind, client) => void audits.push(`${kind}:${client}`) });
    await server.listen();
    base = `http://127.0.0.1:${server.port}`;
  });
  afterEach(async () => {
    await server.close();
    await rig.close();
  });

  async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Answer> {
    const response = await fetch(`${base}${path}`, {
      method,
      headers: { authorization: `Bearer ${TOKEN}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
      ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
    });
    const text = await response.text();
    let json: Record<string, unknown> = {};
    try {
      json = JSON.parse(text) as Record<string, unknown>;
    } catch {
      // CSV
    }
    return { status: response.status, headers: Object.fromEntries(response.headers), text, json };
  }

  it('POST sends an announcement: 201 with its id, then GET reports it and the CSV lists every recipient', async () => {
    const created = await call('POST', '/admin/announcements', { to: 'tous', markdown: '# Maintenance\nCe soir à 20 h.' });
    assert.equal(created.status, 201, created.text);
    const id = String(created.json.id);
    assert.match(id, /^[A-Z2-9]{8}$/);
    assert.equal(created.headers.location, `/admin/announcements/${id}`);
    assert.deepEqual(created.json.recipients, { reachable: 7, unreachable: 0, perChannel: [{ channel: 'teams', reachable: 5, unreachable: 0 }, { channel: 'matrix', reachable: 2, unreachable: 0 }] });
    await rig.waitForStatus(id, 'completed');
    const status = await call('GET', `/admin/announcements/${id.toLowerCase()}`);
    assert.equal(status.status, 200);
    assert.equal(status.json.status, 'completed');
    assert.deepEqual(status.json.counts, { total: 7, pending: 0, sending: 0, sent: 7, failed: 0, blocked: 0, cancelled: 0, roomsSent: 0, membersReached: 0 });
    assert.equal((status.json.recipients as unknown[]).length, 7);
    assert.ok(!('address' in (status.json.recipients as Array<Record<string, unknown>>)[0]!), 'addresses are not exposed');
    assert.equal(status.json.markdown, '# Maintenance\nCe soir à 20 h.');
    const csv = await call('GET', `/admin/announcements/${id}/report.csv`);
    assert.equal(csv.status, 200);
    assert.match(String(csv.headers['content-type']), /^text\/csv/);
    const lines = csv.text.trim().split('\r\n');
    assert.equal(lines[0], 'annonce,canal,type,destinataire,statut,libelle,tentatives,code,raison,message_id,mis_a_jour');
    assert.equal(lines.length, 8);
    assert.ok(lines.slice(1).every((line) => line.startsWith(`${id},`) && line.includes(',sent,envoyé,1,')));
    assert.equal(rig.teams.delivered.length + rig.matrix.delivered.length, 7);
  });

  it('pages recipients and filters them by status', async () => {
    const created = await call('POST', '/admin/announcements', { to: 'tous', markdown: 'Pages' });
    const id = String(created.json.id);
    await rig.waitForStatus(id, 'completed');
    const first = await call('GET', `/admin/announcements/${id}?limit=3`);
    assert.equal((first.json.recipients as unknown[]).length, 3);
    const second = await call('GET', String(first.json.next));
    assert.equal((second.json.recipients as unknown[]).length, 3);
    assert.equal((await call('GET', `/admin/announcements/${id}?statut=failed`)).json.recipients instanceof Array, true);
    assert.equal((await call('GET', `/admin/announcements/${id}?statut=perdu`)).status, 400);
  });

  it('schedules with `at`, and DELETE cancels before anything is sent; a finished one cannot be cancelled', async () => {
    const at = new Date(Date.now() + 60_000).toISOString();
    const created = await call('POST', '/admin/announcements', { to: 'utilisateurs:aad-1,aad-2', markdown: 'Demain', at });
    assert.equal(created.status, 201);
    assert.equal(created.json.status, 'scheduled');
    assert.equal(created.json.scheduledAt, at);
    const cancelled = await call('DELETE', `/admin/announcements/${String(created.json.id)}`);
    assert.deepEqual([cancelled.status, cancelled.json.status, cancelled.json.cancelledRecipients], [200, 'cancelled', 2]);
    assert.equal((await call('DELETE', `/admin/announcements/${String(created.json.id)}`)).status, 409);
    assert.equal(rig.teams.delivered.length, 0);
  });

  it('preview: true stores a draft that …/confirm sends', async () => {
    const draft = await call('POST', '/admin/announcements', { to: 'salons:!salle:tchap.example', markdown: 'Aperçu', preview: true });
    assert.deepEqual([draft.status, draft.json.status], [200, 'draft']);
    assert.equal(rig.matrix.delivered.length, 0);
    const confirmed = await call('POST', `/admin/announcements/${String(draft.json.id)}/confirm`);
    assert.equal(confirmed.status, 200);
    await rig.waitForStatus(String(draft.json.id), 'completed');
    assert.deepEqual(rig.matrix.delivered.map((d) => d.key), ['matrix:!salle:tchap.example']);
    assert.equal((await call('POST', `/admin/announcements/${String(draft.json.id)}/confirm`)).status, 409);
  });

  describe('refusals: clear answers, nothing created, nothing sent', () => {
    afterEach(async () => {
      assert.deepEqual(await rig.store.listAnnouncements(), [], 'no announcement stored');
      assert.equal(rig.teams.attempts.length + rig.matrix.attempts.length, 0, 'nothing sent');
    });

    it('401 without a token or with a wrong one (audited), 429 for bad tokens after too many failures, while the right token still goes through', async () => {
      const missing = await call('POST', '/admin/announcements', { to: 'tous', markdown: 'x' }, { authorization: '' });
      assert.equal(missing.status, 401);
      assert.equal(missing.json.error, 'unauthorized');
      assert.match(String(missing.headers['www-authenticate']), /^Bearer/);
      assert.equal((await call('GET', '/admin/announcements/ABC', undefined, { authorization: `Bearer ${TOKEN}x` })).status, 401);
      assert.equal((await call('GET', '/admin/announcements/ABC', undefined, { authorization: `Basic ${TOKEN}` })).status, 401);
      assert.equal(audits.length, 3);
      assert.ok(audits.every((entry) => entry.startsWith('announce-refused:')));
      for (let i = 0; i < 17; i++) await call('GET', '/admin/announcements/ABC', undefined, { authorization: 'Bearer faux' });
      const locked = await call('GET', '/admin/announcements/ABC', undefined, { authorization: 'Bearer faux' });
      assert.equal(locked.status, 429, 'a client that failed 20 times in a minute is slowed down');
      assert.equal(locked.json.error, 'too-many-failures');
      assert.equal(audits.length, 20, 'attempts refused during the lockout do not flood the audit log');
      const admin = await call('GET', '/admin/announcements/ABC');
      assert.equal(admin.status, 404, 'the right token is never locked out by someone else’s bad attempts');
      assert.equal(admin.json.error, 'not-found');
    });

    const cases: Array<[string, unknown, number, string]> = [
      ['malformed JSON', '{"to": "tous", "markdown": ', 400, 'malformed-json'],
      ['a JSON array', '[1, 2]', 400, 'malformed-json'],
      ['a missing message', { to: 'tous' }, 400, 'missing-field'],
      ['a message that is not a string', { to: 'tous', markdown: 42 }, 400, 'invalid-field'],
      ['an empty message', { to: 'tous', markdown: '  \n ' }, 400, 'empty'],
      ['a message over maxChars', { to: 'tous', markdown: 'é'.repeat(20_001) }, 413, 'too-long'],
      ['a 1 MB message', { to: 'tous', markdown: 'a'.repeat(1_000_000) }, 413, 'too-large'],
      ['an unknown audience', { to: 'collegues:42', markdown: 'x' }, 400, 'audience-unknown'],
      ['an audience matching nobody', { to: 'equipe:abc', markdown: 'x' }, 502, 'directory-unavailable'],
      ['a schedule in the past', { to: 'tous', markdown: 'x', at: '2020-01-01T10:00:00Z' }, 400, 'schedule-past'],
      ['an unreadable schedule', { to: 'tous', markdown: 'x', at: 'demain matin' }, 400, 'schedule-invalid'],
    ];
    for (const [label, body, status, code] of cases) {
      it(`${status} for ${label}`, async () => {
        const answer = await call('POST', '/admin/announcements', body);
        assert.equal(answer.status, status, answer.text.slice(0, 300));
        assert.equal(answer.json.error, code);
        assert.match(String(answer.json.message), /\p{L}{3}/u);
      });
    }

    it('415 without a JSON content type, 404 for an unknown path or id, 405 for a wrong method', async () => {
      assert.equal((await call('POST', '/admin/announcements', 'to=tous', { 'content-type': 'application/x-www-form-urlencoded' })).status, 415);
      assert.equal((await call('GET', '/admin/ailleurs')).status, 404);
      assert.equal((await call('GET', '/admin/announcements/ZZZZZZZZ')).status, 404);
      assert.equal((await call('GET', '/admin/announcements/%E0%A4%A')).status, 404);
      const wrong = await call('PUT', '/admin/announcements/ZZZZZZZZ', {});
      assert.equal(wrong.status, 405);
      assert.equal(wrong.headers.allow, 'GET, DELETE');
    });

    it('a body larger than announced is cut off at the limit (413)', async () => {
      const answer = await new Promise<number>((resolve, reject) => {
        const request = httpRequest(`${base}/admin/announcements`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json', 'transfer-encoding': 'chunked' } }, (response) => {
          response.resume();
          resolve(response.statusCode ?? 0);
        });
        request.on('error', reject);
        request.write(`{"to":"tous","markdown":"${'x'.repeat(200_000)}`);
        request.end('"}');
      });
      assert.equal(answer, 413);
    });
  });
});
