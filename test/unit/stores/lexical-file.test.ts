import assert from 'node:assert/strict';
import { fork } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, truncateSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { fileURLToPath } from 'node:url';
import { lexicalFilePath, readLexicalFile, STALE_TEMPORARY_MS, writeLexicalFile } from '../../../knowledge/stores/embedded/lexical-file.ts';
import { generationToken } from '../../../knowledge/stores/embedded/lexical-snapshot.ts';
import { SqliteVectorStore } from '../../../knowledge/stores/embedded/sqlite-vector-store.ts';
import { INDEX_FORMAT } from '../../../knowledge/stores/index-format.ts';
import { chunk, CORPUS, ids, kb, write } from './lexical-corpus.ts';

/**
 * The lexical index kept as a plain file next to the embedded store (lexical-file.ts): read first by a starting
 * process; never used when stale (another generation, another store), truncated or damaged (a warning, then
 * SQLite's copy or a rebuild, and the file written again); never seen half-written by another process.
 */
describe('embedded store: lexical index file', () => {
  let dir: string;
  let file: string;
  let warnings: string[];
  const open = () => new SqliteVectorStore(file, INDEX_FORMAT, (message) => warnings.push(message));
  const sql = (statement: string) => {
    const db = new DatabaseSync(file);
    db.exec(statement);
    db.close();
  };
  /** Erases the rows' sparse vectors and SQLite's copy of the index: only the file can still answer. */
  const onlyTheFileAnswers = () => sql("UPDATE chunks SET sparse_indices = x'', sparse_values = x''; DELETE FROM lexical_snapshots");
  /** The base's token of `generation` (lexical-snapshot.ts). */
  const token = (generation: number) => {
    const db = new DatabaseSync(file);
    const found = generationToken(db, kb, generation) ?? 'none';
    db.close();
    return found;
  };
  /** An ingested store, closed, its file written. */
  const ingested = async (chunks = CORPUS) => {
    const store = open();
    await write(store, chunks);
    await store.prepare(kb);
    await store.close();
  };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'passerelle-lexical-file-'));
    file = join(dir, 'knowledge.sqlite');
    warnings = [];
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  /** The file is of generation 1 and a new process serves from it alone. */
  const servedFromTheFile = async () => {
    assert.equal(readLexicalFile(lexicalFilePath(file, kb), token(1), 1).status, 'fresh');
    onlyTheFileAnswers();
    const serving = open();
    assert.deepEqual(await ids(serving, 'visite des marchandises'), ['A1', 'A3'], 'served from the file');
    await serving.close();
  };

  it('an ingestion writes the file; a new process serves from it alone', async () => {
    await ingested();
    await servedFromTheFile();
    assert.deepEqual(warnings, []);
  });

  it('a process that loads SQLite’s copy writes the file for the next one', async () => {
    await ingested();
    rmSync(lexicalFilePath(file, kb));
    const first = open();
    assert.deepEqual(await ids(first, 'déclaration'), ['A2']);
    await first.close();
    assert.equal(readLexicalFile(lexicalFilePath(file, kb), token(1), 1).status, 'fresh');
  });

  it('a base written before generation tokens gets one: its file is written, then used', async () => {
    await ingested();
    sql('DELETE FROM generation_tokens'); // as a store of the previous release: the old file matches nothing
    const first = open();
    assert.deepEqual(await ids(first, 'déclaration'), ['A2']);
    await first.close();
    await servedFromTheFile();
  });

  it('a stale file (older generation, or another store’s) is ignored without a warning and replaced', async () => {
    await ingested();
    const path = lexicalFilePath(file, kb);
    const old = join(dir, 'old-index');
    copyFileSync(path, old);
    const store = open();
    await write(store, [chunk('A4', 'Les marchandises saisies peuvent être vendues aux enchères.')]);
    await store.prepare(kb);
    await store.close();
    copyFileSync(old, path); // generation 1 put back while the base is at 2
    const serving = open();
    assert.deepEqual((await ids(serving, 'saisies')).sort(), ['A3', 'A4'], 'the rows of generation 2');
    await serving.close();
    assert.equal(readLexicalFile(path, token(2), 2).status, 'fresh', 'written again for generation 2');

    // The store deleted and ingested again reaches generation 1 again: the old store's file is not its own.
    rmSync(file);
    rmSync(`${file}-wal`, { force: true });
    rmSync(`${file}-shm`, { force: true });
    await ingested([chunk('B1', 'Le transit suspend les droits et taxes.')]);
    copyFileSync(old, path);
    assert.equal(readLexicalFile(path, token(1), 1).status, 'stale');
    const renewed = open();
    assert.deepEqual(await ids(renewed, 'transit'), ['B1']);
    assert.deepEqual(await ids(renewed, 'saisies'), []);
    await renewed.close();
    assert.deepEqual(warnings, []);
  });

  it('a store restored from a backup and written since never takes the file of the lost generation with the same number', async () => {
    await ingested();
    sql(`VACUUM INTO '${join(dir, 'backup.sqlite')}'`); // the backup, at generation 1
    const lost = open();
    await write(lost, [chunk('A4', 'Les marchandises saisies peuvent être vendues aux enchères.')]);
    await lost.prepare(kb);
    await lost.close();
    const path = lexicalFilePath(file, kb);
    const lostFile = join(dir, 'lost-index');
    copyFileSync(path, lostFile); // generation 2, with A4
    for (const suffix of ['', '-wal', '-shm']) rmSync(`${file}${suffix}`, { force: true });
    copyFileSync(join(dir, 'backup.sqlite'), file);
    const restored = open();
    await write(restored, [chunk('A5', 'Les marchandises saisies sont détruites.')]); // generation 2 again, other rows
    await restored.close();
    copyFileSync(lostFile, path);
    const serving = open();
    assert.deepEqual((await ids(serving, 'saisies')).sort(), ['A3', 'A5']);
    await serving.close();
  });

  for (const [damage, spoil, reason] of [
    ['truncated file', (path: string) => truncateSync(path, readFileSync(path).byteLength - 7), /bytes instead of/],
    ['file with one byte changed', (path: string) => {
      const bytes = readFileSync(path);
      bytes[bytes.byteLength - 5] = (bytes[bytes.byteLength - 5] ?? 0) ^ 0xff;
      writeFileSync(path, bytes);
    }, /checksum/],
    ['file that is no index', (path: string) => writeFileSync(path, 'garbage, no header at all, forty bytes or more'), /unknown header/],
  ] as const) {
    it(`a ${damage} is ignored with a warning, the index rebuilt and the file written again`, async () => {
      await ingested();
      const path = lexicalFilePath(file, kb);
      spoil(path);
      sql('DELETE FROM lexical_snapshots'); // rebuilt from the rows
      const serving = open();
      assert.deepEqual(await ids(serving, 'visite des marchandises'), ['A1', 'A3']);
      await serving.close();
      assert.equal(warnings.length, 1);
      assert.match(warnings[0] ?? '', reason);
      assert.equal(readLexicalFile(path, token(1), 1).status, 'fresh');
    });
  }

  it('a write removes the temporary files a killed writer left, and no one that may still be written', () => {
    const path = lexicalFilePath(file, kb);
    const leftover = `${path}.4242.deadbeef.tmp`;
    const recent = `${path}.4343.cafebabe.tmp`;
    const otherBase = `${lexicalFilePath(file, 'autre')}.4444.00000000.tmp`;
    for (const name of [leftover, recent, otherBase]) writeFileSync(name, 'partial');
    const old = (Date.now() - STALE_TEMPORARY_MS - 60_000) / 1000;
    utimesSync(leftover, old, old);
    utimesSync(otherBase, old, old);
    writeLexicalFile(path, '00112233445566778899aabbccddeeff', 1, new Uint8Array([1, 2, 3]));
    assert.equal(existsSync(leftover), false, 'a leftover of this file, older than a write can take: removed');
    assert.equal(existsSync(recent), true, 'a recent one may be another process writing: kept');
    assert.equal(existsSync(otherBase), true, 'another base’s files are its own writer’s business');
  });

  it('a reader in this process never sees a file another process is writing half-written', async function () {
    this.timeout(120_000);
    const path = join(dir, 'index-file');
    const id = 'ab'.repeat(16);
    const writer = fork(fileURLToPath(new URL('./lexical-file-writer.ts', import.meta.url)), [path, id], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
    try {
      await new Promise<void>((resolve, reject) => {
        writer.once('message', () => resolve());
        writer.once('exit', (code) => reject(new Error(`writer exited with ${code}`)));
      });
      const seen = new Map<number, number>();
      let reads = 0;
      // Until both payloads were read several times while the writer kept replacing the file.
      while ((seen.get(0xaa) ?? 0) < 5 || (seen.get(0xbb) ?? 0) < 5 || reads < 50) {
        const read = readLexicalFile(path, id, 1);
        assert.equal(read.status, 'fresh', JSON.stringify(read.status === 'damaged' ? read : read.status));
        if (read.status !== 'fresh') break;
        const first = read.payload[0] as number;
        assert.equal(read.payload.byteLength, first === 0xaa ? 3_000_000 : 1_000_000);
        assert.ok(read.payload.every((byte) => byte === first), 'one payload, whole');
        seen.set(first, (seen.get(first) ?? 0) + 1);
        reads++;
        await new Promise((resolve) => setImmediate(resolve));
      }
    } finally {
      writer.kill();
    }
  });
});
