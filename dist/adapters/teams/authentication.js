import { readFileSync } from 'node:fs';
import { ConfigurationBotFrameworkAuthentication } from 'botbuilder';
import { PasserelleError } from "../../bots/errors.js";
import { CONFIG_ERRORS } from "./teams-messages.js";
/**
 * The credentials configured for Teams, or undefined for anonymous mode. Incomplete sets and anonymous mode
 * in production are configuration errors (CONFIG_INVALID), so the process refuses to start.
 */
export function teamsCredentialsOf(config) {
    const teams = config.teams;
    const problems = [];
    if (!teams.appId) {
        if (config.environment === 'production')
            problems.push(CONFIG_ERRORS.productionWithoutCredentials);
        if (problems.length > 0)
            throw new PasserelleError('CONFIG_INVALID', { problems: problems.join(' ; ') });
        return undefined;
    }
    if (!teams.tenantId)
        problems.push(CONFIG_ERRORS.missingTenant);
    const withCertificate = Boolean(teams.certificateThumbprint || teams.certificateKeyFile);
    if (withCertificate && !(teams.certificateThumbprint && teams.certificateKeyFile))
        problems.push(CONFIG_ERRORS.incompleteCertificate);
    if (!withCertificate && !teams.appPassword)
        problems.push(CONFIG_ERRORS.missingSecret);
    let privateKey = '';
    if (withCertificate && teams.certificateKeyFile && problems.length === 0) {
        try {
            privateKey = readFileSync(teams.certificateKeyFile, 'utf8');
        }
        catch (error) {
            throw new PasserelleError('CONFIG_INVALID', { problems: `${CONFIG_ERRORS.unreadableKeyFile} (${teams.certificateKeyFile})` }, { cause: error });
        }
    }
    if (problems.length > 0)
        throw new PasserelleError('CONFIG_INVALID', { problems: problems.join(' ; ') });
    return {
        appId: teams.appId,
        tenantId: teams.tenantId,
        ...(withCertificate ? { certificate: { thumbprint: teams.certificateThumbprint, privateKey } } : { password: teams.appPassword }),
    };
}
/** botbuilder's authentication for these credentials (anonymous when undefined). */
export function createAuthentication(credentials, overrides = {}) {
    const settings = {};
    if (credentials) {
        settings.MicrosoftAppId = credentials.appId;
        settings.MicrosoftAppType = 'SingleTenant';
        settings.MicrosoftAppTenantId = credentials.tenantId;
        if (credentials.password)
            settings.MicrosoftAppPassword = credentials.password;
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
};
/**
 * Tenants accepted: `allowedTenants`, else the app's own tenant. An empty list means "any tenant" and only
 * happens in anonymous mode without `allowedTenants`.
 */
export function allowedTenantsOf(teams) {
    if (teams.allowedTenants.length > 0)
        return [...teams.allowedTenants];
    return teams.tenantId ? [teams.tenantId] : [];
}
export function isTenantAllowed(tenant, allowed) {
    if (allowed.length === 0)
        return true;
    return tenant !== undefined && allowed.includes(tenant);
}
/** Anonymous mode only talks to local service URLs: an unauthenticated request must not steer the bot's HTTP calls elsewhere. */
export function isLoopbackUrl(url) {
    try {
        const host = new URL(url).hostname.replace(/^\[|\]$/g, '');
        return host === 'localhost' || host === '::1' || /^127(\.\d{1,3}){3}$/.test(host);
    }
    catch {
        return false;
    }
}
