import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { documentFields } from '../../../knowledge/ingestion/ingestion-service.ts';
import { lexicalFilePath } from '../../../knowledge/stores/embedded/lexical-file.ts';
import { LexicalIndex } from '../../../knowledge/stores/embedded/lexical-index.ts';
import { decodeSnapshot, encodeSnapshot, generationOf, saveSnapshot } from '../../../knowledge/stores/embedded/lexical-snapshot.ts';
import { SqliteVectorStore } from '../../../knowledge/stores/embedded/sqlite-vector-store.ts';
import { chunk, CORPUS, encoder, ids, kb, write } from './lexical-corpus.ts';

/**
 * The embedded store's persisted lexical index: built once (at the end of an ingestion), loaded by every
 * other process instead of rebuilt; never used once the rows have changed, even by another process.
 */
describe('embedded store: persisted lexical index', () => {
  let dir: string;
  let file: string;
  /** Erases every chunk's sparse vector: a process that rebuilt the index from the rows would find nothing. */
  const eraseRows = () => {
    const db = new DatabaseSync(file);
    db.exec("UPDATE chunks SET sparse_indices = x'', sparse_values = x''");
    db.close();
  };
  const snapshots = () => {
    const db = new DatabaseSync(file);
    const rows = db.prepare('SELECT kb, generation FROM lexical_snapshots').all();
    db.close();
    return rows.map((row) => ({ ...row }));
  };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'passerelle-lexical-'));
    file = join(dir, 'knowledge.sqlite');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('encodes and decodes the index arrays exactly; a decoded index ranks like the built one', () => {
    const entries = CORPUS.map((c, i) => ({ row: i + 10, classificationRank: 0, validFromDay: 0, validToDay: 100_000, sparse: encoder.encodeDocument(documentFields(c)) }));
    const built = new LexicalIndex(entries);
    const decoded = decodeSnapshot(encodeSnapshot(built.toArrays()));
    assert.deepEqual(decoded, built.toArrays());
    const loaded = LexicalIndex.fromArrays(decoded);
    const query = encoder.encodeQuery('visite des marchandises au bureau');
    assert.deepEqual(loaded.search(query, { maxRank: 9 }, 5), built.search(query, { maxRank: 9 }, 5));
    assert.equal(loaded.acceptsRow(11, { maxRank: 9 }), true);
    assert.equal(loaded.acceptsRow(99, { maxRank: 9 }), false);
    assert.throws(() => decodeSnapshot(new Uint8Array(8)), /too short/);
    const truncated = encodeSnapshot(built.toArrays()).slice(0, 40);
    assert.throws(() => decodeSnapshot(truncated), /truncated/);
  });

  it('builds the same arrays from typed rows (as stored) as from arrays of numbers, postings per term in row order', () => {
    const entries = CORPUS.map((c, i) => ({ row: i + 10, classificationRank: i % 3, validFromDay: i, validToDay: 100_000, sparse: encoder.encodeDocument(documentFields(c)) }));
    const compact = entries.map((entry) => ({ ...entry, sparse: { indices: Uint32Array.from(entry.sparse.indices), values: Float32Array.from(entry.sparse.values) } }));
    const arrays = new LexicalIndex(entries).toArrays();
    assert.deepEqual(new LexicalIndex(compact).toArrays(), arrays);
    // Reference: every term's postings, in the order of the rows.
    const postings = new Map<number, Array<[number, number]>>();
    entries.forEach((entry, position) => entry.sparse.indices.forEach((term, i) => postings.set(term, [...(postings.get(term) ?? []), [position, Math.fround(entry.sparse.values[i]!)]])));
    assert.deepEqual([...arrays.terms], [...postings.keys()].sort((a, b) => a - b));
    arrays.terms.forEach((term, slot) => {
      const slice = [...arrays.positionsOf.subarray(arrays.starts[slot], arrays.starts[slot + 1])].map((position, i) => [position, arrays.weights[arrays.starts[slot]! + i]]);
      assert.deepEqual(slice, postings.get(term));
    });
  });

  it('decodes a blob in its own buffer in place (no copy of a large index), a view into another buffer by copying it', () => {
    const entries = CORPUS.map((c, i) => ({ row: i + 10, classificationRank: 0, validFromDay: 0, validToDay: 100_000, sparse: encoder.encodeDocument(documentFields(c)) }));
    const blob = encodeSnapshot(new LexicalIndex(entries).toArrays());
    const inPlace = decodeSnapshot(blob);
    assert.equal(inPlace.rows.buffer, blob.buffer, 'views the blob itself');
    const shared = new Uint8Array(blob.byteLength + 3);
    shared.set(blob, 3);
    const view = shared.subarray(3);
    const copied = decodeSnapshot(view);
    assert.notEqual(copied.weights.buffer, shared.buffer);
    assert.deepEqual(copied, inPlace);
  });

  it('an ingestion persists the index; a new process loads it instead of rebuilding from the rows', async () => {
    const ingesting = new SqliteVectorStore(file);
    await write(ingesting, CORPUS);
    await ingesting.prepare(kb);
    await ingesting.close();
    assert.deepEqual(snapshots(), [{ kb, generation: 1 }]);
    eraseRows();
    rmSync(lexicalFilePath(file, kb)); // SQLite's copy, not the file (lexical-file.test.ts)
    const serving = new SqliteVectorStore(file);
    assert.deepEqual(await ids(serving, 'visite des marchandises'), ['A1', 'A3'], 'served from the snapshot');
    await serving.close();
  });

  it('a write makes the snapshot unusable, in this process and in the others', async () => {
    const serving = new SqliteVectorStore(file);
    const ingesting = new SqliteVectorStore(file);
    await write(ingesting, CORPUS);
    await ingesting.prepare(kb);
    assert.deepEqual(await ids(serving, 'saisies'), ['A3']);
    await write(ingesting, [chunk('A4', 'Les marchandises saisies peuvent être vendues aux enchères.')]);
    assert.deepEqual(snapshots(), [], 'the write dropped the snapshot');
    assert.deepEqual((await ids(serving, 'saisies')).sort(), ['A3', 'A4'], 'the serving process sees the other process’s write');
    await ingesting.deleteDocuments(kb, ['A3']);
    assert.deepEqual(await ids(serving, 'saisies'), ['A4']);
    await serving.close();
    await ingesting.close();
  });

  it('a snapshot built from rows that changed meanwhile is not stored, and a damaged one is rebuilt', async () => {
    const store = new SqliteVectorStore(file);
    await write(store, CORPUS);
    await store.prepare(kb);
    const db = new DatabaseSync(file);
    db.exec("UPDATE lexical_snapshots SET data = x'00112233'");
    db.close();
    rmSync(lexicalFilePath(file, kb));
    const other = new SqliteVectorStore(file);
    assert.deepEqual(await ids(other, 'déclaration'), ['A2'], 'rebuilt from the rows');
    assert.equal(snapshots()[0]?.generation, 1);
    // A builder that read the rows of generation 1 while a writer moved the base to 2 does not store it.
    await write(store, [chunk('A5', 'Le transit suspend les droits.')]);
    const raw = new DatabaseSync(file);
    assert.equal(generationOf(raw, kb), 2);
    saveSnapshot(raw, kb, 1, new LexicalIndex([]).toArrays());
    raw.close();
    assert.deepEqual(snapshots(), []);
    await other.close();
    await store.close();
  });
});

