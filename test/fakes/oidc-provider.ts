import { createHash, createSign, generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A fake OpenID Connect provider on 127.0.0.1 speaking the real protocol, for the console's sign-in
 * (ProConnect, Entra ID): discovery, an authorization page listing test users (a browser clicks one; a
 * test may post the choice directly), the authorization code flow with PKCE S256 (the code is single-use,
 * bound to the client, the redirect URI and the challenge), RS256 ID tokens signed with its key (JWKS
 * published), a userinfo endpoint, and knobs to send an expired token or one signed with another key.
 */

export interface FakeUser {
  sub: string;
  claims: Record<string, unknown>;
}

export interface FakeOidcOptions {
  clientId: string;
  clientSecret: string;
  users: FakeUser[];
  /** Issuer path under the server's origin (Entra: `/<tenant>/v2.0`). */
  issuerPath?: string;
  /**
   * ProConnect's way: the ID token carries only the subject, the agent's attributes come from the userinfo
   * endpoint as a JWT signed by the provider (`application/jwt`). Default: attributes in the ID token, JSON userinfo.
   */
  proConnectStyle?: boolean;
}

interface PendingCode {
  clientId: string;
  redirectUri: string;
  challenge: string;
  nonce?: string;
  user: FakeUser;
  expiresAt: number;
}

export class FakeOidcProvider {
  private readonly server: Server;
  private readonly key: { privateKey: KeyObject; publicKey: KeyObject };
  private readonly otherKey: KeyObject;
  private readonly kid = randomBytes(6).toString('hex');
  private readonly codes = new Map<string, PendingCode>();
  private readonly tokens = new Map<string, FakeUser>();
  /** Seconds an ID token lives; negative: already expired when issued. */
  idTokenLifetimeSeconds = 300;
  /** Sign the next ID tokens with a key the JWKS does not hold. */
  signWithUnknownKey = false;
  /** Every request, for assertions. */
  readonly requests: Array<{ method: string; path: string; params: Record<string, string> }> = [];
  /** Token requests refused, with the OAuth error. */
  readonly refusals: string[] = [];

  private constructor(private readonly options: FakeOidcOptions) {
    this.key = generateKeyPairSync('rsa', { modulusLength: 2048 });
    this.otherKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    this.server = createServer((request, response) => void this.handle(request, response).catch(() => send(response, 500, { error: 'server_error' })));
  }

  static async start(options: FakeOidcOptions): Promise<FakeOidcProvider> {
    const provider = new FakeOidcProvider(options);
    await new Promise<void>((resolve) => provider.server.listen(0, '127.0.0.1', resolve));
    return provider;
  }

  get origin(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  get issuer(): string {
    return `${this.origin}${this.options.issuerPath ?? ''}`;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', this.origin);
    const body = request.method === 'POST' ? await readBody(request) : '';
    const params = Object.fromEntries(request.method === 'POST' ? new URLSearchParams(body) : url.searchParams);
    const path = url.pathname.slice((this.options.issuerPath ?? '').length);
    this.requests.push({ method: request.method ?? 'GET', path, params });
    if (path === '/.well-known/openid-configuration') {
      return send(response, 200, {
        issuer: this.issuer,
        authorization_endpoint: `${this.issuer}/authorize`,
        token_endpoint: `${this.issuer}/token`,
        userinfo_endpoint: `${this.issuer}/userinfo`,
        jwks_uri: `${this.issuer}/jwks`,
        response_types_supported: ['code'],
        subject_types_supported: ['public'],
        id_token_signing_alg_values_supported: ['RS256'],
        userinfo_signing_alg_values_supported: ['RS256'],
        code_challenge_methods_supported: ['S256'],
        token_endpoint_auth_methods_supported: ['client_secret_post', 'client_secret_basic'],
        scopes_supported: ['openid', 'email', 'profile'],
      });
    }
    if (path === '/jwks') return send(response, 200, { keys: [{ ...this.key.publicKey.export({ format: 'jwk' }), kid: this.kid, use: 'sig', alg: 'RS256' }] });
    if (path === '/authorize' && request.method === 'GET') return this.authorizePage(response, params);
    if (path === '/authorize' && request.method === 'POST') return this.decide(response, params);
    if (path === '/token' && request.method === 'POST') return this.token(request, response, params);
    if (path === '/userinfo') {
      const token = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1];
      const user = token ? this.tokens.get(token) : undefined;
      if (!user) return send(response, 401, { error: 'invalid_token' });
      if (!this.options.proConnectStyle) return send(response, 200, { sub: user.sub, ...user.claims });
      response.writeHead(200, { 'content-type': 'application/jwt', 'cache-control': 'no-store' });
      return void response.end(this.sign({ iss: this.issuer, aud: this.options.clientId, sub: user.sub, iat: Math.floor(Date.now() / 1000), ...user.claims }));
    }
    send(response, 404, { error: 'not_found' });
  }

  /** The login page: one button per test user (what a person clicks in the browser test). */
  private authorizePage(response: ServerResponse, params: Record<string, string>): void {
    const problem = this.checkAuthorization(params);
    if (problem) return send(response, 400, { error: 'invalid_request', error_description: problem });
    const hidden = Object.entries(params).map(([name, value]) => `<input type="hidden" name="${escape(name)}" value="${escape(value)}">`).join('');
    const buttons = this.options.users.map((user) => `<button type="submit" name="user" value="${escape(user.sub)}">Se connecter en tant que ${escape(String(user.claims.email ?? user.sub))}</button>`).join(' ');
    const page = `<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>Fournisseur d’identité de test</title></head><body><main><h1>Fournisseur d’identité de test</h1><form method="post" action="${this.issuer}/authorize">${hidden}${buttons}</form></main></body></html>`;
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    response.end(page);
  }

  private decide(response: ServerResponse, params: Record<string, string>): void {
    const problem = this.checkAuthorization(params);
    const user = this.options.users.find((candidate) => candidate.sub === params.user);
    if (problem || !user) return send(response, 400, { error: 'invalid_request', error_description: problem ?? 'unknown user' });
    const code = randomBytes(16).toString('base64url');
    this.codes.set(code, { clientId: params.client_id as string, redirectUri: params.redirect_uri as string, challenge: params.code_challenge as string, ...(params.nonce ? { nonce: params.nonce } : {}), user, expiresAt: Date.now() + 60_000 });
    const target = new URL(params.redirect_uri as string);
    target.searchParams.set('code', code);
    if (params.state) target.searchParams.set('state', params.state);
    target.searchParams.set('iss', this.issuer);
    response.writeHead(302, { location: target.href });
    response.end();
  }

  private checkAuthorization(params: Record<string, string>): string | undefined {
    if (params.client_id !== this.options.clientId) return 'unknown client_id';
    if (params.response_type !== 'code') return 'response_type must be code';
    if (!params.redirect_uri?.startsWith('http://127.0.0.1:')) return 'redirect_uri not registered';
    if (!(params.scope ?? '').split(' ').includes('openid')) return 'scope must include openid';
    if (params.code_challenge_method !== 'S256' || !params.code_challenge) return 'PKCE S256 required';
    return undefined;
  }

  private token(request: IncomingMessage, response: ServerResponse, params: Record<string, string>): void {
    const refuse = (error: string) => {
      this.refusals.push(error);
      send(response, 400, { error });
    };
    const basic = /^Basic (.+)$/.exec(request.headers.authorization ?? '')?.[1];
    const [basicId, basicSecret] = basic ? Buffer.from(basic, 'base64').toString().split(':').map(decodeURIComponent) : [];
    const clientId = params.client_id ?? basicId;
    const secret = params.client_secret ?? basicSecret;
    if (clientId !== this.options.clientId || secret !== this.options.clientSecret) return refuse('invalid_client');
    if (params.grant_type !== 'authorization_code') return refuse('unsupported_grant_type');
    const pending = this.codes.get(params.code ?? '');
    this.codes.delete(params.code ?? '');
    if (!pending || pending.expiresAt < Date.now() || pending.clientId !== clientId) return refuse('invalid_grant');
    if (pending.redirectUri !== params.redirect_uri) return refuse('invalid_grant: redirect_uri');
    const verifier = params.code_verifier ?? '';
    if (createHash('sha256').update(verifier).digest('base64url') !== pending.challenge) return refuse('invalid_grant: code_verifier');
    const accessToken = randomBytes(16).toString('base64url');
    this.tokens.set(accessToken, pending.user);
    const now = Math.floor(Date.now() / 1000);
    const idToken = this.sign({
      iss: this.issuer, sub: pending.user.sub, aud: clientId, iat: now - (this.idTokenLifetimeSeconds < 0 ? 600 : 0), exp: now + this.idTokenLifetimeSeconds,
      ...(pending.nonce ? { nonce: pending.nonce } : {}), ...(this.options.proConnectStyle ? { acr: 'eidas1', idp_id: 'fake-idp' } : pending.user.claims),
    });
    send(response, 200, { access_token: accessToken, token_type: 'Bearer', expires_in: 300, id_token: idToken, scope: 'openid email' });
  }

  private sign(payload: Record<string, unknown>): string {
    const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const input = `${encode({ alg: 'RS256', typ: 'JWT', kid: this.kid })}.${encode(payload)}`;
    const signature = createSign('RSA-SHA256').update(input).sign(this.signWithUnknownKey ? this.otherKey : this.key.privateKey).toString('base64url');
    return `${input}.${signature}`;
  }
}

function send(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  response.end(JSON.stringify(body));
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks).toString('utf8');
}

function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
