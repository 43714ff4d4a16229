import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { httpRefusalOf, PasserelleError } from '../../bots/errors.ts';
import type { Logger } from '../../bots/logger.ts';
import { checkBearer, FailedAuthLimiter } from '../admin-http/bearer-token.ts';
import type { ConsoleServices } from './console-services.ts';
import { cookie, parseCookies, readForm, redirect, SECURITY_HEADERS, sendHtml, sendJsonData, type Form } from './http.ts';
import type { OidcProvider, PendingSignIn } from './oidc-provider.ts';
import { errorPage, type PageContext } from './pages/layout.ts';
import { loginPage } from './pages/login-page.ts';
import { allowed, ROLE_LABELS, AREAS, type Area } from './roles.ts';
import { consoleRoutes, type Route, type RouteContext } from './console-routes.ts';
import { sameToken, Sessions, type ConsoleUser, type Session } from './sessions.ts';

/**
 * The web console, under /console on the admin listener: server-rendered French pages (usable without
 * script), a small script for charts, live counts, previews and reports. Sign-in with an OpenID Connect
 * provider (roles from claims) or, locally, with the admin token (role admin). Every state-changing request
 * carries the session's CSRF token; sessions expire; every action is written to the admin journal.
 */

export interface ConsoleOptions {
  services: ConsoleServices;
  /** The admin token (local sign-in); absent: only the providers. */
  adminToken?: string;
  providers: OidcProvider[];
  sessionMs: number;
  idleMs: number;
  /** Cookies marked Secure (the console is reached over https). */
  secureCookies: boolean;
  /** Largest request body (uploads), bytes. */
  maxUploadBytes: number;
  /** The console's public address (origin), for the providers' redirect URIs; known once the listener is up. */
  publicUrl: () => string;
  logger: Logger;
}

const SESSION_COOKIE = 'passerelle_console';
const LOGIN_COOKIE = 'passerelle_login';
const OIDC_COOKIE = 'passerelle_oidc';
const PENDING_PREFIX = 'console-sign-in:';
const PENDING_TTL_MS = 10 * 60_000;
const FORM_BYTES = 1_000_000;

const ASSETS_DIR = join(dirname(fileURLToPath(import.meta.url)), 'assets');

export class ConsoleApp {
  private readonly sessions: Sessions;
  private readonly failures = new FailedAuthLimiter();
  private readonly assets: Map<string, { type: string; body: Buffer }>;
  private readonly routes: Route[];

  constructor(private readonly options: ConsoleOptions) {
    this.sessions = new Sessions(options.services.sessions, options.sessionMs, options.idleMs);
    const chart = join(dirname(createRequire(import.meta.url).resolve('chart.js')), 'chart.umd.min.js');
    this.assets = new Map([
      ['console.css', { type: 'text/css; charset=utf-8', body: readFileSync(join(ASSETS_DIR, 'console.css')) }],
      ['console.js', { type: 'text/javascript; charset=utf-8', body: readFileSync(join(ASSETS_DIR, 'console.js')) }],
      ['chart.umd.min.js', { type: 'text/javascript; charset=utf-8', body: readFileSync(chart) }],
    ]);
    this.routes = consoleRoutes();
  }

