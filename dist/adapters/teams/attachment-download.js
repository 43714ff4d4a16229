import { PasserelleError } from "../../bots/errors.js";
import { isLoopbackUrl } from "./authentication.js";
const MAX_REDIRECTS = 5;
const DOWNLOAD_REASONS = {
    noUrl: 'elle ne porte pas d’adresse de téléchargement',
    forbiddenUrl: 'son adresse de téléchargement n’est pas autorisée',
    network: 'le téléchargement a échoué',
    timeout: 'le téléchargement a pris trop de temps',
    tooManyRedirects: 'trop de redirections',
    status: (status) => `le serveur a répondu ${status}`,
};
/** Whether the bot may fetch this URL. */
export function isDownloadAllowed(url, policy) {
    if (url.protocol !== 'https:' && url.protocol !== 'http:')
        return false;
    if (url.username || url.password)
        return false;
    if (policy.anonymous)
        return isLoopbackUrl(url.href);
    if (url.protocol === 'https:')
        return true;
    return !policy.production && isLoopbackUrl(url.href);
}
function locatorOf(attachment) {
    const locator = attachment.locator;
    if (!locator || typeof locator !== 'object' || typeof locator.url !== 'string' || !locator.url)
        return undefined;
    return locator;
}
export async function downloadAttachment(attachment, maxBytes, policy) {
    const file = attachment.name;
    const unreadable = (reason, cause) => new PasserelleError('ATTACHMENT_UNREADABLE', { file, reason }, cause === undefined ? {} : { cause });
    const locator = locatorOf(attachment);
    if (!locator?.url)
        throw unreadable(DOWNLOAD_REASONS.noUrl);
    let url;
    try {
        url = new URL(locator.url);
    }
    catch (error) {
        throw unreadable(DOWNLOAD_REASONS.noUrl, error);
    }
    const tooLarge = (size) => new PasserelleError('FILE_TOO_LARGE', { file, size, max: maxBytes });
    if (locator.size !== undefined && locator.size > maxBytes)
        throw tooLarge(locator.size);
    let authorization;
    if (locator.kind === 'content' && locator.serviceUrl && sameOrigin(url, locator.serviceUrl))
        authorization = await policy.authorization(locator.serviceUrl);
    const tokenOrigin = url.origin;
    const signal = AbortSignal.timeout(policy.timeoutMs);
    for (let hop = 0;; hop++) {
        if (!isDownloadAllowed(url, policy))
            throw unreadable(DOWNLOAD_REASONS.forbiddenUrl, new Error(`download refused: ${url.origin}`));
        const headers = { accept: '*/*' };
        if (authorization && url.origin === tokenOrigin)
            headers.authorization = authorization;
        let response;
        try {
            response = await fetch(url, { headers, redirect: 'manual', signal });
        }
        catch (error) {
            throw unreadable(isTimeout(error) ? DOWNLOAD_REASONS.timeout : DOWNLOAD_REASONS.network, error);
        }
        if (response.status >= 300 && response.status < 400 && response.headers.get('location')) {
            await response.body?.cancel().catch(() => undefined);
            if (hop >= MAX_REDIRECTS)
                throw unreadable(DOWNLOAD_REASONS.tooManyRedirects);
            url = new URL(response.headers.get('location'), url);
            continue;
        }
        if (!response.ok) {
            await response.body?.cancel().catch(() => undefined);
            throw unreadable(DOWNLOAD_REASONS.status(response.status), new Error(`GET ${url.origin}${url.pathname}: ${response.status}`));
        }
        const declared = Number(response.headers.get('content-length') ?? NaN);
        if (Number.isFinite(declared) && declared > maxBytes) {
            await response.body?.cancel().catch(() => undefined);
            throw tooLarge(declared);
        }
        return readLimited(response, maxBytes, tooLarge, (error) => unreadable(isTimeout(error) ? DOWNLOAD_REASONS.timeout : DOWNLOAD_REASONS.network, error));
    }
}
/** Reads the body, aborting as soon as it passes `maxBytes`. */
async function readLimited(response, maxBytes, tooLarge, failed) {
    if (!response.body)
        return Buffer.alloc(0);
    const reader = response.body.getReader();
    const chunks = [];
    let size = 0;
    try {
        for (;;) {
            const { done, value } = await reader.read();
            if (done)
                break;
            size += value.byteLength;
            if (size > maxBytes) {
                await reader.cancel().catch(() => undefined);
                throw tooLarge(size);
            }
            chunks.push(value);
        }
    }
    catch (error) {
        if (error instanceof PasserelleError)
            throw error;
        throw failed(error);
    }
    return Buffer.concat(chunks, size);
}
function sameOrigin(url, other) {
    try {
        return new URL(other).origin === url.origin;
    }
    catch {
        return false;
    }
}
function isTimeout(error) {
    return error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
}
