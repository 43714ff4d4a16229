import { createWriteStream } from 'node:fs';
import { mkdir, rename, stat, truncate } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { PasserelleError } from '../../bots/errors.ts';

/**
 * Fetches DILA's LEGI archives over HTTP into the folder `passerelle sync legi` reads: the open-data directory
 * (https://echanges.dila.gouv.fr/OPENDATA/LEGI/, an HTML index whose links name `Freemium_legi_global_YYYYMMDD-
 * HHMMSS.tar.gz` and `LEGI_YYYYMMDD-HHMMSS.tar.gz`) is read, and only the archives newer than the last one applied
 * are downloaded (nothing applied yet: the latest full dump and the increments after it).
 *
 * - Streamed to `<name>.part`, renamed once whole: an archive never appears half-written under its own name.
 * - Size-capped (`maxBytes`, the announced length checked first, then the bytes as they come).
 * - Resumable: an interrupted download keeps its `.part`; the next run asks for the rest (`Range: bytes=N-`) and
 *   appends when the server answers 206, or starts again when it answers 200.
 * - Redirects are refused, never followed (the project follows none).
 * - Failures are catalogue errors in French: 404 and other refusals (not retryable), 5xx, timeouts, a body shorter
 *   than announced (retryable: the next run resumes), a full disk.
 */

export const LEGI_ARCHIVE = /^(?:Freemium_legi_global|LEGI)_(\d{8}-\d{6})\.tar\.gz$/;

export interface LegiDownloadOptions {
  /** Largest archive accepted, bytes (the full dump is about 1.2 GB compressed). */
  maxBytes: number;
  /** Time limit of the listing, and of a download without any byte received, ms. */
  timeoutMs: number;
}

export interface LegiDownloadReport {
  /** Archives downloaded whole in this run (resumed ones included), in order. */
  downloaded: string[];
  /** Archives whose download resumed from an earlier interrupted one. */
  resumed: string[];
  /** Bytes received in this run. */
  bytes: number;
  /** The download that failed (the later ones were not tried). */
  failure?: { name: string; error: PasserelleError };
}

export class LegiDownloader {
  constructor(private readonly options: LegiDownloadOptions) {}

  /** Archive names the directory lists, sorted by date (dumps before increments of the same second). */
  async listing(base: string, signal?: AbortSignal): Promise<string[]> {
    const url = directoryUrl(base);
    const response = await this.get(url, 'répertoire LEGI', {}, signal);
    const page = await response.text();
    const names = new Set<string>();
    for (const match of page.matchAll(/href\s*=\s*["']([^"']+)["']/gi)) {
      const name = decodeURIComponent((match[1] as string).split(/[?#]/)[0]?.split('/').pop() ?? '');
      if (LEGI_ARCHIVE.test(name)) names.add(name);
    }
    return [...names].sort(byStamp);
  }

  /**
   * Downloads into `folder` the listed archives to apply after `lastApplied` (the newest archive name already
   * applied, or undefined), skipping those already there whole.
   */
  async fetchNew(base: string, folder: string, lastApplied: string | undefined, present: ReadonlySet<string>, signal?: AbortSignal): Promise<LegiDownloadReport> {
    const report: LegiDownloadReport = { downloaded: [], resumed: [], bytes: 0 };
    let listed: string[];
    try {
      listed = await this.listing(base, signal);
    } catch (error) {
      if (!(error instanceof PasserelleError)) throw error;
      return { ...report, failure: { name: 'répertoire LEGI', error } };
    }
    const wanted = archivesToFetch(listed, lastApplied);
    await mkdir(folder, { recursive: true });
    for (const name of wanted) {
      if (present.has(name)) continue;
      try {
        const outcome = await this.download(base, name, folder, signal);
        report.downloaded.push(name);
        if (outcome.resumed) report.resumed.push(name);
        report.bytes += outcome.bytes;
      } catch (error) {
        if (!(error instanceof PasserelleError)) throw error;
        report.failure = { name, error };
        break;
      }
    }
    return report;
  }

  /** One archive, streamed to `<name>.part` then renamed; resumes an earlier `.part`. */
  async download(base: string, name: string, folder: string, signal?: AbortSignal): Promise<{ bytes: number; resumed: boolean }> {
    const url = new URL(encodeURIComponent(name), directoryUrl(base));
    const part = join(folder, `${name}.part`);
    const already = await stat(part).then((info) => info.size, () => 0);
    const response = await this.get(url, name, already > 0 ? { range: `bytes=${already}-` } : {}, signal);
    let offset = 0;
    if (response.status === 206) {
      const range = /^bytes (\d+)-\d+\/(\d+|\*)$/.exec(response.headers.get('content-range') ?? '');
      if (!range || Number(range[1]) !== already) {
        await response.body?.cancel().catch(() => undefined);
        throw new PasserelleError('SYNC_DOWNLOAD_FAILED', { file: name, source: url.origin, reason: 'reprise refusée par le serveur (plage inattendue)' });
      }
      offset = already;
    } else if (already > 0) {
      // 200 to a range request: the server sends the whole archive again.
      await truncate(part, 0);
    }
    const length = response.headers.get('content-length');
    const expected = length === null ? undefined : offset + Number(length);
    if (expected !== undefined && expected > this.options.maxBytes) {
      await response.body?.cancel().catch(() => undefined);
      throw new PasserelleError('SYNC_DOWNLOAD_REFUSED', { file: name, source: url.origin, reason: `archive de ${expected} octets, au-delà de la limite de ${this.options.maxBytes} octets` });
    }
    if (!response.body) throw new PasserelleError('SYNC_DOWNLOAD_FAILED', { file: name, source: url.origin, reason: 'réponse sans contenu' });
    let received = 0;
    const maxBytes = this.options.maxBytes;
    const cap = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        received += chunk.length;
        if (offset + received > maxBytes) done(new PasserelleError('SYNC_DOWNLOAD_REFUSED', { file: name, source: url.origin, reason: `archive au-delà de la limite de ${maxBytes} octets` }));
        else done(null, chunk);
      },
    });
    try {
      await pipeline(Readable.fromWeb(response.body as import('node:stream/web').ReadableStream<Uint8Array>), cap, createWriteStream(part, { flags: offset > 0 ? 'a' : 'w' }), ...(signal ? [{ signal }] : []));
    } catch (error) {
      if (error instanceof PasserelleError) {
        if (error.code === 'SYNC_DOWNLOAD_REFUSED') await truncate(part, 0).catch(() => undefined);
        throw error;
      }
      if ((error as NodeJS.ErrnoException).code === 'ENOSPC') throw new PasserelleError('SYNC_DISK_FULL', { file: name, folder }, { cause: error });
      throw new PasserelleError('SYNC_DOWNLOAD_FAILED', { file: name, source: url.origin, reason: `transfert interrompu après ${offset + received} octets` }, { cause: error });
    }
    if (expected !== undefined && offset + received !== expected) {
      throw new PasserelleError('SYNC_DOWNLOAD_FAILED', { file: name, source: url.origin, reason: `archive tronquée : ${offset + received} octets reçus sur ${expected}` });
    }
    await rename(part, join(folder, name));
    return { bytes: received, resumed: offset > 0 };
  }