  /** Handles a /console request; false when the path is not the console's. */
  async handle(request: IncomingMessage, response: ServerResponse, url: URL): Promise<boolean> {
    if (url.pathname !== '/console' && !url.pathname.startsWith('/console/')) return false;
    const method = request.method ?? 'GET';
    let context: PageContext = {};
    try {
      if (url.pathname.startsWith('/console/assets/')) return this.asset(response, url.pathname.slice('/console/assets/'.length)), true;
      if (url.pathname === '/console/login') return await (method === 'POST' ? this.tokenSignIn(request, response) : this.loginForm(response, url)), true;
      const provider = /^\/console\/login\/([a-z]+)$/.exec(url.pathname)?.[1];
      if (provider && method === 'GET') return await this.startSignIn(response, provider), true;
      const callback = /^\/console\/callback\/([a-z]+)$/.exec(url.pathname)?.[1];
      if (callback && method === 'GET') return await this.finishSignIn(request, response, url, callback), true;

      const cookies = parseCookies(request.headers.cookie);
      const sessionId = cookies.get(SESSION_COOKIE);
      const session = await this.sessions.get(sessionId);
      const api = url.pathname.startsWith('/console/api/');
      if (!session) {
        if (method === 'GET' && !api) return redirect(response, `/console/login${url.pathname === '/console' ? '' : `?next=${encodeURIComponent(url.pathname + url.search)}`}`), true;
        throw new PasserelleError('CONSOLE_UNAUTHENTICATED');
      }
      context = { user: session.user, csrf: session.csrf };
      const notice = url.searchParams.get('fait');
      if (notice && NOTICES[notice]) context.notice = NOTICES[notice];
      if (url.pathname === '/console' || url.pathname === '/console/') return redirect(response, '/console/overview'), true;
      if (url.pathname === '/console/logout' && method === 'POST') {
        await this.checkCsrf(request, await readForm(request, FORM_BYTES), session);
        await this.sessions.destroy(sessionId as string);
        await this.journal(session.user, 'sign-out');
        return redirect(response, '/console/login', { 'set-cookie': cookie(SESSION_COOKIE, '', { path: '/console', maxAgeSeconds: 0, secure: this.options.secureCookies }) }), true;
      }
      for (const route of this.routes) {
        if (route.method !== method) continue;
        const match = route.path.exec(url.pathname);
        if (!match) continue;
        this.require(session.user, route.area);
        let form: Form | undefined;
        if (method === 'POST') {
          form = await readForm(request, route.upload ? this.options.maxUploadBytes : FORM_BYTES);
          await this.checkCsrf(request, form, session);
        }
        const routeContext: RouteContext = {
          request, response, url, page: context, user: session.user, services: this.options.services, params: match.slice(1).map((part) => decodeURIComponent(part)),
          form: form ?? { get: () => undefined, all: () => [], files: () => [] },
          journal: (action, target, details) => this.journal(session.user, action, target, details),
        };
        await route.handle(routeContext);
        return true;
      }
      throw new PasserelleError('CONSOLE_NOT_FOUND');
    } catch (error) {
      this.fail(response, error, context, url);
      return true;
    }
  }

  private asset(response: ServerResponse, name: string): void {
    const asset = this.assets.get(name);
    if (!asset) throw new PasserelleError('CONSOLE_NOT_FOUND');
    response.writeHead(200, { ...SECURITY_HEADERS, 'content-type': asset.type, 'content-length': String(asset.body.length), 'cache-control': 'private, max-age=300' });
    response.end(asset.body);
  }

  private loginForm(response: ServerResponse, url: URL, error?: string, status = 200): void {
    const token = randomBytes(18).toString('base64url');
    const next = safeNext(url.searchParams.get('next') ?? undefined);
    sendHtml(
      response,
      status,
      loginPage({ providers: this.options.providers.map((provider) => ({ id: provider.id, label: provider.label })), tokenEnabled: Boolean(this.options.adminToken), loginCsrf: token, ...(error ? { error } : {}), ...(next ? { next } : {}) }),
      { 'set-cookie': cookie(LOGIN_COOKIE, token, { path: '/console/login', maxAgeSeconds: 3_600, secure: this.options.secureCookies, sameSite: 'Strict' }) },
    );
  }

  /** The admin token as a password: login CSRF (double submit), attempts limited per address, journaled. */
  private async tokenSignIn(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const client = request.socket.remoteAddress ?? 'inconnu';
    const form = await readForm(request, FORM_BYTES);
    const expected = parseCookies(request.headers.cookie).get(LOGIN_COOKIE);
    if (!expected || !sameToken(form.get('csrf'), expected)) throw new PasserelleError('CONSOLE_CSRF');
    const url = new URL(`http://console.local/console/login?next=${encodeURIComponent(form.get('next') ?? '')}`);
    if (!this.options.adminToken) throw new PasserelleError('CONSOLE_NOT_FOUND');
    if (checkBearer(`Bearer ${form.get('token') ?? ''}`, this.options.adminToken) !== 'ok') {
      // Only bad attempts are throttled: the right token always signs in (see AdminServer).
      if (this.failures.blocked(client)) return this.loginForm(response, url, 'Trop d’échecs de connexion : réessayez dans une minute.', 429);
      this.failures.record(client);
      await this.journal({ id: `jeton-admin (${client})`, name: 'jeton', role: 'admin', provider: 'jeton' }, 'sign-in-refused', undefined, 'Jeton d’administration invalide');
      return this.loginForm(response, url, new PasserelleError('CONSOLE_TOKEN_INVALID').userMessage, 401);
    }
    await this.open(response, { id: 'jeton-admin', name: 'Administrateur (jeton local)', role: 'admin', provider: 'jeton' }, safeNext(form.get('next')));
  }

