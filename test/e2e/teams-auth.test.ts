import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import sinon from 'sinon';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AuthenticationOverrides } from '../../adapters/teams/authentication.ts';
import { createTeamsAdapter } from '../../adapters/teams/index.ts';
import { TEAMS_LIMITS } from '../../adapters/teams/limits.ts';
import { RateLimiter } from '../../bots/outbound/rate-limiter.ts';
import { PasserelleError } from '../../bots/errors.ts';
import { silentLogger } from '../../bots/logger.ts';
import { loadConfig } from '../../config/load-config.ts';
import { foreignSigningKey } from '../fakes/bot-connector.ts';
import * as A from '../unit/teams/activities.ts';
import { freshPersonal, startTeamsApp, type TeamsApp } from '../unit/teams/teams-app.ts';

/**
 * Credentialed mode: every request must carry a Bot Framework JWT that botbuilder validates against the
 * channel's OpenID keys (served here by the fake Bot Connector), for the bot's app id, from an allowed
 * tenant. Outgoing calls carry the bot's token; MSAL (login.microsoftonline.com) is replaced by a credential
 * factory returning a fixed token, since no Azure is reachable.
 */

const APP_ID = '3f2504e0-4f89-41d3-9a0c-0305e82c3301';
const OUTBOUND_TOKEN = 'bot-outbound-token-7d1c';

const fixedTokenFactory = {
  isValidAppId: async (appId: string) => appId === APP_ID,
  isAuthenticationDisabled: async () => false,
  createCredentials: async () => ({
    signRequest: async (resource: { headers: { set(name: string, value: string): void } }) => {
      resource.headers.set('authorization', `Bearer ${OUTBOUND_TOKEN}`);
      return resource;
    },
  }),
} as unknown as NonNullable<AuthenticationOverrides['credentialsFactory']>;

describe('e2e: Teams endpoint with credentials (JWT validation, tenant allow-list)', function () {
  this.timeout(30_000);
  let t: TeamsApp;

  before(async () => {
    t = await startTeamsApp({
      env: { TEAMS_APP_ID: APP_ID, TEAMS_APP_PASSWORD: 'not-used-by-the-fake', TEAMS_TENANT_ID: A.TENANT },
      adapterOptions: (connector) => ({ auth: { openIdMetadataUrl: connector.openIdMetadataUrl, credentialsFactory: fixedTokenFactory } }),
    });
    t.connector.requireToken(OUTBOUND_TOKEN);
  });

  after(async () => {
    await t?.close();
  });

  // botbuilder's JwtTokenExtractor writes refused tokens' details to console.error; keep the test output clean.
  beforeEach(() => sinon.stub(console, 'error'));
  afterEach(() => sinon.restore());

  const question = (who = freshPersonal()) => A.personalMessage(t.connector.serviceUrl, 'aide', who);

  it('reports authenticated mode on /healthz', async () => {
    assert.equal(((await (await fetch(`${t.botUrl}/healthz`)).json()) as { mode: string }).mode, 'authenticated');
  });

  it('answers 401 without a token, with a malformed one, or with one the channel did not sign', async () => {
    for (const token of [undefined, 'abc.def', t.connector.issueToken({ appId: APP_ID, signingKey: foreignSigningKey() })]) {
      const response = await t.connector.deliver(t.botUrl, question(), token === undefined ? {} : { token });
      assert.equal(response.status, 401, String(token).slice(0, 20));
      assert.match(response.body, /Authentification requise/);
    }
  });

  it('answers 401 to a token for another bot, from another issuer, expired, or for another service URL', async () => {
    const tokens = [
      t.connector.issueToken({ appId: '00000000-0000-0000-0000-000000000000' }),
      t.connector.issueToken({ appId: APP_ID, issuer: 'https://sts.windows.net/evil/' }),
      t.connector.issueToken({ appId: APP_ID, expiresInSeconds: -3_600 }),
      t.connector.issueToken({ appId: APP_ID, serviceUrl: 'https://smba.trafficmanager.net/emea/' }),
    ];
    for (const token of tokens) assert.equal((await t.connector.deliver(t.botUrl, question(), { token })).status, 401);
    await t.adapter.idle();
    assert.equal(t.connector.calls.length, 0, 'nothing reached the bot');
  });

  it('accepts a valid channel token and replies with the bot’s own token', async () => {
    const who = freshPersonal();
    const response = await t.connector.deliver(t.botUrl, question(who), { token: t.connector.issueToken({ appId: APP_ID }) });
    assert.equal(response.status, 200);
    await t.adapter.idle();
    const replies = t.connector.messages(who.conversation.id);
    assert.ok(replies.length > 0);
    assert.ok(replies.every((call) => call.headers.authorization === `Bearer ${OUTBOUND_TOKEN}` && call.status === 201));
  });

  it('answers 403 to a valid token from a tenant that is not allowed', async () => {
    const who = freshPersonal();
    const foreign = { ...question(who), channelData: { tenant: { id: 'contoso-tenant' } }, conversation: { ...who.conversation, tenantId: 'contoso-tenant' } };
    const response = await t.connector.deliver(t.botUrl, foreign, { token: t.connector.issueToken({ appId: APP_ID }) });
    assert.equal(response.status, 403);
    await t.adapter.idle();
    assert.equal(t.connector.messages(who.conversation.id).length, 0);
  });
});

