import { PasserelleError } from '../../bots/errors.ts';
import type { Attachment } from '../../bots/message.ts';
import type { TeamsAttachmentLocator } from './activity-mapper.ts';
import { isLoopbackUrl } from './authentication.ts';

/**
 * Downloads what a user attached to a Teams message, for document summaries.
 *
 * - A file sent in a personal chat (`application/vnd.microsoft.teams.file.download.info`) is fetched from its
 *   `content.downloadUrl`, a short-lived pre-authenticated URL: no token is sent.
 * - An inline image or other attachment is fetched from its `contentUrl`; the bot's connector token is added
 *   only when that URL is on the conversation's own service (same origin as `serviceUrl`), so the token never
 *   leaves for another host. In anonymous local mode there is no token.
 *
 * URL policy (the bot must not become an open fetch proxy): in anonymous local mode only loopback URLs
 * (like the endpoint's serviceUrl policy); with credentials https only, plus loopback http outside production
 * (tests against local fakes). Redirects are followed by hand (at most 5), each hop checked against the same
 * policy, and the token is dropped on any change of origin.
 *
 * Size: a Content-Length above `maxBytes` is refused before reading; otherwise the body is read until it
 * passes `maxBytes`, then the download is aborted (FILE_TOO_LARGE). Network failures, timeouts and non-2xx
 * answers are ATTACHMENT_UNREADABLE.
 */

export interface DownloadPolicy {
  anonymous: boolean;
  production: boolean;
  timeoutMs: number;
  /** The Authorization header of the bot's connector credentials for a service URL (undefined: none). */
  authorization(serviceUrl: string): Promise<string | undefined>;
}

const MAX_REDIRECTS = 5;

const DOWNLOAD_REASONS = {
  noUrl: 'elle ne porte pas d’adresse de téléchargement',
  forbiddenUrl: 'son adresse de téléchargement n’est pas autorisée',
  network: 'le téléchargement a échoué',
  timeout: 'le téléchargement a pris trop de temps',
  tooManyRedirects: 'trop de redirections',
  status: (status: number) => `le serveur a répondu ${status}`,
} as const;

/** Whether the bot may fetch this URL. */
export function isDownloadAllowed(url: URL, policy: Pick<DownloadPolicy, 'anonymous' | 'production'>): boolean {
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return false;
  if (url.username || url.password) return false;
  if (policy.anonymous) return isLoopbackUrl(url.href);
  if (url.protocol === 'https:') return true;
  return !policy.production && isLoopbackUrl(url.href);
}

function locatorOf(attachment: Attachment): TeamsAttachmentLocator | undefined {
  const locator = attachment.locator as Partial<TeamsAttachmentLocator> | undefined;
  if (!locator || typeof locator !== 'object' || typeof locator.url !== 'string' || !locator.url) return undefined;
  return locator as TeamsAttachmentLocator;
}

export async function downloadAttachment(attachment: Attachment, maxBytes: number, policy: DownloadPolicy): Promise<Buffer> {
  const file = attachment.name;
  const unreadable = (reason: string, cause?: unknown) => new PasserelleError('ATTACHMENT_UNREADABLE', { file, reason }, cause === undefined ? {} : { cause });
  const locator = locatorOf(attachment);
  if (!locator?.url) throw unreadable(DOWNLOAD_REASONS.noUrl);
  let url: URL;
  try {
    url = new URL(locator.url);
  } catch (error) {
    throw unreadable(DOWNLOAD_REASONS.noUrl, error);
  }
  const tooLarge = (size: number) => new PasserelleError('FILE_TOO_LARGE', { file, size, max: maxBytes });
  if (locator.size !== undefined && locator.size > maxBytes) throw tooLarge(locator.size);

  let authorization: string | undefined;
  if (locator.kind === 'content' && locator.serviceUrl && sameOrigin(url, locator.serviceUrl)) authorization = await policy.authorization(locator.serviceUrl);
  const tokenOrigin = url.origin;
  const signal = AbortSignal.timeout(policy.timeoutMs);

  for (let hop = 0; ; hop++) {
    if (!isDownloadAllowed(url, policy)) throw unreadable(DOWNLOAD_REASONS.forbiddenUrl, new Error(`download refused: ${url.origin}`));
    const headers: Record<string, string> = { accept: '*/*' };
    if (authorization && url.origin === tokenOrigin) headers.authorization = authorization;
    let response: Response;
    try {
      response = await fetch(url, { headers, redirect: 'manual', signal });
    } catch (error) {
      throw unreadable(isTimeout(error) ? DOWNLOAD_REASONS.timeout : DOWNLOAD_REASONS.network, error);
    }
    if (response.status >= 300 && response.status < 400 && response.headers.get('location')) {
      await response.body?.cancel().catch(() => undefined);
      if (hop >= MAX_REDIRECTS) throw unreadable(DOWNLOAD_REASONS.tooManyRedirects);
      url = new URL(response.headers.get('location')!, url);
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
async function readLimited(response: Response, maxBytes: number, tooLarge: (size: number) => Error, failed: (error: unknown) => Error): Promise<Buffer> {
  if (!response.body) return Buffer.alloc(0);
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > maxBytes) {
        await reader.cancel().catch(() => undefined);
        throw tooLarge(size);
      }
      chunks.push(value);
    }
  } catch (error) {
    if (error instanceof PasserelleError) throw error;
    throw failed(error);
  }
  return Buffer.concat(chunks, size);
}

function sameOrigin(url: URL, other: string): boolean {
  try {
    return new URL(other).origin === url.origin;
  } catch {
    return false;
  }
}

function isTimeout(error: unknown): boolean {
  return error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
}
