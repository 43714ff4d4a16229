import { PasserelleError } from "../../bots/errors.js";
/**
 * The French phrase an operator reads for a failed check: what went wrong at the network or protocol
 * level, found anywhere along the cause chain (a catalogue error wrapping a driver's error wrapping a socket
 * error). Never a stack trace; the raw cause goes to the log at debug level.
 */
export function describeFailure(error) {
    for (const link of causeChain(error)) {
        const code = String(link.code ?? '');
        const message = link instanceof Error ? link.message : String(link);
        if (code === 'ECONNREFUSED' || /ECONNREFUSED/.test(message))
            return 'connexion refusée (le service n’est pas démarré, ou l’adresse ou le port sont faux)';
        if (code === 'ENOTFOUND' || code === 'EAI_AGAIN' || /ENOTFOUND|getaddrinfo/.test(message))
            return 'nom d’hôte introuvable (vérifiez l’adresse et le DNS)';
        if (code === 'ETIMEDOUT' || code === 'UND_ERR_CONNECT_TIMEOUT' || (link instanceof Error && (link.name === 'TimeoutError' || link.name === 'AbortError')) || /timeout|timed out|no answer in/i.test(message)) {
            return 'pas de réponse dans le délai imparti (pare-feu, proxy ou service surchargé)';
        }
        if (code === 'ECONNRESET' || code === 'EPIPE' || /socket hang up|other side closed/i.test(message))
            return 'connexion coupée par le serveur (mauvais protocole http/https ou proxy ?)';
        if (code === 'EHOSTUNREACH' || code === 'ENETUNREACH')
            return 'hôte injoignable (réseau ou pare-feu)';
        if (/^(CERT_|UNABLE_TO_VERIFY|SELF_SIGNED|DEPTH_ZERO)/.test(code) || /certificate/i.test(message))
            return 'certificat TLS refusé (autorité non reconnue : NODE_EXTRA_CA_CERTS)';
        if (code === '28P01' || code === '28000' || /password authentication failed|NOAUTH|WRONGPASS|invalid password/i.test(message))
            return 'authentification refusée (identifiant ou mot de passe incorrect)';
        if (code === '3D000')
            return 'base de données inexistante';
        if (/AADSTS7000215|invalid_client/.test(message))
            return 'secret de l’application refusé par Microsoft Entra ID (AADSTS7000215 : secret incorrect ou expiré)';
        if (/AADSTS700016/.test(message))
            return 'application inconnue dans ce tenant (AADSTS700016 : vérifiez TEAMS_APP_ID et TEAMS_TENANT_ID)';
        if (/AADSTS90002|tenant .* not found/i.test(message))
            return 'tenant Entra ID introuvable (AADSTS90002 : vérifiez TEAMS_TENANT_ID)';
        const status = statusOf(link);
        if (status === 401 || status === 403)
            return `accès refusé (HTTP ${status} : clé, jeton ou mot de passe incorrect)`;
        if (status === 404)
            return 'adresse ou modèle introuvable (HTTP 404 : vérifiez l’URL, qui se termine souvent par /v1, et le nom du modèle)';
        if (status === 429)
            return 'trop de requêtes (HTTP 429 : quota atteint chez le fournisseur)';
        if (status !== undefined && status >= 500)
            return `erreur du serveur (HTTP ${status})`;
        if (status !== undefined && status >= 400)
            return `requête refusée (HTTP ${status})`;
    }
    if (error instanceof PasserelleError)
        return error.userMessage;
    const message = error instanceof Error ? error.message : String(error);
    return `erreur inattendue : ${message.slice(0, 200)}`;
}
function causeChain(error) {
    const chain = [];
    const pending = [error];
    while (pending.length > 0 && chain.length < 20) {
        const next = pending.shift();
        if (next === undefined || next === null || chain.includes(next))
            continue;
        chain.push(next);
        if (next instanceof AggregateError)
            pending.push(...next.errors);
        if (next instanceof Error && next.cause !== undefined)
            pending.push(next.cause);
    }
    return chain;
}
function statusOf(error) {
    if (!error || typeof error !== 'object')
        return undefined;
    const record = error;
    for (const value of [record.status, record.statusCode, record.httpStatus, record.details?.status]) {
        const number = Number(value);
        if (Number.isInteger(number) && number >= 400 && number < 600)
            return number;
    }
    const match = /\b(?:HTTP|status(?: code)?)[ :]*([45]\d\d)\b/i.exec(error instanceof Error ? error.message : '');
    return match ? Number(match[1]) : undefined;
}
