import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startAdminApi } from '../../../app/admin-surface.ts';
import { createBotApplication, type BotApplication, type BotOverrides } from '../../../app/bot-application.ts';
import { silentLogger } from '../../../bots/logger.ts';
import { loadConfig } from '../../../config/load-config.ts';
import { FakeOidcProvider, type FakeUser } from '../../fakes/oidc-provider.ts';
import { ARTICLES, writeJsonl } from '../helpers/knowledge-fixtures.ts';

/**
 * The console as `serve` runs it (the real application, the admin listener, the real ingestion) with two
 * fake identity providers on loopback: ProConnect (roles from e-mails) and Entra ID (roles from groups).
 */

export const ADMIN_TOKEN = 'jeton-administration-console-0123456789';
export const CURATORS_GROUP = '3f5b2c1a-0000-4000-8000-00000000c0de';
export const person = (sub: string, email: string, given: string, usual: string, extra: Record<string, unknown> = {}): FakeUser => ({ sub, claims: { email, given_name: given, usual_name: usual, ...extra } });
export const PROCONNECT_USERS = [
  person('pc-alice', 'alice.admin@douane.finances.gouv.fr', 'Alice', 'Admin'),
  person('pc-bruno', 'bruno.curateur@douane.finances.gouv.fr', 'Bruno', 'Curateur'),
  person('pc-chloe', 'chloe.curatrice@douane.finances.gouv.fr', 'Chloé', 'Curatrice'),
  person('pc-denis', 'denis.lecteur@douane.finances.gouv.fr', 'Denis', 'Lecteur'),
  person('pc-eve', 'eve@exterieur.example', 'Ève', 'Extérieure'),
];
export const ENTRA_USERS = [
  { sub: 'entra-farid', claims: { preferred_username: 'farid@douane.onmicrosoft.com', name: 'Farid Entra', groups: ['00000000-0000-4000-8000-000000000001', CURATORS_GROUP] } },
  { sub: 'entra-gina', claims: { preferred_username: 'gina@douane.onmicrosoft.com', name: 'Gina Sansgroupe', groups: ['00000000-0000-4000-8000-000000000002'] } },
];

export interface ConsoleRig {
  dir: string;
  app: BotApplication;
  base: string;
  proconnect: FakeOidcProvider;
  entra: FakeOidcProvider;
  env: Record<string, string>;
  close(): Promise<void>;
}