  private async get(url: URL, what: string, headers: Record<string, string>, signal: AbortSignal | undefined): Promise<Response> {
    const timeout = AbortSignal.timeout(this.options.timeoutMs);
    let response: Response;
    try {
      // The headers' time limit only: a large archive may take long to stream (the caller's signal stops it).
      response = await fetch(url, { headers: { 'user-agent': 'Passerelle (synchronisation LEGI)', ...headers }, redirect: 'manual', signal: signal ? AbortSignal.any([signal, timeout]) : timeout });
    } catch (error) {
      const reason = timeout.aborted ? `pas de réponse en ${Math.round(this.options.timeoutMs / 1000)} s` : `serveur injoignable (${(error as Error).message})`;
      throw new PasserelleError('SYNC_DOWNLOAD_FAILED', { file: what, source: url.origin, reason }, { cause: error });
    }
    if (response.status >= 300 && response.status < 400) {
      await response.body?.cancel().catch(() => undefined);
      throw new PasserelleError('SYNC_DOWNLOAD_REFUSED', { file: what, source: url.origin, reason: `redirection (${response.status}) non suivie : indiquez l’adresse finale du répertoire` });
    }
    if (response.status === 200 || response.status === 206) return response;
    await response.body?.cancel().catch(() => undefined);
    if (response.status === 404 || response.status === 410) throw new PasserelleError('SYNC_DOWNLOAD_REFUSED', { file: what, source: url.origin, reason: `introuvable (${response.status})` });
    if (response.status === 416) {
      // The `.part` is longer than the archive (it changed on the server): start again next run.
      throw new PasserelleError('SYNC_DOWNLOAD_FAILED', { file: what, source: url.origin, reason: 'reprise impossible (416) : le téléchargement recommencera' });
    }
    if (response.status >= 500 || response.status === 429) throw new PasserelleError('SYNC_DOWNLOAD_FAILED', { file: what, source: url.origin, reason: `erreur du serveur (${response.status})` });
    throw new PasserelleError('SYNC_DOWNLOAD_REFUSED', { file: what, source: url.origin, reason: `réponse ${response.status}` });
  }
}

function directoryUrl(base: string): URL {
  const url = new URL(base);
  if (!url.pathname.endsWith('/')) url.pathname += '/';
  return url;
}

function stampOf(name: string): string {
  return LEGI_ARCHIVE.exec(name)?.[1] ?? '';
}

function byStamp(a: string, b: string): number {
  const order = stampOf(a).localeCompare(stampOf(b));
  // A dump and an increment of the same second: the dump first.
  return order !== 0 ? order : Number(b.startsWith('Freemium')) - Number(a.startsWith('Freemium'));
}

/**
 * What to fetch: after `lastApplied`, the increments newer than it; with nothing applied, the latest full dump
 * and the increments after it (a newer dump is not fetched again once increments are followed: 1.2 GB).
 */
export function archivesToFetch(listed: readonly string[], lastApplied: string | undefined): string[] {
  const sorted = [...listed].sort(byStamp);
  if (lastApplied) {
    const after = stampOf(lastApplied);
    return sorted.filter((name) => name.startsWith('LEGI_') && stampOf(name) > after);
  }
  const dump = sorted.filter((name) => name.startsWith('Freemium')).pop();
  if (!dump) return sorted.filter((name) => name.startsWith('LEGI_'));
  return [dump, ...sorted.filter((name) => name.startsWith('LEGI_') && stampOf(name) >= stampOf(dump))];
}

/** The newest archive name of those applied (by the date in its name). */
export function lastAppliedArchive(applied: Iterable<string>): string | undefined {
  return [...applied].filter((name) => LEGI_ARCHIVE.test(name)).sort(byStamp).pop();
}
