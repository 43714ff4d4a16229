import * as client from 'openid-client';
import { PasserelleError } from "../../bots/errors.js";
import { roleFromClaims } from "./roles.js";
export class OidcProvider {
    settings;
    logger;
    configuration;
    constructor(settings, logger) {
        this.settings = settings;
        this.logger = logger;
    }
    get id() {
        return this.settings.id;
    }
    get label() {
        return this.settings.label;
    }
    /** Where to send the browser, and what to keep until it comes back. */
    async start(redirectUri) {
        const configuration = await this.discover();
        const verifier = client.randomPKCECodeVerifier();
        const pending = { provider: this.id, state: client.randomState(), nonce: client.randomNonce(), verifier, redirectUri };
        const url = client.buildAuthorizationUrl(configuration, {
            redirect_uri: redirectUri,
            scope: this.settings.scopes.join(' '),
            code_challenge: await client.calculatePKCECodeChallenge(verifier),
            code_challenge_method: 'S256',
            state: pending.state,
            nonce: pending.nonce,
            ...(this.id === 'proconnect' ? { acr_values: 'eidas1' } : {}),
        });
        return { url: url.href, pending };
    }
    /** Exchanges the code of the callback (its query string); every check failing is OIDC_FAILED (reason in the log). */
    async finish(query, pending) {
        const configuration = await this.discover();
        const callbackUrl = new URL(pending.redirectUri);
        callbackUrl.search = query;
        let claims;
        try {
            const tokens = await client.authorizationCodeGrant(configuration, callbackUrl, {
                pkceCodeVerifier: pending.verifier,
                expectedState: pending.state,
                expectedNonce: pending.nonce,
                idTokenExpected: true,
            });
            claims = { ...(tokens.claims() ?? {}) };
            if (this.settings.userinfo) {
                const info = await client.fetchUserInfo(configuration, tokens.access_token, String(claims.sub));
                claims = { ...info, ...claims };
            }
        }
        catch (error) {
            if (error instanceof PasserelleError)
                throw error;
            this.logger.warn('console sign-in refused', { provider: this.id, error });
            throw new PasserelleError('OIDC_FAILED', { provider: this.label, reason: reasonOf(error) }, { cause: error });
        }
        if (this.id === 'entra' && claims._claim_names && typeof claims._claim_names === 'object' && 'groups' in claims._claim_names) {
            this.logger.warn('Entra ID sent a groups overage claim: map roles with app roles (roles claim) for this user', { subject: claims.sub });
        }
        const email = typeof claims.email === 'string' ? claims.email : typeof claims.preferred_username === 'string' ? claims.preferred_username : undefined;
        const name = [claims.given_name, claims.usual_name ?? claims.family_name].filter((part) => typeof part === 'string').join(' ') || (typeof claims.name === 'string' ? claims.name : email ?? String(claims.sub));
        return { subject: String(claims.sub), ...(email ? { email } : {}), name, role: roleFromClaims(claims, this.settings.rules), claims };
    }
    discover() {
        this.configuration ??= (async () => {
            const issuer = new URL(this.settings.issuer);
            const loopback = issuer.protocol === 'http:' && /^(127\.\d+\.\d+\.\d+|localhost|\[::1\])$/.test(issuer.hostname);
            try {
                return await client.discovery(issuer, this.settings.clientId, this.settings.clientSecret, this.settings.clientSecret ? client.ClientSecretPost(this.settings.clientSecret) : client.None(), {
                    execute: [...(loopback ? [client.allowInsecureRequests] : []), client.enableNonRepudiationChecks],
                    timeout: 10,
                });
            }
            catch (error) {
                this.logger.warn('identity provider discovery failed', { provider: this.id, error });
                throw new PasserelleError('OIDC_UNAVAILABLE', { provider: this.label }, { cause: error });
            }
        })().catch((error) => {
            this.configuration = undefined;
            throw error;
        });
        return this.configuration;
    }
}
/** A short French reason for the page (the full error goes to the log). */
function reasonOf(error) {
    const parts = [];
    for (let cause = error, depth = 0; cause && depth < 5; cause = cause.cause, depth++) {
        parts.push(cause instanceof Error ? `${cause.code ?? ''} ${cause.message}` : String(cause));
    }
    const text = parts.join(' | ');
    if (/"exp"|expiration|expired|"iat".*too far in the past/i.test(text))
        return 'jeton d’identité expiré';
    if (/signature/i.test(text))
        return 'signature du jeton d’identité invalide';
    if (/nonce/i.test(text))
        return 'jeton d’identité rejoué ou d’une autre connexion';
    if (/state/i.test(text))
        return 'réponse d’une autre tentative de connexion';
    if (/invalid_grant|code_verifier|pkce/i.test(text))
        return 'code d’autorisation refusé';
    if (/aud|audience|iss|issuer/i.test(text))
        return 'jeton d’identité destiné à une autre application';
    if (/access_denied/i.test(text))
        return 'accès refusé par le fournisseur';
    return 'réponse du fournisseur invalide';
}