export async function startConsoleRig(extraEnv: Record<string, string> = {}, overrides: BotOverrides = {}): Promise<ConsoleRig> {
  const dir = mkdtempSync(join(tmpdir(), 'passerelle-console-'));
  const proconnect = await FakeOidcProvider.start({ clientId: 'passerelle-console', clientSecret: 'secret-proconnect', users: PROCONNECT_USERS, proConnectStyle: true });
  const entra = await FakeOidcProvider.start({ clientId: 'entra-app', clientSecret: 'secret-entra', users: ENTRA_USERS, issuerPath: '/tenant-douane/v2.0' });
  const env: Record<string, string> = {
    PASSERELLE_DATA_DIR: join(dir, 'data'), PASSERELLE_LOG_LEVEL: 'silent',
      // A threshold of its own: the questions abstain whatever the calibrated model of the day says.
      PASSERELLE_ABSTAIN_BELOW: '0.99', PASSERELLE_ADMIN_TOKEN: ADMIN_TOKEN, PASSERELLE_ADMIN_PORT: '0',
    PROCONNECT_ISSUER: proconnect.issuer, PROCONNECT_CLIENT_ID: 'passerelle-console', PROCONNECT_CLIENT_SECRET: 'secret-proconnect',
    PROCONNECT_ADMINS: 'alice.admin@douane.finances.gouv.fr', PROCONNECT_CURATORS: 'email=*.curat*@douane.finances.gouv.fr', PROCONNECT_READERS: '*@douane.finances.gouv.fr',
    ENTRA_ISSUER: entra.issuer, ENTRA_CLIENT_ID: 'entra-app', ENTRA_CLIENT_SECRET: 'secret-entra', ENTRA_CURATORS: CURATORS_GROUP,
    ...extraEnv,
  };
  const config = loadConfig({ env });
  const app = await createBotApplication(config, silentLogger, { model: null, ...overrides });
  const legal = app.knowledge.catalog.get('legal');
  await app.knowledge.ingestion.ingest({ kb: legal.id, ceiling: legal.classificationCeiling }, [writeJsonl(join(dir, 'code.jsonl'), Object.values(ARTICLES))], { defaultClassification: 'public' });
  const admin = await startAdminApi(app, silentLogger);
  return {
    dir, app, proconnect, entra, env: { ...env, PASSERELLE_ADMIN_PORT: String(admin.adminPort) },
    base: `http://127.0.0.1:${admin.adminPort}`,
    async close() {
      await admin.close();
      await app.close();
      await proconnect.close();
      await entra.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A cookie-keeping HTTP client that follows nothing by itself (each redirect is looked at). */
export class ConsoleClient {
  private readonly cookies = new Map<string, string>();
  csrf = '';

  constructor(private readonly base: string) {}

  async get(path: string): Promise<Response> {
    return this.keep(await fetch(path.startsWith('http') ? path : `${this.base}${path}`, { redirect: 'manual', headers: this.headers() }));
  }

  async post(path: string, fields: Record<string, string | string[]>, options: { csrf?: boolean; headers?: Record<string, string> } = {}): Promise<Response> {
    const body = new URLSearchParams();
    if (options.csrf !== false) body.set('csrf', this.csrf);
    for (const [name, value] of Object.entries(fields)) for (const item of Array.isArray(value) ? value : [value]) body.append(name, item);
    return this.keep(await fetch(`${this.base}${path}`, { method: 'POST', redirect: 'manual', body, headers: { ...this.headers(), 'content-type': 'application/x-www-form-urlencoded', ...options.headers } }));
  }

  /** A script's request: JSON body, the CSRF token in X-CSRF-Token (unless `withToken` is false). */
  async postJson(path: string, body: unknown, withToken = true): Promise<Response> {
    return this.keep(await fetch(`${this.base}${path}`, { method: 'POST', redirect: 'manual', body: JSON.stringify(body), headers: { ...this.headers(), 'content-type': 'application/json', ...(withToken ? { 'x-csrf-token': this.csrf } : {}) } }));
  }

  async upload(path: string, files: Array<{ name: string; bytes: Uint8Array | string }>, fields: Record<string, string> = {}): Promise<Response> {
    const form = new FormData();
    form.set('csrf', this.csrf);
    for (const [name, value] of Object.entries(fields)) form.set(name, value);
    for (const file of files) form.append('files', new Blob([file.bytes]), file.name);
    return this.keep(await fetch(`${this.base}${path}`, { method: 'POST', redirect: 'manual', body: form, headers: this.headers() }));
  }

  /** Reads a page and remembers its CSRF token. */
  async page(path: string): Promise<{ status: number; text: string }> {
    const response = await this.get(path);
    const text = await response.text();
    const token = /name="csrf-token" content="([^"]+)"/.exec(text)?.[1] ?? /name="csrf" value="([^"]+)"/.exec(text)?.[1];
    if (token) this.csrf = token;
    return { status: response.status, text };
  }

  /** Through the provider's login page: picks `sub`, comes back to the callback; returns the final response. */
  async signInWith(provider: 'proconnect' | 'entra', sub: string, fake: FakeOidcProvider): Promise<Response> {
    const start = await this.get(`/console/login/${provider}`);
    const authorize = new URL(start.headers.get('location') ?? '');
    const decided = await fetch(`${fake.issuer}/authorize`, { method: 'POST', redirect: 'manual', body: new URLSearchParams({ ...Object.fromEntries(authorize.searchParams), user: sub }) });
    const back = decided.headers.get('location') ?? '';
    return this.get(back);
  }

  async signInWithToken(token: string): Promise<Response> {
    await this.page('/console/login');
    return this.post('/console/login', { token });
  }

  private headers(): Record<string, string> {
    return this.cookies.size > 0 ? { cookie: [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ') } : {};
  }

  private keep(response: Response): Response {
    for (const header of response.headers.getSetCookie()) {
      const [pair] = header.split(';');
      const separator = (pair ?? '').indexOf('=');
      const name = (pair ?? '').slice(0, separator);
      const value = (pair ?? '').slice(separator + 1);
      if (/Max-Age=0/i.test(header) || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return response;
  }
}

/** The French message of an error page. */
export function alertOf(text: string): string {
  return /role="alert"><p>([^<]*)/.exec(text)?.[1]?.replace(/&#39;/g, '’').replace(/&quot;/g, '"') ?? '';
}
