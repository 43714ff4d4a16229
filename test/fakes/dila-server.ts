/**
 * Fake DILA open-data server on 127.0.0.1: `GET /OPENDATA/LEGI/` answers an Apache-style directory index (as
 * echanges.dila.gouv.fr does: `<a href="LEGI_20240102-203000.tar.gz">…</a>  date  size` lines, a parent link and
 * the PDF documentation), and `GET /OPENDATA/LEGI/<name>` the archive, honouring `Range: bytes=N-` with 206 and
 * Content-Range. Faults can be set per archive: the body cut after N bytes (the connection closed early, the
 * Content-Length announcing the whole), a status (404, 500…), a redirect elsewhere.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** `unannounced`: sent chunked, without Content-Length (the size is only known as the bytes come). */
export type ArchiveFault = { cutAfter: number } | { status: number } | { redirectTo: string } | { unannounced: true };

export interface FakeDila {
  /** The directory to pass as `--url`. */
  url: string;
  /** Requests received: `GET <path> [range]`. */
  requests: string[];
  setArchive(name: string, bytes: Buffer): void;
  /** The next request of `name` fails this way (once), or every request when `always`. */
  fault(name: string, fault: ArchiveFault, always?: boolean): void;
  /** The index itself answers this status. */
  indexStatus(status: number | undefined): void;
  close(): Promise<void>;
}

export async function startFakeDila(): Promise<FakeDila> {
  const archives = new Map<string, Buffer>();
  const faults = new Map<string, { fault: ArchiveFault; always: boolean }>();
  const requests: string[] = [];
  let index: number | undefined;
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const path = decodeURIComponent(new URL(request.url ?? '/', 'http://x').pathname);
    requests.push(`GET ${path}${request.headers.range ? ` ${request.headers.range}` : ''}`);
    if (path === '/OPENDATA/LEGI/') {
      if (index) return void response.writeHead(index).end('indisponible');
      const rows = [...archives.entries()]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([name, bytes]) => `<a href="${name}">${name}</a>${' '.repeat(Math.max(1, 52 - name.length))}2024-01-02 20:32  ${Math.ceil(bytes.length / 1024)}K`);
      response.writeHead(200, { 'content-type': 'text/html;charset=UTF-8' });
      return void response.end(`<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 3.2 Final//EN">
<html>
 <head>
  <title>Index of /OPENDATA/LEGI</title>
 </head>
 <body>
<h1>Index of /OPENDATA/LEGI</h1>
<pre><img src="/icons/blank.gif" alt="Icon "> <a href="?C=N;O=D">Name</a>                    <a href="?C=M;O=A">Last modified</a>      <a href="?C=S;O=A">Size</a>  <hr><a href="/OPENDATA/">Parent Directory</a>                             -
<a href="DILA_LEGI_Presentation_20170824.pdf">DILA_LEGI_Presentation_20170824.pdf</a>          2017-08-24 10:00  396K
${rows.join('\n')}
<hr></pre>
</body></html>
`);
    }
    const name = path.replace(/^\/OPENDATA\/LEGI\//, '');
    const bytes = archives.get(name);
    const planned = faults.get(name);
    if (planned && !planned.always) faults.delete(name);
    const fault = planned?.fault;
    if (fault && 'status' in fault) return void response.writeHead(fault.status).end('erreur');
    if (fault && 'redirectTo' in fault) return void response.writeHead(302, { location: fault.redirectTo }).end();
    if (!bytes) return void response.writeHead(404).end('Not Found');
    const range = /^bytes=(\d+)-$/.exec(String(request.headers.range ?? ''));
    const start = range ? Number(range[1]) : 0;
    if (start >= bytes.length && range) return void response.writeHead(416, { 'content-range': `bytes */${bytes.length}` }).end();
    const body = bytes.subarray(start);
    response.writeHead(range ? 206 : 200, {
      'content-type': 'application/x-gzip',
      ...(fault && 'unannounced' in fault ? {} : { 'content-length': String(body.length) }),
      'accept-ranges': 'bytes',
      ...(range ? { 'content-range': `bytes ${start}-${bytes.length - 1}/${bytes.length}` } : {}),
    });
    if (fault && 'cutAfter' in fault) {
      // The bytes are left time to arrive before the connection closes (a reset could discard them in transit).
      response.write(body.subarray(0, fault.cutAfter), () => setTimeout(() => response.socket?.end(), 300));
      return;
    }
    response.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/OPENDATA/LEGI/`,
    requests,
    setArchive: (name, bytes) => void archives.set(name, bytes),
    fault: (name, fault, always = false) => void faults.set(name, { fault, always }),
    indexStatus: (status) => void (index = status),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
