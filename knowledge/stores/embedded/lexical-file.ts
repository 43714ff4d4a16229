import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, openSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { crc32 } from 'node:zlib';

/**
 * The persisted lexical index as a plain file next to the embedded store (`knowledge.sqlite-lexical-<kb>`), the
 * copy a starting process reads first: one `readFileSync` of the bytes (the SQLite copy is 7,000 overflow pages
 * on the 16× base, 100–400 ms to read; the file, a few tens of ms), decoded in place (lexical-snapshot.ts).
 *
 * Consistency, as for the SQLite copy: the file's header carries the generation of the rows it was built from
 * and that generation's random token (lexical-snapshot.ts: a store deleted and ingested again, or restored from
 * a backup, counts its generations anew, never with the same tokens); a file of another generation or token is
 * stale and never used. It is written whole under a temporary name,
 * flushed, then renamed over the old one: a reader opens either the old file or the new one, never a
 * half-written one. Its length and checksum are checked before use: a truncated or damaged file is ignored
 * (the caller warns, then reads the SQLite copy or rebuilds and writes the file again).
 *
 * Header (40 bytes, little-endian): magic "PLF1", layout, generation (f64), payload length (u32), CRC-32 of
 * the payload (u32), generation token (16 bytes); then the snapshot's bytes as encodeSnapshot writes them.
 */

const MAGIC = 0x31464c50; // "PLF1" read as little-endian
const LAYOUT = 1;
const HEADER_BYTES = 40;
/**
 * A temporary file this old is a writer's leftover (a process killed between writing and renaming): a write takes
 * well under a second, so nothing still being written is this old, whichever process or container writes it.
 */
export const STALE_TEMPORARY_MS = 10 * 60_000;

/** Path of a base's index file next to the store file. */
export function lexicalFilePath(storeFile: string, kb: string): string {
  return `${storeFile}-lexical-${encodeURIComponent(kb)}`;
}

export type LexicalFileRead =
  | { status: 'fresh'; payload: Uint8Array }
  | { status: 'absent' }
  | { status: 'stale'; generation: number }
  | { status: 'damaged'; reason: string };

/** Reads the file; its payload only when it is whole and of `generation` with `token`. */
export function readLexicalFile(path: string, token: string, generation: number): LexicalFileRead {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { status: 'absent' };
    return { status: 'damaged', reason: (error as Error).message };
  }
  if (bytes.byteLength < HEADER_BYTES) return { status: 'damaged', reason: 'shorter than its header' };
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint32(0, true) !== MAGIC || view.getUint32(4, true) !== LAYOUT) return { status: 'damaged', reason: 'unknown header' };
  const stored = view.getFloat64(8, true);
  const length = view.getUint32(16, true);
  if (bytes.byteLength !== HEADER_BYTES + length) return { status: 'damaged', reason: `${bytes.byteLength - HEADER_BYTES} bytes instead of ${length}` };
  if (bytes.subarray(24, 40).toString('hex') !== token || stored !== generation) return { status: 'stale', generation: stored };
  const payload = bytes.subarray(HEADER_BYTES);
  if (crc32(payload) !== view.getUint32(20, true)) return { status: 'damaged', reason: 'checksum mismatch' };
  return { status: 'fresh', payload };
}

/**
 * Writes the file atomically: a temporary file in the same folder, flushed, renamed over the old one.
 * Throws when the folder is not writable (the caller goes on without the file).
 */
export function writeLexicalFile(path: string, token: string, generation: number, payload: Uint8Array): void {
  const header = Buffer.alloc(HEADER_BYTES);
  header.writeUInt32LE(MAGIC, 0);
  header.writeUInt32LE(LAYOUT, 4);
  header.writeDoubleLE(generation, 8);
  header.writeUInt32LE(payload.byteLength, 16);
  header.writeUInt32LE(crc32(payload), 20);
  Buffer.from(token, 'hex').copy(header, 24);
  removeStaleTemporaries(path);
  const temporary = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    const fd = openSync(temporary, 'wx', 0o600);
    try {
      writeAll(fd, header);
      writeAll(fd, payload);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temporary, path);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
}

/** Removes the temporary files of `path` left by writers killed before their rename (older than STALE_TEMPORARY_MS). */
function removeStaleTemporaries(path: string): void {
  const now = Date.now();
  const folder = dirname(path);
  const prefix = `${basename(path)}.`;
  let names: string[];
  try {
    names = readdirSync(folder);
  } catch {
    return;
  }
  for (const name of names) {
    if (!name.startsWith(prefix) || !name.endsWith('.tmp')) continue;
    try {
      if (now - statSync(join(folder, name)).mtimeMs > STALE_TEMPORARY_MS) rmSync(join(folder, name), { force: true });
    } catch {
      // Gone meanwhile, or not ours to remove: the write goes on.
    }
  }
}

/** Removes a base's file (its base was dropped). */
export function removeLexicalFile(path: string): void {
  rmSync(path, { force: true });
}

function writeAll(fd: number, bytes: Uint8Array): void {
  for (let offset = 0; offset < bytes.byteLength; ) offset += writeSync(fd, bytes, offset, bytes.byteLength - offset);
}
