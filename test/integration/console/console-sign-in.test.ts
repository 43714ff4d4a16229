import assert from 'node:assert/strict';
import { ADMIN_TOKEN, alertOf, ConsoleClient, startConsoleRig, type ConsoleRig } from './console-rig.ts';

/**
 * Signing in to the console over real HTTP: ProConnect and Entra ID through fake providers speaking the
 * protocol (discovery, code + PKCE, signed ID tokens), the admin token locally; what is refused, in French,
 * and written to the journal.
 */
describe('console sign-in (fake ProConnect and Entra ID on loopback)', function () {
  this.timeout(60_000);
  let rig: ConsoleRig;
  before(async () => {
    rig = await startConsoleRig();
  });
  after(() => rig?.close());

  it('ProConnect: authorization code with PKCE S256, state and nonce; the e-mail gives the role; the journal keeps the sign-in', async () => {
    const client = new ConsoleClient(rig.base);
    const start = await client.get('/console/login/proconnect');
    assert.equal(start.status, 303);
    const authorize = new URL(start.headers.get('location') ?? '');
    assert.equal(authorize.origin + authorize.pathname, `${rig.proconnect.issuer}/authorize`);
    assert.equal(authorize.searchParams.get('code_challenge_method'), 'S256');
    for (const name of ['state', 'nonce', 'code_challenge']) assert.ok((authorize.searchParams.get(name) ?? '').length >= 20, name);
    assert.equal(authorize.searchParams.get('redirect_uri'), `${rig.base}/console/callback/proconnect`);

    const done = await client.signInWith('proconnect', 'pc-bruno', rig.proconnect);
    assert.equal(done.status, 303, await done.clone().text());
    assert.equal(done.headers.get('location'), '/console/overview');
    const overview = await client.page('/console/overview');
    assert.equal(overview.status, 200);
    assert.match(overview.text, /Bruno Curateur \(curateur\)/);
    assert.match(overview.text, /href="\/console\/curation"/);
    assert.doesNotMatch(overview.text, /href="\/console\/announcements"/, 'a curator has no announcements');
    const token = rig.proconnect.requests.find((request) => request.path === '/token');
    assert.ok(token?.params.code_verifier, 'the verifier went with the code');
    assert.ok(rig.proconnect.requests.some((request) => request.path === '/userinfo'), 'the e-mail came from the signed userinfo (ProConnect sends nothing else in the ID token)');
    const journal = await rig.app.curation.listJournal({ actor: 'bruno.curateur', limit: 5 });
    assert.deepEqual(journal.map((entry) => [entry.action, entry.role]), [['sign-in', 'curateur']]);
  });

  it('refuses an expired ID token, one signed with an unknown key, a replayed callback and a stranger with no role', async () => {
    const tries: Array<[string, () => void, () => void, RegExp]> = [
      ['expired', () => (rig.proconnect.idTokenLifetimeSeconds = -120), () => (rig.proconnect.idTokenLifetimeSeconds = 300), /jeton d’identité expiré/],
      ['unknown key', () => (rig.proconnect.signWithUnknownKey = true), () => (rig.proconnect.signWithUnknownKey = false), /signature du jeton d’identité invalide/],
    ];
    for (const [name, set, reset, message] of tries) {
      set();
      try {
        const client = new ConsoleClient(rig.base);
        const refused = await client.signInWith('proconnect', 'pc-alice', rig.proconnect);
        const text = await refused.clone().text();
        assert.equal(refused.status, 401, `${name}: ${refused.status} ${refused.headers.get("location")} ${alertOf(text)}`);
        assert.match(alertOf(text), message, `${name}: ${alertOf(text)}`);
        assert.equal((await client.get('/console/overview')).status, 303, `${name}: no session`);
      } finally {
        reset();
      }
    }
    // The same callback twice: the sign-in attempt is used once.
    const client = new ConsoleClient(rig.base);
    const start = await client.get('/console/login/proconnect');
    const authorize = new URL(start.headers.get('location') ?? '');
    const decided = await fetch(`${rig.proconnect.issuer}/authorize`, { method: 'POST', redirect: 'manual', body: new URLSearchParams({ ...Object.fromEntries(authorize.searchParams), user: 'pc-alice' }) });
    const callback = decided.headers.get('location') ?? '';
    const other = new ConsoleClient(rig.base);
    const stolen = await other.get(callback);
    assert.equal(stolen.status, 401, 'another browser (no state cookie) cannot use the callback');
    assert.match(alertOf(await stolen.text()), /tentative de connexion inconnue ou expirée/);
    const replay = await client.get(callback);
    assert.equal(replay.status, 401, 'the attempt was consumed by the first use');

    const stranger = await new ConsoleClient(rig.base).signInWith('proconnect', 'pc-eve', rig.proconnect);
    assert.equal(stranger.status, 403);
    assert.match(alertOf(await stranger.text()), /eve@exterieur\.example est bien reconnu par ProConnect, mais aucun rôle/);
    assert.equal((await rig.app.curation.listJournal({ actor: 'eve@', action: 'sign-in-refused', limit: 5 })).length, 1);
  });

  it('Entra ID: roles from groups; a member of no mapped group is refused', async () => {
    const farid = new ConsoleClient(rig.base);
    assert.equal((await farid.signInWith('entra', 'entra-farid', rig.entra)).status, 303);
    assert.match((await farid.page('/console/curation')).text, /Farid Entra \(curateur\)/);
    const gina = await new ConsoleClient(rig.base).signInWith('entra', 'entra-gina', rig.entra);
    assert.equal(gina.status, 403);
    assert.match(alertOf(await gina.text()), /Microsoft Entra ID, mais aucun rôle/);
  });

  it('local sign-in with the admin token: login CSRF, wrong token refused and journaled, logout ends the session', async () => {
    const client = new ConsoleClient(rig.base);
    await client.page('/console/login');
    const forged = await client.post('/console/login', { token: ADMIN_TOKEN, csrf: 'autre' }, { csrf: false });
    assert.equal(forged.status, 403);
    const wrong = await client.signInWithToken('mauvais-jeton');
    assert.equal(wrong.status, 401);
    assert.match(await wrong.text(), /Jeton d’administration invalide/);
    assert.equal((await client.signInWithToken(ADMIN_TOKEN)).status, 303);
    const audit = await client.page('/console/audit');
    assert.equal(audit.status, 200);
    assert.match(audit.text, /connexion refusée/);
    const out = await client.post('/console/logout', {});
    assert.equal(out.status, 303);
    assert.equal((await client.get('/console/audit')).status, 303, 'signed out: back to the login page');
  });

  it('after 20 wrong admin tokens from one address, wrong ones get 429 but the right token still signs in', async () => {
    const client = new ConsoleClient(rig.base);
    await client.page('/console/login');
    // The rig is shared: earlier tests' wrong tokens count in the same minute.
    for (let i = 0; i < 20; i++) assert.ok([401, 429].includes((await client.signInWithToken(`mauvais-jeton-${i}`)).status));
    const slowed = await client.signInWithToken('mauvais-jeton');
    assert.equal(slowed.status, 429);
    assert.match(await slowed.text(), /Trop d’échecs de connexion/);
    assert.equal((await client.signInWithToken(ADMIN_TOKEN)).status, 303, 'the administrator is not locked out');
  });

  it('roles and CSRF: a reader sees dashboards only; a post without the session’s token is refused', async () => {
    const reader = new ConsoleClient(rig.base);
    await reader.signInWith('proconnect', 'pc-denis', rig.proconnect);
    assert.equal((await reader.page('/console/overview')).status, 200);
    const refused = await reader.page('/console/curation');
    assert.equal(refused.status, 403);
    assert.match(alertOf(refused.text), /Votre rôle \(lecteur\) ne permet pas cette action/);
    const admin = new ConsoleClient(rig.base);
    await admin.signInWith('proconnect', 'pc-alice', rig.proconnect);
    await admin.page('/console/announcements');
    const noToken = await admin.post('/console/announcements', { to: 'tous', markdown: 'Test' }, { csrf: false });
    assert.equal(noToken.status, 403);
    assert.match(alertOf(await noToken.text()), /jeton anti-falsification invalide/);
    const crossSite = await admin.post('/console/announcements', { to: 'tous', markdown: 'Test' }, { headers: { 'sec-fetch-site': 'cross-site' } });
    assert.equal(crossSite.status, 403);
    assert.equal((await rig.app.announcements.service.list(10)).length, 0, 'nothing was prepared');
    const api = await admin.get('/console/api/audience?to=tous');
    assert.equal(api.status, 200);
    assert.equal((await new ConsoleClient(rig.base).get('/console/api/audience?to=tous')).status, 401, 'the API needs a session');
  });

  it('answers with the strict security headers on every page and asset', async () => {
    const client = new ConsoleClient(rig.base);
    for (const path of ['/console/login', '/console/assets/console.js', '/console/assets/chart.umd.min.js']) {
      const response = await client.get(path);
      assert.equal(response.status, 200, path);
      assert.match(response.headers.get('content-security-policy') ?? '', /default-src 'none'; script-src 'self'; style-src 'self'/, path);
      assert.equal(response.headers.get('x-frame-options'), 'DENY');
    }
    const login = await client.get('/console/login');
    assert.match(login.headers.getSetCookie().join('\n'), /HttpOnly; SameSite=Strict/);
  });
});
