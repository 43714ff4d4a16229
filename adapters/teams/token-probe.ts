import { ConfidentialClientApplication } from '@azure/msal-node';
import type { Config } from '../../config/schema.ts';
import { teamsCredentialsOf } from './authentication.ts';
import { msalConfiguration } from './graph-directory.ts';

/** The scope of the token the bot presents to the Bot Connector service. */
export const BOT_FRAMEWORK_SCOPE = 'https://api.botframework.com/.default';

/**
 * `passerelle doctor`: asks the Microsoft identity platform for the Bot Framework token with the app
 * registration's secret or certificate, exactly as the adapter does before each reply. Resolves with the
 * token's expiry, `undefined` in anonymous mode (no app id: development only); rejects with MSAL's error
 * (AADSTS7000215 wrong secret, AADSTS700016 unknown app, AADSTS90002 unknown tenant…) or CONFIG_INVALID.
 */
export async function probeBotFrameworkToken(config: Readonly<Config>, timeoutMs: number): Promise<{ expiresOn: Date | undefined } | undefined> {
  const credentials = teamsCredentialsOf(config);
  if (!credentials) return undefined;
  const msal = new ConfidentialClientApplication(
    msalConfiguration({
      tenantId: credentials.tenantId,
      clientId: credentials.appId,
      ...(credentials.password ? { clientSecret: credentials.password } : {}),
      ...(credentials.certificate ? { certificate: credentials.certificate } : {}),
      authorityHost: config.teams.authorityHost,
      graphUrl: config.teams.graphUrl,
    }),
  );
  const result = await Promise.race([
    msal.acquireTokenByClientCredential({ scopes: [BOT_FRAMEWORK_SCOPE], skipCache: true }),
    new Promise<never>((_, reject) => setTimeout(() => reject(Object.assign(new Error(`no answer in ${timeoutMs} ms`), { code: 'ETIMEDOUT' })), timeoutMs).unref()),
  ]);
  if (!result?.accessToken) throw new Error('the identity platform returned no access token');
  return { expiresOn: result.expiresOn ?? undefined };
}