describe('corpus statistics kept with the base (embedded store)', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'passerelle-statistics-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  it('a process computes them once; the next loads them; a write makes them computed again', async () => {
    const { CorpusStatistics } = await import('../../../knowledge/corpus-statistics.ts');
    const file = join(dir, 'knowledge.sqlite');
    const first = new SqliteVectorStore(file);
    await write(first, [chunk('A1', 'Les agents des douanes procèdent à la visite des marchandises.')]);
    const computed = await new CorpusStatistics(first).of('legal');
    assert.equal(computed.words.get('visite'), 1);
    const db = new DatabaseSync(file);
    db.exec("UPDATE chunks SET payload = json_set(payload, '$.text', 'rien')"); // a process reading the chunks would count other words
    db.close();
    const second = new SqliteVectorStore(file);
    const loaded = await new CorpusStatistics(second).of('legal');
    assert.deepEqual([...loaded.words].sort(), [...computed.words].sort());
    assert.equal(loaded.total, computed.total);
    await write(second, [chunk('A2', 'La déclaration en détail.')]);
    const recomputed = await new CorpusStatistics(new SqliteVectorStore(file)).of('legal');
    assert.equal(recomputed.words.get('visite'), undefined, 'computed again from the (changed) chunks');
    assert.equal(recomputed.words.get('declaration') ?? recomputed.words.get('déclaration'), 1);
    await first.close();
    await second.close();
  });
});
