import { createPublicKey, type JsonWebKey } from 'node:crypto';
import { createRequire } from 'node:module';
import type { Logger } from '../../bots/logger.ts';

/**
 * The channel's signing keys (OpenID metadata → JWKS), fetched for botbuilder's token validation. botbuilder's
 * own fetcher (OpenIdMetadata) lets a network failure through as a bare FetchError, and marks its cache fresh
 * before reading the key set, so one unreadable answer (a proxy's HTML page) makes every genuine request 401
 * for an hour. This one keeps the last good keys, refreshes them daily or when an unknown key id appears (at most
 * every `unknownKeyRefreshMs`), and reports a key set it could not obtain as SigningKeysUnavailableError, which
 * the endpoint answers 503 (the channel retries) and never 401.
 */

/** What botbuilder's JwtTokenExtractor asks of a key source. */
interface OpenIdKeySource {
  getKey(keyId: string): Promise<{ key: string; endorsements?: string[] } | null>;
}

/** botbuilder's cache of key sources, by metadata URL (JwtTokenExtractor.openIdMetadataCache). */
interface KeySourceCache {
  set(url: string, source: OpenIdKeySource): void;
  get(url: string): OpenIdKeySource | undefined;
}

export class SigningKeysUnavailableError extends Error {
  override readonly name = 'SigningKeysUnavailableError';
  /** botbuilder's convention for a failure to load keys (AuthenticationError 500). */
  readonly statusCode = 500;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

export interface SigningKeySetOptions {
  /** Time limit of each of the two requests, ms. */
  timeoutMs?: number;
  /** Keys are fetched again after this long, ms (botbuilder: 24 h). */
  refreshMs?: number;
  /** An unknown key id (or a failed refresh) triggers a new fetch at most this often, ms. */
  unknownKeyRefreshMs?: number;
  now?: () => number;
  logger?: Logger;
}

interface CachedKey {
  key: string;
  endorsements?: string[];
}

export class SigningKeySet implements OpenIdKeySource {
  private keys: Map<string, CachedKey | null> | undefined;
  private fetchedAt = 0;
  private lastAttemptAt = Number.NEGATIVE_INFINITY;
  private refreshing: Promise<void> | undefined;
  private readonly timeoutMs: number;
  private readonly refreshMs: number;
  private readonly unknownKeyRefreshMs: number;
  private readonly now: () => number;

  constructor(
    readonly metadataUrl: string,
    private readonly options: SigningKeySetOptions = {},
  ) {
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.refreshMs = options.refreshMs ?? 24 * 3_600_000;
    this.unknownKeyRefreshMs = options.unknownKeyRefreshMs ?? 5 * 60_000;
    this.now = options.now ?? Date.now;
  }

  async getKey(keyId: string): Promise<{ key: string; endorsements?: string[] } | null> {
    if (!this.keys) {
      await this.refresh();
    } else if ((this.now() - this.fetchedAt > this.refreshMs || !this.keys.has(keyId)) && this.now() - this.lastAttemptAt > this.unknownKeyRefreshMs) {
      try {
        await this.refresh();
      } catch (error) {
        // Stale keys still verify genuine tokens; an unknown key id cannot be checked now: the request is retried.
        if (!this.keys.has(keyId)) throw error;
        this.options.logger?.warn('teams signing keys: refresh failed, the previous keys are used', { error });
      }
    }
    return this.keys?.get(keyId) ?? null;
  }

  private refresh(): Promise<void> {
    this.refreshing ??= this.fetchKeys().finally(() => (this.refreshing = undefined));
    return this.refreshing;
  }

  private async fetchKeys(): Promise<void> {
    this.lastAttemptAt = this.now();
    const metadata = await this.fetchJson(this.metadataUrl, 'document OpenID');
    const jwksUri = (metadata as { jwks_uri?: unknown } | null)?.jwks_uri;
    if (typeof jwksUri !== 'string' || !/^https?:\/\//.test(jwksUri)) throw new SigningKeysUnavailableError(`OpenID metadata without a usable jwks_uri (${this.metadataUrl})`);
    const document = await this.fetchJson(jwksUri, 'jeu de clés');
    const list = (document as { keys?: unknown } | null)?.keys;
    if (!Array.isArray(list)) throw new SigningKeysUnavailableError(`key set without a "keys" array (${jwksUri})`);
    const keys = new Map<string, CachedKey | null>();
    for (const entry of list as Array<Record<string, unknown>>) {
      if (!entry || typeof entry !== 'object' || typeof entry.kid !== 'string') continue;
      keys.set(entry.kid, toPem(entry));
    }
    this.keys = keys;
    this.fetchedAt = this.now();
  }

  private async fetchJson(url: string, what: string): Promise<unknown> {
    let response: Response;
    try {
      response = await fetch(url, { headers: { accept: 'application/json' }, signal: AbortSignal.timeout(this.timeoutMs) });
    } catch (error) {
      throw new SigningKeysUnavailableError(`${what} unreachable: ${url} (${describe(error)})`, { cause: error });
    }
    if (!response.ok) {
      await response.body?.cancel().catch(() => undefined);
      throw new SigningKeysUnavailableError(`${what} answered ${response.status}: ${url}`);
    }
    try {
      return (await response.json()) as unknown;
    } catch (error) {
      throw new SigningKeysUnavailableError(`${what} is not JSON: ${url}`, { cause: error });
    }
  }
}

/** An RSA JWK as PEM, with its endorsements; null for other key types (botbuilder ignores them too). */
function toPem(entry: Record<string, unknown>): CachedKey | null {
  if (typeof entry.n !== 'string' || typeof entry.e !== 'string') return null;
  try {
    const key = createPublicKey({ key: { kty: 'RSA', n: entry.n, e: entry.e } as JsonWebKey, format: 'jwk' }).export({ type: 'spki', format: 'pem' }).toString();
    const endorsements = Array.isArray(entry.endorsements) ? entry.endorsements.filter((value): value is string => typeof value === 'string') : undefined;
    return { key, ...(endorsements ? { endorsements } : {}) };
  } catch {
    return null;
  }
}

function describe(error: unknown): string {
  const cause = (error as { cause?: { code?: unknown; message?: unknown } } | null)?.cause;
  if (cause && typeof cause.code === 'string') return cause.code;
  return error instanceof Error ? error.name : String(error);
}

/**
 * Makes botbuilder validate channel tokens with SigningKeySet for these metadata URLs. botbuilder looks key
 * sources up in a process-wide cache keyed by URL (JwtTokenExtractor.openIdMetadataCache): filling it first is
 * its own extension point, without patching its code.
 */
export function installSigningKeySets(urls: readonly string[], options: SigningKeySetOptions = {}): void {
  const cache = keySourceCache();
  for (const url of new Set(urls)) {
    if (!(cache.get(url) instanceof SigningKeySet)) cache.set(url, new SigningKeySet(url, options));
  }
}

function keySourceCache(): KeySourceCache {
  const fromBotbuilder = createRequire(createRequire(import.meta.url).resolve('botbuilder'));
  const { JwtTokenExtractor } = fromBotbuilder('botframework-connector/lib/auth/jwtTokenExtractor.js') as { JwtTokenExtractor: { openIdMetadataCache: KeySourceCache } };
  return JwtTokenExtractor.openIdMetadataCache;
}