  private async startSignIn(response: ServerResponse, id: string): Promise<void> {
    const provider = this.provider(id);
    const { url, pending } = await provider.start(`${this.options.publicUrl().replace(/\/+$/, '')}/console/callback/${provider.id}`);
    await this.options.services.sessions.cacheSet(`${PENDING_PREFIX}${pending.state}`, JSON.stringify(pending), PENDING_TTL_MS);
    redirect(response, url, { 'set-cookie': cookie(OIDC_COOKIE, pending.state, { path: `/console/callback/${provider.id}`, maxAgeSeconds: PENDING_TTL_MS / 1000, secure: this.options.secureCookies }) });
  }

  /** The provider's redirect: the state must be this browser's (cookie) and used once; then the ID token is checked. */
  private async finishSignIn(request: IncomingMessage, response: ServerResponse, url: URL, id: string): Promise<void> {
    const provider = this.provider(id);
    const state = url.searchParams.get('state') ?? '';
    const mine = parseCookies(request.headers.cookie).get(OIDC_COOKIE);
    const storage = this.options.services.sessions;
    const stored = state ? await storage.cacheGet(`${PENDING_PREFIX}${state}`) : undefined;
    if (state) await storage.cacheInvalidate(`${PENDING_PREFIX}${state}`);
    const clear = cookie(OIDC_COOKIE, '', { path: `/console/callback/${provider.id}`, maxAgeSeconds: 0, secure: this.options.secureCookies });
    try {
      if (url.searchParams.get('error')) throw new PasserelleError('OIDC_FAILED', { provider: provider.label, reason: url.searchParams.get('error') === 'access_denied' ? 'accès refusé par le fournisseur' : 'erreur du fournisseur' });
      if (!stored || !mine || !sameToken(mine, state)) throw new PasserelleError('OIDC_FAILED', { provider: provider.label, reason: 'tentative de connexion inconnue ou expirée' });
      const pending = JSON.parse(stored) as PendingSignIn;
      const signedIn = await provider.finish(url.search, pending);
      const who = signedIn.email ?? signedIn.subject;
      if (!signedIn.role) {
        await this.journal({ id: who, name: signedIn.name, role: 'aucun' as never, provider: provider.id }, 'sign-in-refused', undefined, `Aucun rôle attribué (${provider.label})`);
        throw new PasserelleError('OIDC_NO_ROLE', { who, provider: provider.label });
      }
      await this.open(response, { id: who, name: signedIn.name, role: signedIn.role, provider: provider.id }, undefined, [clear]);
    } catch (error) {
      if (error instanceof PasserelleError) {
        this.options.logger.warn('console sign-in failed', { provider: provider.id, code: error.code });
        return this.loginForm(response, new URL('http://console.local/console/login'), error.userMessage, httpRefusalOf(error)?.status ?? 401);
      }
      throw error;
    }
  }

  private async open(response: ServerResponse, user: ConsoleUser, next: string | undefined, cookies: string[] = []): Promise<void> {
    const { id } = await this.sessions.create(user);
    await this.journal(user, 'sign-in', undefined, user.provider === 'jeton' ? 'Connexion locale par jeton' : `Connexion par ${this.provider(user.provider).label} (rôle ${ROLE_LABELS[user.role]})`);
    redirect(response, next ?? '/console/overview', {
      'set-cookie': [...cookies, cookie(SESSION_COOKIE, id, { path: '/console', secure: this.options.secureCookies }), cookie(LOGIN_COOKIE, '', { path: '/console/login', maxAgeSeconds: 0, secure: this.options.secureCookies })],
    });
  }