describe('e2e: Teams endpoint while the channel’s signing keys cannot be fetched', function () {
  this.timeout(30_000);
  let t: TeamsApp;

  // A fresh connector (its own metadata URL): botbuilder caches the keys per URL once it has them.
  before(async () => {
    t = await startTeamsApp({
      env: { TEAMS_APP_ID: APP_ID, TEAMS_APP_PASSWORD: 'not-used-by-the-fake', TEAMS_TENANT_ID: A.TENANT },
      adapterOptions: (connector) => ({ auth: { openIdMetadataUrl: connector.openIdMetadataUrl, credentialsFactory: fixedTokenFactory } }),
    });
  });
  after(async () => {
    await t?.close();
  });
  beforeEach(() => sinon.stub(console, 'error'));
  afterEach(() => sinon.restore());

  const question = (who = freshPersonal()) => A.personalMessage(t.connector.serviceUrl, 'aide', who);

  it('answers 503 with Retry-After, not 401, while the channel’s signing keys cannot be fetched; forged tokens stay 401 once they can', async () => {
    for (const outage of ['refused', 'dns', 'metadata-503', 'keys-502', 'garbage'] as const) {
      t.connector.keysOutage(outage);
      const who = freshPersonal();
      const token = t.connector.issueToken({ appId: APP_ID });
      const response = await t.connector.deliver(t.botUrl, question(who), { token });
      assert.equal(response.status, 503, `${outage}: ${response.body}`);
      assert.match(response.body, /clés de signature/);
      const raw = await fetch(new URL('/api/messages', t.botUrl), { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify(question(who)) });
      assert.equal(raw.status, 503, `${outage}: ${await raw.clone().text()}`);
      assert.match(String(raw.headers.get('retry-after')), /^\d+$/, `${outage}: Retry-After`);
      await t.adapter.idle();
      assert.equal(t.connector.messages(who.conversation.id).length, 0, `${outage}: nothing answered without authentication`);
    }
    t.connector.keysOutage(undefined);
    const who = freshPersonal();
    assert.equal((await t.connector.deliver(t.botUrl, question(who), { token: t.connector.issueToken({ appId: APP_ID, signingKey: foreignSigningKey() }) })).status, 401, 'forged');
    assert.equal((await t.connector.deliver(t.botUrl, question(who), { token: t.connector.issueToken({ appId: APP_ID }) })).status, 200, 'the retried genuine message goes through');
    await t.adapter.idle();
    assert.ok(t.connector.messages(who.conversation.id).length > 0);
  });

});

describe('teams adapter factory: refuses unsafe or incomplete configurations', () => {
  const context = (env: Record<string, string>, environment?: 'production') => {
    const config = loadConfig({ env: { PASSERELLE_DATA_DIR: join(tmpdir(), 'passerelle-teams-unused'), TEAMS_ENABLED: 'true', TEAMS_PORT: '0', ...env } });
    return { config: environment ? { ...config, environment } : config, logger: silentLogger, limiter: new RateLimiter(TEAMS_LIMITS) };
  };
  const invalid = (pattern: RegExp) => (error: unknown) => error instanceof PasserelleError && error.code === 'CONFIG_INVALID' && pattern.test(error.userMessage);

  it('refuses anonymous mode in production, in the configuration and again in the factory', async () => {
    assert.throws(() => loadConfig({ env: { PASSERELLE_ENV: 'production', PASSERELLE_PSEUDONYM_SECRET: 'un-secret-de-production', TEAMS_ENABLED: 'true' } }), invalid(/TEAMS_APP_ID/));
    await assert.rejects(createTeamsAdapter(context({}, 'production')), invalid(/mode anonyme est réservé/));
  });

  it('requires the tenant and a secret or a complete certificate with an app id', async () => {
    await assert.rejects(createTeamsAdapter(context({ TEAMS_APP_ID: APP_ID, TEAMS_APP_PASSWORD: 's' })), invalid(/TEAMS_TENANT_ID est requis/));
    await assert.rejects(createTeamsAdapter(context({ TEAMS_APP_ID: APP_ID, TEAMS_TENANT_ID: A.TENANT })), invalid(/TEAMS_APP_PASSWORD ou un certificat/));
    await assert.rejects(createTeamsAdapter(context({ TEAMS_APP_ID: APP_ID, TEAMS_TENANT_ID: A.TENANT, TEAMS_CERTIFICATE_THUMBPRINT: 'AB12' })), invalid(/vont ensemble/));
    await assert.rejects(
      createTeamsAdapter(context({ TEAMS_APP_ID: APP_ID, TEAMS_TENANT_ID: A.TENANT, TEAMS_CERTIFICATE_THUMBPRINT: 'AB12', TEAMS_CERTIFICATE_KEY_FILE: '/nonexistent/key.pem' })),
      invalid(/clé privée du certificat Teams est illisible/),
    );
  });

  it('accepts certificate credentials (thumbprint and PEM key file)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'passerelle-cert-'));
    try {
      const keyFile = join(dir, 'bot.pem');
      writeFileSync(keyFile, generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'pem', type: 'pkcs8' }));
      const adapter = await createTeamsAdapter(context({ TEAMS_APP_ID: APP_ID, TEAMS_TENANT_ID: A.TENANT, TEAMS_CERTIFICATE_THUMBPRINT: '0123456789ABCDEF0123456789ABCDEF01234567', TEAMS_CERTIFICATE_KEY_FILE: keyFile }));
      assert.equal(adapter.name, 'teams');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
