import { randomBytes } from 'node:crypto';
import type { DatabaseSync } from 'node:sqlite';
import type { LexicalIndexArrays } from './lexical-index.ts';

/**
 * The embedded store's lexical index, persisted next to the chunks (knowledge.sqlite) so that a process
 * starting — a `serve` replica, the worker, the CLI — loads it in one read instead of rebuilding it from
 * every chunk's sparse vector (seconds and hundreds of MB of transient objects on a large base).
 *
 * Consistency: each base has a generation, incremented by every write (upsert, delete, drop) inside the
 * write's transaction. A snapshot records the generation of the rows it was built from (read in the same
 * read transaction) and is stored only if the generation has not moved since; a snapshot of another
 * generation is never used. A process holding an index in memory compares generations before each search,
 * so it sees another process's ingestion without a restart.
 *
 * Layout: a header (magic, format, counts), then the index's typed arrays back to back, each aligned to 4
 * bytes; decoding views the arrays in place (copied only when the bytes are unaligned or in a shared buffer).
 *
 * The same bytes are also kept as a plain file next to the store, read first by a starting process (lexical-file.ts).
 */

export const SNAPSHOT_SCHEMA = `
CREATE TABLE IF NOT EXISTS lexical_generations (kb TEXT PRIMARY KEY, generation INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS lexical_snapshots (kb TEXT PRIMARY KEY, generation INTEGER NOT NULL, data BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS derived_snapshots (kb TEXT NOT NULL, name TEXT NOT NULL, generation INTEGER NOT NULL, data TEXT NOT NULL, PRIMARY KEY (kb, name));
CREATE TABLE IF NOT EXISTS generation_tokens (kb TEXT PRIMARY KEY, generation INTEGER NOT NULL, token TEXT NOT NULL);`;

const MAGIC = 0x504c5831; // "PLX1"
const LAYOUT_VERSION = 1;
const HEADER_WORDS = 4; // magic, layout version, rows, terms (postings = starts[terms])

/** Generation of a base's rows (0 before its first write). */
export function generationOf(db: DatabaseSync, kb: string): number {
  const row = db.prepare('SELECT generation FROM lexical_generations WHERE kb = ?').get(kb) as { generation: number } | undefined;
  return Number(row?.generation ?? 0);
}

/** Marks the base's rows as changed; call inside the write's transaction. */
export function bumpGeneration(db: DatabaseSync, kb: string): void {
  db.prepare('INSERT INTO lexical_generations(kb, generation) VALUES (?, 1) ON CONFLICT(kb) DO UPDATE SET generation = generation + 1').run(kb);
  db.prepare('DELETE FROM lexical_snapshots WHERE kb = ?').run(kb);
  db.prepare('DELETE FROM derived_snapshots WHERE kb = ?').run(kb);
  db.prepare(
    `INSERT INTO generation_tokens(kb, generation, token) SELECT kb, generation, ? FROM lexical_generations WHERE kb = ?
     ON CONFLICT(kb) DO UPDATE SET generation = excluded.generation, token = excluded.token`,
  ).run(newToken(), kb);
}

/**
 * A random token of the base's generation, new at every write: what a copy kept outside the database (the index
 * file, lexical-file.ts) is matched against, so that it can never be taken for another timeline's same
 * generation number (the store deleted and ingested again, or restored from a backup and written since).
 * A base written before tokens existed gets one here; undefined when the base has moved past `generation`.
 */
export function generationToken(db: DatabaseSync, kb: string, generation: number): string | undefined {
  const get = () => (db.prepare('SELECT token FROM generation_tokens WHERE kb = ? AND generation = ?').get(kb, generation) as { token: string } | undefined)?.token;
  const found = get();
  if (found !== undefined || generation === 0) return found;
  db.prepare(
    `INSERT INTO generation_tokens(kb, generation, token) VALUES (?, ?, ?)
     ON CONFLICT(kb) DO UPDATE SET generation = excluded.generation, token = excluded.token WHERE excluded.generation > generation_tokens.generation`,
  ).run(kb, generation, newToken());
  return get();
}

function newToken(): string {
  return randomBytes(16).toString('hex');
}

/** Other data derived from a base's rows (corpus statistics), with the same generation rule as the index. */
export function loadDerived(db: DatabaseSync, kb: string, name: string): { generation: number; data?: string } {
  const generation = generationOf(db, kb);
  const row = db.prepare('SELECT data FROM derived_snapshots WHERE kb = ? AND name = ? AND generation = ?').get(kb, name, generation) as { data: string } | undefined;
  return row ? { generation, data: row.data } : { generation };
}

