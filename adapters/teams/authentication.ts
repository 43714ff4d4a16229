import { readFileSync } from 'node:fs';
import { ConfigurationBotFrameworkAuthentication } from 'botbuilder';
import { PasserelleError } from '../../bots/errors.ts';
import type { Logger } from '../../bots/logger.ts';
import type { Config } from '../../config/schema.ts';
import { installSigningKeySets } from './signing-keys.ts';
import { CONFIG_ERRORS } from './teams-messages.ts';

/**
 * Who the Teams endpoint trusts. With an Entra app registration (single tenant) every request must carry a
 * valid Bot Framework JWT (botbuilder's ConfigurationBotFrameworkAuthentication validates signature, issuer,
 * audience = app id, endorsements and the serviceurl claim) and come from an allowed tenant. Without one, the
 * endpoint runs in anonymous local mode (emulator, tests): refused in production.
 */

export type TeamsConfig = Config['teams'];

export interface TeamsCredentials {
  appId: string;
  tenantId: string;
  password?: string;
  certificate?: { thumbprint: string; privateKey: string };
}

/** Test and sovereign-cloud overrides of the Bot Framework endpoints (botbuilder configuration keys). */
export interface AuthenticationOverrides {
  /** OpenID metadata document listing the channel's signing keys (ToBotFromChannelOpenIdMetadataUrl). */
  openIdMetadataUrl?: string;
  /** Issuer expected in channel tokens (ToBotFromChannelTokenIssuer). */
  tokenIssuer?: string;
  /** Replaces the credential factory that signs outgoing requests (tests: a fixed token, no MSAL). */
  credentialsFactory?: ConstructorParameters<typeof ConfigurationBotFrameworkAuthentication>[1];
}

/**
 * The credentials configured for Teams, or undefined for anonymous mode. Incomplete sets and anonymous mode
 * in production are configuration errors (CONFIG_INVALID), so the process refuses to start.
 */
export function teamsCredentialsOf(config: Readonly<Config>): TeamsCredentials | undefined {
  const teams = config.teams;
  const problems: string[] = [];
  if (!teams.appId) {
    if (config.environment === 'production') problems.push(CONFIG_ERRORS.productionWithoutCredentials);
    if (problems.length > 0) throw new PasserelleError('CONFIG_INVALID', { problems: problems.join(' ; ') });
    return undefined;
  }
  if (!teams.tenantId) problems.push(CONFIG_ERRORS.missingTenant);
  const withCertificate = Boolean(teams.certificateThumbprint || teams.certificateKeyFile);
  if (withCertificate && !(teams.certificateThumbprint && teams.certificateKeyFile)) problems.push(CONFIG_ERRORS.incompleteCertificate);
  if (!withCertificate && !teams.appPassword) problems.push(CONFIG_ERRORS.missingSecret);
  let privateKey = '';
  if (withCertificate && teams.certificateKeyFile && problems.length === 0) {
    try {
      privateKey = readFileSync(teams.certificateKeyFile, 'utf8');
    } catch (error) {
      throw new PasserelleError('CONFIG_INVALID', { problems: `${CONFIG_ERRORS.unreadableKeyFile} (${teams.certificateKeyFile})` }, { cause: error });
    }
  }
  if (problems.length > 0) throw new PasserelleError('CONFIG_INVALID', { problems: problems.join(' ; ') });
  return {
    appId: teams.appId,
    tenantId: teams.tenantId as string,
    ...(withCertificate ? { certificate: { thumbprint: teams.certificateThumbprint as string, privateKey } } : { password: teams.appPassword as string }),
  };
}