  private provider(id: string): OidcProvider {
    const provider = this.options.providers.find((candidate) => candidate.id === id);
    if (!provider) throw new PasserelleError('CONSOLE_NOT_FOUND');
    return provider;
  }

  private require(user: ConsoleUser, area: Area): void {
    if (!allowed(user.role, area)) {
      throw new PasserelleError('CONSOLE_FORBIDDEN', { role: ROLE_LABELS[user.role], needed: (AREAS[area] as readonly (keyof typeof ROLE_LABELS)[]).map((role) => ROLE_LABELS[role]).join(', ') });
    }
  }

  /** The synchroniser token, in the form or (scripts) the X-CSRF-Token header; a cross-site request is refused outright. */
  private async checkCsrf(request: IncomingMessage, form: Form, session: Session): Promise<void> {
    if (request.headers['sec-fetch-site'] === 'cross-site') throw new PasserelleError('CONSOLE_CSRF');
    const given = form.get('csrf') ?? (request.headers['x-csrf-token'] as string | undefined);
    if (!sameToken(given, session.csrf)) throw new PasserelleError('CONSOLE_CSRF');
  }

  private async journal(user: ConsoleUser, action: string, target?: string, details?: string): Promise<void> {
    try {
      await this.options.services.journal.journal({ at: new Date().toISOString(), actor: user.id, role: ROLE_LABELS[user.role] ?? String(user.role), action, ...(target ? { target } : {}), ...(details ? { details } : {}) });
    } catch (error) {
      this.options.logger.error('console journal failed', { action, error });
    }
  }

  private fail(response: ServerResponse, error: unknown, context: PageContext, url: URL): void {
    if (response.headersSent) {
      this.options.logger.error('console: failure after the answer started', { error });
      response.destroy();
      return;
    }
    const known = error instanceof PasserelleError;
    const refusal = known ? httpRefusalOf(error) : undefined;
    const status = refusal?.status ?? (known ? (error.retryable ? 503 : 400) : 500);
    const message = known ? error.userMessage : new PasserelleError('INTERNAL').userMessage;
    if (!known || status >= 500) this.options.logger.error('console: request failed', { path: url.pathname, error });
    if (url.pathname.startsWith('/console/api/')) return sendJsonData(response, status, { error: refusal?.code ?? (known ? error.code : 'internal'), message });
    sendHtml(response, status, errorPage(context, status, message, status === 401 ? '/console/login' : undefined));
  }
}

/** Only a path of the console: never another site (open redirect). */
function safeNext(next: string | undefined): string | undefined {
  return next && /^\/console(\/[^\s\\]*)?(\?[^\s\\]*)?$/.test(next) && !next.startsWith('//') ? next : undefined;
}

/** Confirmations after an action (`?fait=…`): fixed texts, nothing from the query is shown. */
const NOTICES: Record<string, string> = {
  proposee: 'Version proposée : un autre curateur doit la relire avant publication.',
  publiee: 'Version publiée : elle est servie dès maintenant aux questions de sa famille.',
  refusee: 'Version refusée.',
  retiree: 'Réponse type retirée : elle n’est plus servie.',
  traite: 'Questions marquées comme traitées.',
  regle: 'Règle enregistrée pour cette famille de questions.',
  'regle-supprimee': 'Règle supprimée.',
  retire: 'Document retiré de la base.',
  reindexe: 'Document réindexé depuis sa source.',
  approuve: 'Formulation approuvée ; le document a été réindexé.',
  rejete: 'Formulation rejetée ; le document a été réindexé.',
  preparee: 'Annonce préparée : vérifiez l’aperçu et les destinataires, puis confirmez. Rien n’a été envoyé.',
  confirmee: 'Annonce confirmée.',
  annulee: 'Annonce annulée.',
  parametres: 'Paramètres du salon enregistrés : ils s’appliquent dès le message suivant.',
};
