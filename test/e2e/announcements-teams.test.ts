import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { startAdminApi } from '../../app/admin-surface.ts';
import { attachChannels } from '../../app/serve.ts';
import { GraphDirectory } from '../../adapters/teams/graph-directory.ts';
import { createTeamsAdapter, type TeamsAdapter } from '../../adapters/teams/index.ts';
import { createBotApplication, type BotApplication } from '../../app/bot-application.ts';
import { silentLogger } from '../../bots/logger.ts';
import { loadConfig } from '../../config/load-config.ts';
import { startFakeBotConnector, type FakeBotConnector } from '../fakes/bot-connector.ts';
import { startFakeGraphServer, type FakeGraphServer } from '../fakes/graph-server.ts';
import { TeamsAppInstaller } from '../../adapters/teams/app-installer.ts';
import { personalInstallationUpdate, personalMessage, TENANT } from '../unit/teams/activities.ts';

/**
 * Announcements end to end on Teams: the real application and Teams adapter (anonymous local mode) against
 * the fake Bot Connector; users installed through real installation activities; the admin speaking in a
 * personal chat; failures injected by the connector (429, 403, 5xx); audiences from the fake Graph.
 */
const TOKEN = 'jeton-administration-e2e-teams-0123456789';
const ADMIN = { id: '29:admin', name: 'Cheffe de service', aadObjectId: 'aad-admin' };
const ADMIN_CONVERSATION = { conversationType: 'personal', id: 'a:admin-chat', tenantId: TENANT };
const USERS = 12;
const user = (n: number) => ({ from: { id: `29:user-${n}`, name: `Agent ${n}`, aadObjectId: `aad-${n}` }, conversation: { conversationType: 'personal', id: `a:user-${n}`, tenantId: TENANT } });