export function saveDerived(db: DatabaseSync, kb: string, name: string, generation: number, data: string): void {
  db.prepare(
    `INSERT INTO derived_snapshots(kb, name, generation, data) SELECT ?, ?, ?, ? WHERE coalesce((SELECT generation FROM lexical_generations WHERE kb = ?), 0) = ?
     ON CONFLICT(kb, name) DO UPDATE SET generation = excluded.generation, data = excluded.data`,
  ).run(kb, name, generation, data, kb, generation);
}

/** The stored snapshot of the base's current generation, if there is one. */
export function loadSnapshot(db: DatabaseSync, kb: string, generation: number): LexicalIndexArrays | undefined {
  const row = db.prepare('SELECT data FROM lexical_snapshots WHERE kb = ? AND generation = ?').get(kb, generation) as { data: Uint8Array } | undefined;
  if (!row) return undefined;
  try {
    return decodeSnapshot(row.data);
  } catch {
    return undefined; // unreadable (another layout): rebuilt from the rows
  }
}

/** Stores a snapshot built from the rows of `generation`, unless the base has been written since. */
export function saveSnapshot(db: DatabaseSync, kb: string, generation: number, arrays: LexicalIndexArrays | Uint8Array): void {
  db.prepare(
    `INSERT INTO lexical_snapshots(kb, generation, data) SELECT ?, ?, ? WHERE coalesce((SELECT generation FROM lexical_generations WHERE kb = ?), 0) = ?
     ON CONFLICT(kb) DO UPDATE SET generation = excluded.generation, data = excluded.data`,
  ).run(kb, generation, arrays instanceof Uint8Array ? arrays : encodeSnapshot(arrays), kb, generation);
}

const FIELDS = ['rows', 'ranks', 'fromDays', 'toDays', 'terms', 'starts', 'positionsOf', 'weights'] as const;

export function encodeSnapshot(arrays: LexicalIndexArrays): Uint8Array {
  const parts = FIELDS.map((field) => new Uint8Array(arrays[field].buffer, arrays[field].byteOffset, arrays[field].byteLength));
  const size = HEADER_WORDS * 4 + parts.reduce((sum, part) => sum + align(part.byteLength), 0);
  const out = new Uint8Array(size);
  new Uint32Array(out.buffer, 0, HEADER_WORDS).set([MAGIC, LAYOUT_VERSION, arrays.rows.length, arrays.terms.length]);
  let offset = HEADER_WORDS * 4;
  for (const part of parts) {
    out.set(part, offset);
    offset += align(part.byteLength);
  }
  return out;
}

export function decodeSnapshot(data: Uint8Array): LexicalIndexArrays {
  // Typed arrays view the bytes in place (no 28 MB copy on the 16× base): SQLite hands each row's blob over in
  // a buffer of its own, the index file's payload starts 4-aligned in the file's buffer; bytes in a shared or
  // unaligned buffer are copied once.
  const inPlace = data.byteOffset % 4 === 0 && data.buffer instanceof ArrayBuffer;
  const bytes = inPlace ? data : new Uint8Array(data);
  const buffer = bytes.buffer;
  const base = bytes.byteOffset;
  const end = base + bytes.byteLength;
  if (bytes.byteLength < HEADER_WORDS * 4) throw new Error('lexical snapshot too short');
  const [magic, layout, rows, terms] = new Uint32Array(buffer, base, HEADER_WORDS) as unknown as [number, number, number, number];
  if (magic !== MAGIC || layout !== LAYOUT_VERSION) throw new Error('unknown lexical snapshot layout');
  let offset = base + HEADER_WORDS * 4;
  const take = <T>(make: (offset: number, length: number) => T, length: number, width: number): T => {
    if (offset + length * width > end) throw new Error('lexical snapshot truncated');
    const view = make(offset, length);
    offset += align(length * width);
    return view;
  };
  const rowsArray = take((at, n) => new Int32Array(buffer, at, n), rows, 4);
  const ranks = take((at, n) => new Uint8Array(buffer, at, n), rows, 1);
  const fromDays = take((at, n) => new Int32Array(buffer, at, n), rows, 4);
  const toDays = take((at, n) => new Int32Array(buffer, at, n), rows, 4);
  const termsArray = take((at, n) => new Uint32Array(buffer, at, n), terms, 4);
  const starts = take((at, n) => new Uint32Array(buffer, at, n), terms + 1, 4);
  const postings = starts[terms] ?? 0;
  const positionsOf = take((at, n) => new Int32Array(buffer, at, n), postings, 4);
  const weights = take((at, n) => new Float32Array(buffer, at, n), postings, 4);
  return { rows: rowsArray, ranks, fromDays, toDays, terms: termsArray, starts, positionsOf, weights };
}

function align(bytes: number): number {
  return Math.ceil(bytes / 4) * 4;
}
