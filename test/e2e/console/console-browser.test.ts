import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { startAdminApi } from '../../../app/admin-surface.ts';
import { attachChannels } from '../../../app/serve.ts';
import { createBotApplication, type BotApplication } from '../../../app/bot-application.ts';
import { createTeamsAdapter, type TeamsAdapter } from '../../../adapters/teams/index.ts';
import { silentLogger } from '../../../bots/logger.ts';
import { syncProcessor } from '../../../app/sync-jobs.ts';
import { SqliteLeaseStore } from '../../../state/lease-store-sqlite.ts';
import { legiArchive, SAMPLE_ARTICLES } from '../../fakes/legi-archives.ts';
import { loadConfig } from '../../../config/load-config.ts';
import { startFakeBotConnector, type FakeBotConnector } from '../../fakes/bot-connector.ts';
import { FakeOidcProvider } from '../../fakes/oidc-provider.ts';
import { ARTICLES, writeJsonl } from '../../integration/helpers/knowledge-fixtures.ts';
import { cli } from '../../integration/helpers/run-cli.ts';
import { PROCONNECT_USERS } from '../../integration/console/console-rig.ts';
import { personalInstallationUpdate, TENANT } from '../../unit/teams/activities.ts';
import { launchChromium, screenshot, seriousViolations } from './browser.ts';

/**
 * The console end to end in headless Chromium, against the bot process as `serve` builds it (Teams channel
 * on the fake Bot Connector, admin listener, real stores): sign in through the fake ProConnect, see a
 * question asked with `passerelle ask` in the curation queue, write a standard answer, have a second curator
 * publish it and get it from the next `ask`, send an announcement to fake Teams recipients and watch its
 * report reach « terminée ». axe-core on every page (no serious violation), no CSP violation, screenshots.
 */
const QUESTION = 'Les agents peuvent-ils fouiller le coffre de ma voiture ?';
const STANDARD_TEXT = 'Oui : les agents des douanes peuvent procéder à la visite des moyens de transport, coffre compris [1].';
const USERS = 4;