/** botbuilder's authentication for these credentials (anonymous when undefined). */
export function createAuthentication(credentials: TeamsCredentials | undefined, overrides: AuthenticationOverrides = {}, logger?: Logger): ConfigurationBotFrameworkAuthentication {
  const settings: Record<string, string> = {};
  // Channel tokens are checked against keys fetched by SigningKeySet (an outage is 503, never 401).
  if (credentials) installSigningKeySets([overrides.openIdMetadataUrl ?? PUBLIC_CLOUD.ToBotFromChannelOpenIdMetadataUrl, PUBLIC_CLOUD.ToBotFromEmulatorOpenIdMetadataUrl], logger ? { logger } : {});
  if (credentials) {
    settings.MicrosoftAppId = credentials.appId;
    settings.MicrosoftAppType = 'SingleTenant';
    settings.MicrosoftAppTenantId = credentials.tenantId;
    if (credentials.password) settings.MicrosoftAppPassword = credentials.password;
    if (credentials.certificate) {
      settings.CertificateThumbprint = credentials.certificate.thumbprint;
      settings.CertificatePrivateKey = credentials.certificate.privateKey;
    }
  }
  if (overrides.openIdMetadataUrl || overrides.tokenIssuer) {
    // botbuilder takes ALL endpoint settings as given as soon as one is set: start from the public cloud's.
    Object.assign(settings, PUBLIC_CLOUD, {
      ...(overrides.openIdMetadataUrl ? { ToBotFromChannelOpenIdMetadataUrl: overrides.openIdMetadataUrl } : {}),
      ...(overrides.tokenIssuer ? { ToBotFromChannelTokenIssuer: overrides.tokenIssuer } : {}),
    });
  }
  return new ConfigurationBotFrameworkAuthentication(settings, overrides.credentialsFactory);
}

/** Public Azure cloud endpoints (botframework-connector AuthenticationConstants, CallerIdConstants). */
const PUBLIC_CLOUD = {
  ToChannelFromBotLoginUrl: 'https://login.microsoftonline.com/botframework.com',
  ToChannelFromBotOAuthScope: 'https://api.botframework.com',
  ToBotFromChannelTokenIssuer: 'https://api.botframework.com',
  OAuthUrl: 'https://api.botframework.com',
  ToBotFromChannelOpenIdMetadataUrl: 'https://login.botframework.com/v1/.well-known/openidconfiguration',
  ToBotFromEmulatorOpenIdMetadataUrl: 'https://login.microsoftonline.com/common/v2.0/.well-known/openid-configuration',
  CallerId: 'urn:botframework:azure',
} as const;

/**
 * Tenants accepted: `allowedTenants`, else the app's own tenant. An empty list means "any tenant" and only
 * happens in anonymous mode without `allowedTenants`.
 */
export function allowedTenantsOf(teams: TeamsConfig): string[] {
  if (teams.allowedTenants.length > 0) return [...teams.allowedTenants];
  return teams.tenantId ? [teams.tenantId] : [];
}

export function isTenantAllowed(tenant: string | undefined, allowed: readonly string[]): boolean {
  if (allowed.length === 0) return true;
  return tenant !== undefined && allowed.includes(tenant);
}

/** Anonymous mode only talks to local service URLs: an unauthenticated request must not steer the bot's HTTP calls elsewhere. */
export function isLoopbackUrl(url: string): boolean {
  try {
    const host = new URL(url).hostname.replace(/^\[|\]$/g, '');
    return host === 'localhost' || host === '::1' || /^127(\.\d{1,3}){3}$/.test(host);
  } catch {
    return false;
  }
}

/** Network failures of Node's and node-fetch's HTTP clients (system error codes). */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE', 'ECONNABORTED', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_SOCKET', 'CERT_HAS_EXPIRED', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'DEPTH_ZERO_SELF_SIGNED_CERT', 'SELF_SIGNED_CERT_IN_CHAIN']);

/**
 * Whether an authentication failure means "the channel's signing keys could not be fetched" (OpenID metadata
 * or key set unreachable, DNS, proxy, 5xx, not JSON) rather than "this token is not valid". botbuilder reports
 * the first with status 500 when the service answered an error, and lets node-fetch's FetchError (or a system
 * error) through when it could not be reached. Such a request may be genuine: it is answered 503 so that the
 * channel retries it, never 401.
 */
export function isSigningKeyFetchFailure(error: unknown): boolean {
  if (!error || typeof error !== 'object') return false;
  const failure = error as { statusCode?: unknown; name?: unknown; code?: unknown; errno?: unknown; cause?: unknown };
  if (failure.statusCode === 500) return true;
  if (failure.name === 'FetchError' || failure.name === 'AbortError') return true;
  if (typeof failure.code === 'string' && NETWORK_CODES.has(failure.code)) return true;
  return failure.cause !== undefined && failure.cause !== error && isSigningKeyFetchFailure(failure.cause);
}