describe('announcements end to end: Teams (fake Bot Connector)', function () {
  this.timeout(60_000);
  let dir: string;
  let connector: FakeBotConnector;
  let graph: FakeGraphServer;
  let app: BotApplication;
  let adapter: TeamsAdapter;
  let botUrl: string;
  let admin: Awaited<ReturnType<typeof startAdminApi>>;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'passerelle-e2e-announce-teams-'));
    connector = await startFakeBotConnector();
    graph = await startFakeGraphServer({
      tenantId: TENANT, clientId: 'app', clientSecret: 'secret', teams: { 'team-roissy': ['aad-1', 'aad-2', 'aad-unknown'] },
      users: [{ id: 'aad-1' }, { id: 'aad-30' }, { id: 'aad-31' }], groups: { 'grp-nouveaux': ['aad-1', 'aad-30', 'aad-31', 'aad-parti'] },
      catalog: { app: 'catalog-passerelle' }, forbidden: ['aad-31'],
      // Teams opens the personal conversation of a new installation and tells the bot (installationUpdate).
      onInstall: (installation) => {
        const id = installation.replace('users/', '');
        void connector.deliver(botUrl, { ...personalInstallationUpdate(connector.serviceUrl, 'add'), from: { id: `29:${id}`, name: id, aadObjectId: id }, conversation: { conversationType: 'personal', id: `a:${id}`, tenantId: TENANT } });
      },
    });
    const config = loadConfig({
      env: {
        PASSERELLE_DATA_DIR: join(dir, 'data'), PASSERELLE_LOG_LEVEL: 'silent', PASSERELLE_RATE_LIMIT_PER_MINUTE: '1000', TEAMS_ENABLED: 'true', TEAMS_PORT: '0',
        PASSERELLE_ADMINS: 'aad-admin', PASSERELLE_ADMIN_TOKEN: TOKEN, PASSERELLE_ADMIN_PORT: '0', ANNOUNCE_TEAMS_PER_SECOND: '50',
      },
    });
    app = await createBotApplication(config, silentLogger, { model: null, announcements: { fanout: { tickMs: 100, backoffMs: 50 }, maxAttempts: 3 } });
    adapter = await createTeamsAdapter({ config, logger: silentLogger, limiter: app.limiters.teams }, { retry: { baseDelayMs: 10, maxDelayMs: 40 } });
    attachChannels(app, { teams: adapter });
    app.startJobs();
    await app.bot.start();
    admin = await startAdminApi(app, silentLogger);
    app.announcements.directories.teams = new GraphDirectory({ tenantId: TENANT, clientId: 'app', clientSecret: 'secret', authorityHost: graph.url, graphUrl: graph.url });
    botUrl = `http://127.0.0.1:${adapter.port}`;
    for (let n = 1; n <= USERS; n++) {
      const answer = await connector.deliver(botUrl, { ...personalInstallationUpdate(connector.serviceUrl, 'add'), ...user(n) });
      assert.equal(answer.status, 200);
    }
    await adapter.idle();
  });
  after(async () => {
    await admin?.close();
    await app?.close();
    await connector?.close();
    await graph?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** The admin writes in their personal chat; resolves with the text of the bot's last message there. */
  async function adminSays(text: string): Promise<string> {
    const before = connector.messages('a:admin-chat').length;
    await connector.deliver(botUrl, personalMessage(connector.serviceUrl, text, { from: ADMIN, conversation: ADMIN_CONVERSATION }));
    await adapter.idle();
    const replies = connector.messages('a:admin-chat').slice(before);
    return String(replies.at(-1)?.body.text ?? '');
  }
  const announcementsTo = (n: number, marker: string) => connector.messages(`a:user-${n}`).filter((call) => String(call.body.text ?? '').includes(marker));
  async function completed(id: string): Promise<void> {
    const deadline = Date.now() + 30_000;
    while ((await app.announcements.store.getAnnouncement(id))?.status !== 'completed') {
      if (Date.now() > deadline) throw new Error(JSON.stringify(await app.announcements.store.countRecipients(id)));
      await sleep(50);
    }
  }

  it('chat preview and confirmation reach every installed user once, through 429, 403 and 5xx', async () => {
    const isUser = (n: number) => (call: { conversationId: string }) => call.conversationId === `a:user-${n}`;
    connector.failNext(
      // A 429 is not retried inside the adapter (that would bypass the announcements' limiter): the fan-out
      // pauses the channel's announcements for Retry-After and tries again.
      { status: 429, retryAfter: 1, match: isUser(2) },
      ...Array.from({ length: 2 }, () => ({ status: 429, retryAfter: 0, match: isUser(3) })),
      { status: 403, code: 'ConversationBlockedByUser', match: isUser(5) },
      ...Array.from({ length: 2 }, () => ({ status: 503, match: isUser(7) })),
      { status: 400, code: 'BadArgument', match: isUser(9) },
    );
    const preview = await adminSays('annonce tous : **Exercice incendie** demain à 10 h.');
    const id = /Aperçu de l’annonce ([A-Z2-9]{8})/.exec(preview)?.[1];
    assert.ok(id, preview);
    assert.match(preview, /Teams : 13 destinataire/, 'the 12 users and the admin (everyone with a personal chat)');
    assert.equal(announcementsTo(1, 'Exercice incendie').length, 0, 'nothing before confirmation');
    assert.match(await adminSays(`annonce confirmer ${id}`), /en cours d’envoi à 13 destinataire/);
    await completed(id!);

    for (let n = 1; n <= USERS; n++) {
      const expected = n === 5 || n === 9 ? 0 : 1;
      assert.equal(announcementsTo(n, 'Exercice incendie').length, expected, `user ${n}`);
    }
    const counts = await app.announcements.store.countRecipients(id!);
    assert.deepEqual([counts.sent, counts.blocked, counts.failed, counts.pending], [11, 1, 1, 0]);
    assert.equal(connector.messages('a:admin-chat').filter((call) => String(call.body.text).startsWith('**📢 Annonce**')).length, 1);
    const row = (n: number) => app.announcements.store.getRecipient(id!, `teams:user:aad-${n}`);
    const callsTo = (n: number) => connector.calls.filter((call) => call.conversationId === `a:user-${n}` && call.method === 'POST' && String(call.body.text ?? '').includes('Exercice incendie'));
    assert.equal((await row(3))?.attempts, 3, 'two 429: the fan-out tried three times');
    assert.equal(callsTo(3).length, 3, 'one request per attempt: the adapter did not retry on its own');
    assert.equal((await row(7))?.attempts, 3, 'two 5xx: the fan-out tried three times');
    assert.equal(callsTo(7).length, 3);
    const [limited, retried] = callsTo(2);
    assert.ok(retried && retried.at - limited!.at >= 1_000, 'the announcements waited Retry-After before trying user 2 again');
    assert.match((await row(5))?.reason ?? '', /bloqué/);
    assert.match((await row(9))?.reason ?? '', /refusé/);
    assert.equal((await app.state.getReference('teams:a:user-5'))?.active, false, '403: the reference is deactivated');
    assert.deepEqual(connector.violations, []);

    const status = await adminSays(`annonce statut ${id}`);
    assert.match(status, /11 envoyé\(s\), 1 en échec, 1 bloqué\(s\)/);
    assert.match(status, /aad-5 : Destinataire injoignable/);
    const done = connector.messages('a:admin-chat').map((call) => String(call.body.text ?? ''));
    assert.ok(done.some((text) => text.includes(`Annonce ${id} terminée`)), 'the admin is told');

    const report = await fetch(`http://127.0.0.1:${admin.adminPort}/admin/announcements/${id}/report.csv`, { headers: { authorization: `Bearer ${TOKEN}` } });
    const lines = (await report.text()).trim().split('\r\n');
    assert.equal(lines.length, 14);
    assert.ok(lines.some((line) => line.includes('aad-5,blocked,bloqué,1,blocked')));
  });

  it('the admin API sends to a Teams team read from Graph; members without the app are reported', async () => {
    const created = await fetch(`http://127.0.0.1:${admin.adminPort}/admin/announcements`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ to: 'equipe:team-roissy', markdown: 'Réunion de brigade à 14 h.' }),
    });
    assert.equal(created.status, 201);
    const body = (await created.json()) as { id: string; recipients: { reachable: number; unreachable: number } };
    assert.deepEqual([body.recipients.reachable, body.recipients.unreachable], [2, 1]);
    await completed(body.id);
    assert.equal(announcementsTo(1, 'Réunion de brigade').length, 1);
    assert.equal(announcementsTo(2, 'Réunion de brigade').length, 1);
    assert.equal(announcementsTo(3, 'Réunion de brigade').length, 0);
    const unknown = await app.announcements.store.getRecipient(body.id, 'teams:user:aad-unknown');
    assert.deepEqual([unknown?.status, unknown?.errorCode], ['failed', 'no-conversation']);
  });

  it('groupe: the app is installed (fake Graph) for members who never opened the bot, who then get the announcement; the report says who and why', async () => {
    const directory = app.announcements.directories.teams as GraphDirectory;
    const installer = new TeamsAppInstaller({ graphUrl: graph.url, token: () => directory.token(), externalAppId: 'app' });
    app.announcements.directories.teams = { teamMembers: (id) => directory.teamMembers(id), groupMembers: (id) => directory.groupMembers(id), installApp: (ids) => installer.installForUsers(ids) };
    try {
      const created = await fetch(`http://127.0.0.1:${admin.adminPort}/admin/announcements`, {
        method: 'POST',
        headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify({ to: 'groupe:grp-nouveaux', markdown: 'Nouvelle procédure de contrôle.' }),
      });
      assert.equal(created.status, 201);
      const body = (await created.json()) as { id: string; recipients: { reachable: number; unreachable: number } };
      assert.deepEqual([body.recipients.reachable, body.recipients.unreachable], [2, 2]);
      await completed(body.id);
      assert.equal(connector.messages('a:aad-30').filter((call) => String(call.body.text ?? '').includes('Nouvelle procédure')).length, 1, 'installed now, then reached');
      assert.equal(announcementsTo(1, 'Nouvelle procédure').length, 1);
      const recipient = (key: string) => app.announcements.store.getRecipient(body.id, key);
      assert.equal((await recipient('teams:user:aad-30'))?.status, 'sent');
      assert.deepEqual(await recipient('teams:user:aad-31').then((r) => [r?.status, r?.errorCode]), ['failed', 'install-failed']);
      assert.match((await recipient('teams:user:aad-31'))?.reason ?? '', /Installation refusée par Microsoft Graph/);
      assert.match((await recipient('teams:user:aad-parti'))?.reason ?? '', /introuvable/);
      assert.ok(graph.installed.has('users/aad-30') && !graph.installed.has('users/aad-1'), 'only members without a conversation are installed');
    } finally {
      app.announcements.directories.teams = directory;
    }
  });

  it('a non-admin is refused in chat and audited; a wrong API token is refused and audited', async () => {
    const refused = await (async () => {
      const before = connector.messages('a:user-1').length;
      await connector.deliver(botUrl, personalMessage(connector.serviceUrl, 'annonce tous : Pirate', user(1)));
      await adapter.idle();
      return String(connector.messages('a:user-1').slice(before).at(-1)?.body.text ?? '');
    })();
    assert.match(refused, /réservées aux administrateurs/);
    const api = await fetch(`http://127.0.0.1:${admin.adminPort}/admin/announcements`, { method: 'POST', headers: { authorization: 'Bearer mauvais', 'content-type': 'application/json' }, body: '{"to":"tous","markdown":"x"}' });
    assert.equal(api.status, 401);
    const audit = await app.state.listAudit(20);
    assert.equal(audit.filter((record) => record.kind === 'announce-refused').length, 2);
    for (let n = 1; n <= USERS; n++) assert.equal(announcementsTo(n, 'Pirate').length, 0);
  });
});
