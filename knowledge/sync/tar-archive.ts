import { gunzipSync } from 'node:zlib';

/**
 * Reads the regular files of a tar.gz archive (ustar, with GNU and pax long names), all in memory: LEGI daily
 * increments are a few MB. A truncated or corrupt archive throws (gzip "unexpected end of file", a header whose
 * checksum is wrong, a file running past the end) — the caller applies nothing from it.
 */

export interface TarEntry {
  path: string;
  content: Buffer;
}

export class TarError extends Error {}

export function readTarGz(bytes: Buffer): TarEntry[] {
  let tar: Buffer;
  try {
    tar = gunzipSync(bytes);
  } catch (error) {
    throw new TarError(`gzip illisible (${(error as Error).message})`);
  }
  return readTar(tar);
}

export function readTar(tar: Buffer): TarEntry[] {
  const entries: TarEntry[] = [];
  let offset = 0;
  let longName: string | undefined;
  let paxPath: string | undefined;
  while (offset + 512 <= tar.length) {
    const header = tar.subarray(offset, offset + 512);
    if (header.every((byte) => byte === 0)) return entries;
    if (!checksumOk(header)) throw new TarError(`en-tête corrompu à l’octet ${offset}`);
    const size = parseOctal(header.subarray(124, 136));
    const type = String.fromCharCode(header[156] ?? 0);
    const start = offset + 512;
    const end = start + size;
    if (end > tar.length) throw new TarError(`archive tronquée : « ${text(header.subarray(0, 100))} » dépasse la fin`);
    const content = tar.subarray(start, end);
    if (type === 'L') longName = text(content);
    else if (type === 'x') paxPath = /(?:^|\n)\d+ path=([^\n]*)\n/.exec(content.toString('utf8'))?.[1];
    else {
      if (type === '0' || type === '\0' || type === '7') {
        const prefix = text(header.subarray(345, 500));
        const name = paxPath ?? longName ?? (prefix ? `${prefix}/${text(header.subarray(0, 100))}` : text(header.subarray(0, 100)));
        entries.push({ path: name, content: Buffer.from(content) });
      }
      longName = undefined;
      paxPath = undefined;
    }
    offset = start + Math.ceil(size / 512) * 512;
  }
  // No end-of-archive blocks: cut short.
  throw new TarError('archive tronquée : fin d’archive absente');
}

function text(bytes: Buffer): string {
  const end = bytes.indexOf(0);
  return bytes.subarray(0, end < 0 ? bytes.length : end).toString('utf8');
}

function parseOctal(bytes: Buffer): number {
  const value = text(bytes).trim();
  return value === '' ? 0 : parseInt(value, 8);
}

function checksumOk(header: Buffer): boolean {
  const stored = parseOctal(header.subarray(148, 156));
  let sum = 0;
  for (let index = 0; index < 512; index++) sum += index >= 148 && index < 156 ? 32 : (header[index] as number);
  return sum === stored;
}

/** Writes a tar.gz (ustar, names ≤ 100 bytes or split with the 155-byte prefix): used by tests and fixtures. */
export function writeTar(entries: TarEntry[]): Buffer {
  const blocks: Buffer[] = [];
  for (const entry of entries) {
    const header = Buffer.alloc(512);
    let name = entry.path;
    let prefix = '';
    if (Buffer.byteLength(name) > 100) {
      const cut = name.lastIndexOf('/', 155);
      prefix = name.slice(0, cut);
      name = name.slice(cut + 1);
    }
    header.write(name, 0, 100, 'utf8');
    header.write('0000644\0', 100);
    header.write('0000000\0', 108);
    header.write('0000000\0', 116);
    header.write(`${entry.content.length.toString(8).padStart(11, '0')}\0`, 124);
    header.write(`${Math.floor(Date.UTC(2024, 0, 15) / 1000).toString(8).padStart(11, '0')}\0`, 136);
    header.write('        ', 148);
    header.write('0', 156);
    header.write('ustar\0', 257);
    header.write('00', 263);
    header.write(prefix, 345, 155, 'utf8');
    let sum = 0;
    for (const byte of header) sum += byte;
    header.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
    blocks.push(header, entry.content, Buffer.alloc((512 - (entry.content.length % 512)) % 512));
  }
  blocks.push(Buffer.alloc(1024));
  return Buffer.concat(blocks);
}