describe('console end to end in headless Chromium', function () {
  this.timeout(180_000);
  let dir: string;
  let env: Record<string, string>;
  let proconnect: FakeOidcProvider;
  let connector: FakeBotConnector;
  let app: BotApplication;
  let adapter: TeamsAdapter;
  let admin: Awaited<ReturnType<typeof startAdminApi>>;
  let base: string;
  let browser: Browser;
  const cspViolations: string[] = [];
  const checked = new Map<string, number>();

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'passerelle-e2e-console-'));
    proconnect = await FakeOidcProvider.start({ clientId: 'passerelle-console', clientSecret: 'secret-proconnect', users: PROCONNECT_USERS, proConnectStyle: true });
    connector = await startFakeBotConnector();
    env = {
      PASSERELLE_DATA_DIR: join(dir, 'data'), PASSERELLE_LOG_LEVEL: 'silent',
      // A threshold of its own: the questions abstain whatever the calibrated model of the day says.
      PASSERELLE_ABSTAIN_BELOW: '0.99', PASSERELLE_RATE_LIMIT_PER_MINUTE: '1000',
      TEAMS_ENABLED: 'true', TEAMS_PORT: '0', PASSERELLE_ADMIN_TOKEN: 'jeton-administration-e2e-console-0123456789', PASSERELLE_ADMIN_PORT: '0',
      PROCONNECT_ISSUER: proconnect.issuer, PROCONNECT_CLIENT_ID: 'passerelle-console', PROCONNECT_CLIENT_SECRET: 'secret-proconnect',
      PROCONNECT_ADMINS: 'alice.admin@douane.finances.gouv.fr', PROCONNECT_CURATORS: '*.curat*@douane.finances.gouv.fr', PROCONNECT_READERS: '*@douane.finances.gouv.fr',
    };
    const config = loadConfig({ env });
    app = await createBotApplication(config, silentLogger, { model: null, announcements: { fanout: { tickMs: 100, backoffMs: 50 }, maxAttempts: 3 } });
    const legal = app.knowledge.catalog.get('legal');
    await app.knowledge.ingestion.ingest({ kb: legal.id, ceiling: legal.classificationCeiling }, [writeJsonl(join(dir, 'code.jsonl'), Object.values(ARTICLES))], { defaultClassification: 'public' });
    adapter = await createTeamsAdapter({ config, logger: silentLogger, limiter: app.limiters.teams }, { retry: { baseDelayMs: 10, maxDelayMs: 40 } });
    attachChannels(app, { teams: adapter });
    app.startJobs();
    await app.bot.start();
    admin = await startAdminApi(app, silentLogger);
    base = `http://127.0.0.1:${admin.adminPort}`;
    const botUrl = `http://127.0.0.1:${adapter.port}`;
    for (let n = 1; n <= USERS; n++) {
      const installed = await connector.deliver(botUrl, {
        ...personalInstallationUpdate(connector.serviceUrl, 'add'),
        from: { id: `29:agent-${n}`, name: `Agent ${n}`, aadObjectId: `aad-agent-${n}` }, conversation: { conversationType: 'personal', id: `a:agent-${n}`, tenantId: TENANT },
      });
      assert.equal(installed.status, 200);
    }
    await adapter.idle();
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    await admin?.close();
    await app?.close();
    await connector?.close();
    await proconnect?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** A fresh browser context signed in through the fake ProConnect's page, as a person would. */
  async function signIn(email: string): Promise<Page> {
    const context = await browser.newContext({ locale: 'fr-FR' });
    const page = await context.newPage();
    page.on('console', (message) => {
      if (/Content Security Policy|Refused to/i.test(message.text())) cspViolations.push(`${page.url()}: ${message.text()}`);
    });
    await page.goto(`${base}/console/overview`);
    assert.match(page.url(), /\/console\/login/);
    await check(page, 'connexion');
    await page.getByRole('link', { name: 'Se connecter avec ProConnect' }).click();
    await page.getByRole('button', { name: `Se connecter en tant que ${email}` }).click();
    await page.waitForURL(/\/console\/overview$/);
    return page;
  }

  /** axe-core (no serious or critical violation) and a screenshot of the page as it is now. */
  async function check(page: Page, name: string): Promise<void> {
    await page.waitForLoadState('networkidle');
    const violations = await seriousViolations(page);
    assert.deepEqual(violations.map((violation) => `${violation.id}: ${violation.help} ${JSON.stringify(violation.nodes.map((node) => node.target))}`), [], `${name}: accessibility`);
    await screenshot(page, name);
    checked.set(name, violations.length);
  }

  it('curators: a question asked with `ask` reaches the queue; a standard answer published by a second curator is the next `ask`’s answer', async () => {
    const first = await cli(['ask', '--json', QUESTION], env);
    assert.equal(first.code, 0, first.err);
    assert.equal(JSON.parse(first.out).abstained, true, 'the bot abstains: the question goes to the curators');

    const bruno = await signIn('bruno.curateur@douane.finances.gouv.fr');
    await check(bruno, 'vue-d-ensemble');
    assert.ok(await bruno.locator('canvas#chart-outcomes').isVisible(), 'the chart is drawn');
    assert.equal(await bruno.evaluate(() => typeof (globalThis as { Chart?: unknown }).Chart), 'function', 'Chart.js loaded from the console itself');
    await bruno.getByRole('link', { name: 'File de curation' }).click();
    await bruno.getByRole('heading', { name: QUESTION }).waitFor();
    await check(bruno, 'file-de-curation');
    const group = bruno.getByRole('article', { name: QUESTION });
    assert.match(await group.innerText(), /CD-60#0/, 'the passages retrieved are shown');
    await group.getByRole('link', { name: 'Rédiger une réponse type' }).click();
    await bruno.locator('#text').waitFor();
    assert.equal((await bruno.getByLabel(/Famille de questions/).inputValue()).trim(), QUESTION);
    await bruno.getByLabel(/^Réponse/).fill(STANDARD_TEXT);
    await bruno.getByLabel(/^Sources/).fill('CD-60#0');
    await check(bruno, 'reponse-type-redaction');
    await bruno.getByRole('button', { name: 'Proposer cette version pour relecture' }).click();
    await bruno.getByText('Version proposée').first().waitFor();
    assert.match(await bruno.locator('main').innerText(), /un autre curateur doit la relire/);
    assert.equal(await bruno.getByRole('button', { name: 'Publier la version 1' }).count(), 0, 'the author cannot publish');
    await check(bruno, 'reponse-type-proposee');
    const answerUrl = bruno.url().replace(/\?.*$/, '');
    const before = await cli(['ask', '--json', QUESTION], env);
    assert.notEqual(JSON.parse(before.out).mode, 'standard', 'not served before publication');

    const chloe = await signIn('chloe.curatrice@douane.finances.gouv.fr');
    await chloe.goto(answerUrl);
    await chloe.getByRole('button', { name: 'Publier la version 1' }).click();
    await chloe.getByText('Version publiée').first().waitFor();
    await check(chloe, 'reponse-type-publiee');

    const after = await cli(['ask', '--json', QUESTION], env);
    const answer = JSON.parse(after.out) as { mode: string; answer: string; citations: Array<{ id: string }>; abstained: boolean };
    assert.equal(answer.mode, 'standard');
    assert.equal(answer.abstained, false);
    assert.ok(answer.answer.startsWith(STANDARD_TEXT), answer.answer);
    assert.deepEqual(answer.citations.map((citation) => citation.id), ['CD-60#0']);

    await chloe.getByRole('link', { name: 'Réponses types' }).click();
    await check(chloe, 'reponses-types');
    await chloe.getByRole('link', { name: 'Bases de connaissances' }).click();
    await check(chloe, 'bases');
    await chloe.getByRole('link', { name: 'Code des douanes et textes liés' }).click();
    await chloe.getByRole('heading', { name: 'Documents' }).waitFor();
    await check(chloe, 'base-legal');
    await chloe.goto(`${base}/console/announcements`);
    assert.match(await chloe.locator('main').innerText(), /réservée aux rôles administrateur/, 'a curator cannot announce');
  });

  it('admins: an announcement to fake Teams recipients, counted live, previewed, confirmed, reported until « terminée », exported', async () => {
    const alice = await signIn('alice.admin@douane.finances.gouv.fr');
    await alice.getByRole('link', { name: 'Annonces' }).click();
    await alice.getByLabel(/^Destinataires/).fill('tous');
    await alice.locator('#audience-counts').getByText(`Teams : ${USERS} destinataire(s)`).waitFor();
    // The picker: the same agents chosen among the known conversations, counted live as they are picked.
    await alice.getByLabel(/^Destinataires/).fill('');
    await alice.getByLabel(/conversations connues/).selectOption([1, 2].map((n) => `utilisateurs:aad-agent-${n}`));
    await alice.locator('#audience-counts').getByText('Teams : 2 destinataire(s)').waitFor();
    await alice.getByLabel(/conversations connues/).selectOption(Array.from({ length: USERS }, (_, n) => `utilisateurs:aad-agent-${n + 1}`));
    await alice.locator('#audience-counts').getByText(`Teams : ${USERS} destinataire(s)`).waitFor();
    await alice.getByLabel(/^Message/).fill('**Exercice incendie** demain à 10 h, *bâtiment B*.');
    await alice.locator('#preview-teams strong').getByText('Exercice incendie').waitFor();
    await alice.locator('#preview-tchap em').getByText('bâtiment B').waitFor();
    await check(alice, 'annonce-redaction');
    await alice.getByRole('button', { name: /Préparer l’annonce/ }).click();
    await alice.getByText('Rien n’a été envoyé').waitFor();
    await check(alice, 'annonce-apercu');
    assert.equal(connector.messages().filter((call) => String(call.body.text ?? '').includes('Exercice incendie')).length, 0, 'nothing before confirmation');
    await alice.getByRole('button', { name: `Confirmer et envoyer à ${USERS} destinataire(s)` }).click();
    await alice.locator('#report-status strong').getByText('terminée').waitFor({ timeout: 30_000 });
    assert.equal(await alice.locator('#report-counts [data-count="sent"]').innerText(), String(USERS));
    assert.equal(await alice.locator('#report-table tbody tr').count(), USERS);
    await check(alice, 'annonce-rapport');
    for (let n = 1; n <= USERS; n++) {
      assert.equal(connector.messages(`a:agent-${n}`).filter((call) => String(call.body.text ?? '').includes('Exercice incendie')).length, 1, `agent ${n}`);
    }
    const download = alice.waitForEvent('download');
    await alice.getByRole('link', { name: 'Exporter le rapport (CSV)' }).click();
    const csv = await (await download).createReadStream();
    let text = '';
    for await (const chunk of csv) text += String(chunk);
    assert.equal(text.trim().split('\r\n').length, USERS + 1);

    await alice.getByRole('link', { name: 'Journal' }).click();
    await check(alice, 'journal');
    const journal = await alice.locator('main table').innerText();
    for (const action of ['annonce confirmée', 'annonce préparée', 'réponse type publiée', 'réponse type proposée', 'connexion']) assert.match(journal, new RegExp(action), action);
    await alice.getByLabel('Action').selectOption('standard-answer-publish');
    await alice.getByRole('button', { name: 'Filtrer' }).click();
    assert.match(await alice.locator('main table').innerText(), /chloe\.curatrice/);
    assert.doesNotMatch(await alice.locator('main table tbody').innerText(), /annonce/);
    await alice.getByRole('link', { name: 'Vue d’ensemble' }).click();
    assert.match(await alice.locator('.figures').first().innerText(), /dont 1 par réponse type/);
    await check(alice, 'vue-d-ensemble-admin');
  });

  it('curators: each run of the scheduled synchronisation is shown with its changes per code, failures and retry', async () => {
    const archives = join(dir, 'legi');
    mkdirSync(archives);
    writeFileSync(join(archives, 'Freemium_legi_global_20240101-120000.tar.gz'), legiArchive('20240101-120000', [SAMPLE_ARTICLES.V414_2017, SAMPLE_ARTICLES.V2]));
    const increment = legiArchive('20240102-203000', [{ ...SAMPLE_ARTICLES.V414_2017, etat: 'MODIFIE', dateFin: '2024-01-02' }, SAMPLE_ARTICLES.V414_2024]);
    writeFileSync(join(archives, 'LEGI_20240102-203000.tar.gz'), increment.subarray(0, 100));
    const config = { ...app.config, sync: { ...app.config.sync, schedules: [{ name: 'legi-quotidienne', source: 'legi' as const, bases: ['legal'], dir: archives, at: '06:30' }] } };
    const leases = new SqliteLeaseStore(join(dir, 'data', 'state.sqlite'));
    const run = syncProcessor({ config, knowledge: app.knowledge, model: undefined, queue: app.queues.sync, deliveries: app.queues.deliveries, runs: app.state, leases, logger: silentLogger });
    const context = (attempt: number) => ({ id: 'repeat:sync-legi-quotidienne:1', createdAt: Date.now(), attempt, signal: new AbortController().signal, reportProgress: async () => undefined });
    await assert.rejects(run({ kind: 'sync', schedule: 'legi-quotidienne' }, context(1)), /nouvel essai automatique plus tard/);
    writeFileSync(join(archives, 'LEGI_20240102-203000.tar.gz'), increment);
    await run({ kind: 'sync', schedule: 'legi-quotidienne' }, context(2));
    await leases.close();

    const chloe = await signIn('chloe.curatrice@douane.finances.gouv.fr');
    await chloe.getByRole('link', { name: 'Bases de connaissances' }).click();
    await chloe.getByRole('heading', { name: 'Synchronisations avec les sources officielles' }).waitFor();
    await check(chloe, 'bases-synchronisations');
    const runs = chloe.locator('li.sync-run');
    assert.equal(await runs.count(), 2);
    const latest = await runs.nth(0).innerText();
    assert.match(latest, /legi-quotidienne — LEGI \(DILA\) — .* : réussie \(essai n° 2\)/);
    assert.match(latest, /legal\s+Code des douanes\s+1\s+1\s+1\s+0/, 'one new version, one changed, one closed, none removed');
    assert.match(latest, /LEGI_20240102-203000\.tar\.gz \(2 article\(s\)\)/);
    assert.match(latest, /414 \(VIGUEUR, LEGIARTI000048123456\)/);
    const failed = await runs.nth(1).innerText();
    assert.match(failed, /: incomplète \(nouvel essai prévu\)/);
    assert.match(failed, /nouvel essai le /);
    assert.match(failed, /⚠ legal — LEGI_20240102-203000\.tar\.gz : L’archive LEGI_20240102-203000\.tar\.gz est illisible ou tronquée/);
    assert.equal(await chloe.locator('li.sync-run[data-status="failed"]').count(), 1);
  });

  it('admins: a room’s settings (paramètres) shown and changed in « Salons », journaled, applied to the next announcement; curators kept out (issue 17.5)', async () => {
    const alice = await signIn('alice.admin@douane.finances.gouv.fr');
    await alice.getByRole('link', { name: 'Salons' }).click();
    await alice.getByText('Aucun salon n’a de paramètres propres').waitFor();
    await alice.getByLabel(/^Conversation/).fill('teams:a:agent-2');
    await alice.getByRole('checkbox', { name: app.knowledge.catalog.get('legal').name }).check();
    await alice.getByLabel('Répondre seulement quand le bot est mentionné').selectOption('non');
    await alice.getByLabel('Annonces acceptées').selectOption('non');
    await alice.getByLabel(/^Avis IA/).fill('Réponses générées par IA : vérifiez les articles cités.');
    await alice.getByRole('button', { name: 'Enregistrer', exact: true }).click();
    await alice.getByText('Paramètres du salon enregistrés').waitFor();
    await alice.getByRole('heading', { name: 'teams:a:agent-2' }).waitFor();
    await check(alice, 'salons');
    const stored = await app.state.getRoomSettings('teams:a:agent-2');
    assert.deepEqual(stored?.settings, { bases: ['legal'], mentionOnly: false, announcements: false, aiNotice: 'Réponses générées par IA : vérifiez les articles cités.' });
    // Shown as saved, and changed again from its own form: announcements accepted once more.
    assert.equal(await alice.getByLabel('Annonces acceptées').first().inputValue(), 'non');
    await alice.getByLabel('Annonces acceptées').first().selectOption('oui');
    await alice.getByRole('button', { name: 'Enregistrer les paramètres de teams:a:agent-2' }).click();
    await alice.getByText('Paramètres du salon enregistrés').waitFor();
    assert.equal((await app.state.getRoomSettings('teams:a:agent-2'))?.settings.announcements, undefined, 'back to the default');
    await alice.getByLabel('Annonces acceptées').first().selectOption('non');
    await alice.getByRole('button', { name: 'Enregistrer les paramètres de teams:a:agent-2' }).click();
    await alice.getByText('Paramètres du salon enregistrés').waitFor();
    // The next announcement to everyone skips the agent whose conversation refuses them.
    const prepared = await app.announcements.service.prepare({ to: 'tous', markdown: 'Test', createdBy: 'e2e', origin: 'api' });
    assert.equal((await app.announcements.store.getRecipient(prepared.announcement.id, 'teams:user:aad-agent-2'))?.errorCode, 'announcements-refused');
    await app.announcements.service.cancel(prepared.announcement.id);
    await alice.getByRole('link', { name: 'Journal' }).click();
    assert.match(await alice.locator('main table').innerText(), /paramètres de salon modifiés\s+teams:a:agent-2\s+bases : .* annonces : non/);
    // An invalid form is refused in French, nothing saved.
    const before = await app.state.listRoomSettings();
    await alice.goto(`${base}/console/rooms`);
    await alice.getByLabel(/^Conversation/).fill('pas-une-cle');
    await alice.getByRole('button', { name: 'Enregistrer', exact: true }).click();
    assert.match(await alice.locator('main').innerText(), /conversation « pas-une-cle » inconnue/);
    assert.deepEqual(await app.state.listRoomSettings(), before);

    const chloe = await signIn('chloe.curatrice@douane.finances.gouv.fr');
    assert.equal(await chloe.getByRole('link', { name: 'Salons' }).count(), 0);
    await chloe.goto(`${base}/console/rooms`);
    assert.match(await chloe.locator('main').innerText(), /réservée aux rôles administrateur/);
  });

  it('every page passed axe-core and the strict CSP held', () => {
    assert.deepEqual(cspViolations, []);
    for (const name of ['connexion', 'vue-d-ensemble', 'file-de-curation', 'reponse-type-redaction', 'reponse-type-publiee', 'reponses-types', 'bases', 'base-legal', 'annonce-redaction', 'annonce-rapport', 'journal', 'bases-synchronisations', 'salons']) {
      assert.equal(checked.get(name), 0, name);
    }
  });
});
