import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DatabaseSync, type StatementSync } from 'node:sqlite';
import * as sqliteVec from 'sqlite-vec';
import { PasserelleError } from '../../../bots/errors.ts';
import { articleNumberLookupKeys, normaliseArticleNumber } from '../../analysis/article-references.ts';
import type { ArticleQuery, ArticleUpdate, HybridQuery, SearchFilter, VectorStore } from '../../ports/vector-store.ts';
import { classificationRank, type Chunk, type DocumentRecord, type IndexedChunk, type SearchHit } from '../../types.ts';
import { reciprocalRankFusion } from '../rank-fusion.ts';
import { isoToDay, UNKNOWN_END_DAY, UNKNOWN_START_DAY } from '../validity.ts';
import { LexicalIndex, type RowFilter } from './lexical-index.ts';
import { lexicalFilePath, readLexicalFile, removeLexicalFile, writeLexicalFile } from './lexical-file.ts';
import { bumpGeneration, decodeSnapshot, encodeSnapshot, generationOf, generationToken, loadDerived, loadSnapshot, saveDerived, saveSnapshot, SNAPSHOT_SCHEMA } from './lexical-snapshot.ts';
import { incompatibleFormat, INDEX_FORMAT } from '../index-format.ts';

/**
 * The embedded default: one SQLite file (Node's built-in node:sqlite, no native build) holding chunks,
 * sparse vectors and document records, with sqlite-vec virtual tables for dense vectors. Lexical search
 * runs on an in-memory inverted index per base, rebuilt lazily after writes. Why this over LanceDB:
 * docs/decisions/embedded-vector-store.md.
 */
export class SqliteVectorStore implements VectorStore {
  readonly name = 'embedded';
  readonly maxUpsertBatch = 1_000;
  private readonly db: DatabaseSync;
  /** Lexical index of each base in memory, with the generation of the rows it holds (lexical-snapshot.ts). */
  private readonly indexes = new Map<string, { index: LexicalIndex; generation: number }>();
  private readonly dimensions = new Map<string, number | null>();
  private readonly statements: Record<string, StatementSync>;

  /** Bases whose index format was checked in this process (index-format.ts). */
  private readonly formatChecked = new Set<string>();

  /**
   * `indexFormat`: the format this store reads and writes (tests only; default INDEX_FORMAT). `warn`: where a
   * damaged index file is reported (it is then rebuilt).
   */
  constructor(
    private readonly file: string,
    private readonly indexFormat: number = INDEX_FORMAT,
    private readonly warn: (message: string) => void = () => {},
  ) {
    if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
    try {
      this.db = new DatabaseSync(file, { allowExtension: true });
      this.db.loadExtension(sqliteVec.getLoadablePath());
      this.db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 5000;');
      this.db.exec(SCHEMA);
      this.db.exec(FORMAT_SCHEMA);
      this.db.exec(SNAPSHOT_SCHEMA);
    } catch (error) {
      throw new PasserelleError('STORE_UNAVAILABLE', {}, { cause: error });
    }
    this.statements = {
      base: this.db.prepare('SELECT dimensions FROM bases WHERE kb = ?'),
      insertBase: this.db.prepare('INSERT INTO bases(kb, dimensions) VALUES (?, ?) ON CONFLICT(kb) DO UPDATE SET dimensions = excluded.dimensions'),
      rowOf: this.db.prepare('SELECT row FROM chunks WHERE kb = ? AND id = ?'),
      deleteRow: this.db.prepare('DELETE FROM chunks WHERE row = ?'),
      insertChunk: this.db.prepare(
        `INSERT INTO chunks(kb, id, document_id, source, part, classification_rank, valid_from_day, valid_to_day,
           article_number, article_code, payload, sparse_indices, sparse_values)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      upsertDocument: this.db.prepare(
        `INSERT INTO documents(kb, document_id, source, content_hash, chunk_count) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT(kb, document_id) DO UPDATE SET source = excluded.source, content_hash = excluded.content_hash, chunk_count = excluded.chunk_count`,
      ),
      rowsOfDocument: this.db.prepare('SELECT row FROM chunks WHERE kb = ? AND document_id = ?'),
      deleteDocumentChunks: this.db.prepare('DELETE FROM chunks WHERE kb = ? AND document_id = ?'),
      deleteDocument: this.db.prepare('DELETE FROM documents WHERE kb = ? AND document_id = ?'),
      documents: this.db.prepare('SELECT * FROM documents WHERE kb = ? ORDER BY document_id'),
      documentsOfSource: this.db.prepare('SELECT * FROM documents WHERE kb = ? AND source = ? ORDER BY document_id'),
      indexRows: this.db.prepare('SELECT row, classification_rank, valid_from_day, valid_to_day, sparse_indices, sparse_values FROM chunks WHERE kb = ? ORDER BY row'),
      byId: this.db.prepare('SELECT payload FROM chunks WHERE kb = ? AND id = ?'),
      article: this.db.prepare('SELECT row, payload FROM chunks WHERE kb = ? AND article_number = ? ORDER BY article_code, part'),
      count: this.db.prepare('SELECT count(*) AS n FROM chunks WHERE kb = ?'),
    };
  }

  async ensureBase(kb: string, dimensions: number | undefined): Promise<void> {
    const stored = this.storedDimensions(kb);
    if (stored !== null && stored !== undefined && dimensions !== undefined && stored !== dimensions) {
      throw new PasserelleError('STORE_DIMENSION_MISMATCH', { kb, stored, actual: dimensions });
    }
    if (stored === undefined || (stored === null && dimensions !== undefined)) {
      if (dimensions !== undefined) {
        this.db.exec(`CREATE VIRTUAL TABLE IF NOT EXISTS ${vectorTable(kb)} USING vec0(embedding float[${dimensions}] distance_metric=cosine)`);
      }
      this.statements.insertBase!.run(kb, dimensions ?? null);
      if (stored === undefined) this.db.prepare('INSERT INTO base_formats(kb, format) VALUES (?, ?) ON CONFLICT(kb) DO UPDATE SET format = excluded.format').run(kb, this.indexFormat);
      this.dimensions.set(kb, dimensions ?? null);
    }
  }

  async upsert(kb: string, chunks: IndexedChunk[], documents: DocumentRecord[]): Promise<void> {
    this.checkFormat(kb);
    const dimensions = this.storedDimensions(kb);
    if (dimensions === undefined) await this.ensureBase(kb, chunks.find((entry) => entry.dense)?.dense?.length);
    const vectors = this.storedDimensions(kb) ? vectorTable(kb) : undefined;
    const insertVector = vectors ? this.db.prepare(`INSERT INTO ${vectors}(rowid, embedding) VALUES (?, ?)`) : undefined;
    const deleteVector = vectors ? this.db.prepare(`DELETE FROM ${vectors} WHERE rowid = ?`) : undefined;
    this.transaction(() => {
      bumpGeneration(this.db, kb);
      for (const { chunk, sparse, dense } of chunks) {
        const existing = this.statements.rowOf!.get(kb, chunk.id) as { row: number } | undefined;
        if (existing) {
          this.statements.deleteRow!.run(existing.row);
          deleteVector?.run(BigInt(existing.row));
        }
        const result = this.statements.insertChunk!.run(
          kb,
          chunk.id,
          chunk.documentId,
          chunk.source,
          chunk.part,
          classificationRank(chunk.classification),
          isoToDay(chunk.article?.validFrom, UNKNOWN_START_DAY),
          isoToDay(chunk.article?.validTo, UNKNOWN_END_DAY),
          chunk.article ? normaliseArticleNumber(chunk.article.number) : null,
          chunk.article?.code ?? null,
          JSON.stringify({ ...chunk, kb }),
          new Uint8Array(Uint32Array.from(sparse.indices).buffer),
          new Uint8Array(Float32Array.from(sparse.values).buffer),
        );
        if (dense && insertVector) {
          const expected = this.storedDimensions(kb);
          if (dense.length !== expected) throw new PasserelleError('STORE_DIMENSION_MISMATCH', { kb, stored: expected ?? 0, actual: dense.length });
          insertVector.run(BigInt(result.lastInsertRowid), new Uint8Array(dense.buffer, dense.byteOffset, dense.byteLength));
        }
      }
      for (const document of documents) {
        this.statements.upsertDocument!.run(kb, document.documentId, document.source, document.contentHash, document.chunkCount);
      }
    });
    this.indexes.delete(kb);
  }

  async deleteDocuments(kb: string, documentIds: string[]): Promise<void> {
    if (documentIds.length === 0) return;
    const vectors = this.storedDimensions(kb) ? vectorTable(kb) : undefined;
    const deleteVector = vectors ? this.db.prepare(`DELETE FROM ${vectors} WHERE rowid = ?`) : undefined;
    this.transaction(() => {
      bumpGeneration(this.db, kb);
      for (const documentId of documentIds) {
        if (deleteVector) {
          for (const { row } of this.statements.rowsOfDocument!.all(kb, documentId) as Array<{ row: number }>) deleteVector.run(BigInt(row));
        }
        this.statements.deleteDocumentChunks!.run(kb, documentId);
        this.statements.deleteDocument!.run(kb, documentId);
      }
    });
    this.indexes.delete(kb);
  }

  async updateArticles(kb: string, updates: ArticleUpdate[]): Promise<void> {
    if (updates.length === 0) return;
    const update = this.db.prepare('UPDATE chunks SET valid_from_day = ?, valid_to_day = ?, article_number = ?, article_code = ?, payload = ? WHERE row = ?');
    this.transaction(() => {
      // The lexical index holds the validity days: a persisted snapshot of the previous generation is stale now.
      bumpGeneration(this.db, kb);
      for (const { documentId, article } of updates) {
        const rows = this.db.prepare('SELECT row, payload FROM chunks WHERE kb = ? AND document_id = ?').all(kb, documentId) as Array<{ row: number; payload: string }>;
        for (const row of rows) {
          const chunk = { ...(JSON.parse(row.payload) as Chunk), article };
          update.run(
            isoToDay(article.validFrom, UNKNOWN_START_DAY),
            isoToDay(article.validTo, UNKNOWN_END_DAY),
            normaliseArticleNumber(article.number),
            article.code,
            JSON.stringify(chunk),
            row.row,
          );
        }
      }
    });
    this.indexes.delete(kb);
  }

  async listDocuments(kb: string, source?: string): Promise<DocumentRecord[]> {
    const rows = (source === undefined ? this.statements.documents!.all(kb) : this.statements.documentsOfSource!.all(kb, source)) as Array<Record<string, unknown>>;
    return rows.map((row) => ({
      kb,
      documentId: String(row.document_id),
      source: String(row.source),
      contentHash: String(row.content_hash),
      chunkCount: Number(row.chunk_count),
    }));
  }

  async search(query: HybridQuery): Promise<SearchHit[]> {
    this.checkFormat(query.kb);
    const index = this.lexicalIndex(query.kb);
    const filter = rowFilter(query.filter);
    const pool = query.dense ? Math.max(query.limit * 4, 50) : query.limit;
    const lexical = index.search(query.sparse, filter, pool);
    if (!query.dense || !this.storedDimensions(query.kb)) return this.hits(lexical);
    const dense = this.denseSearch(query.kb, query.dense, pool, (row) => index.acceptsRow(row, filter));
    const fused = reciprocalRankFusion([lexical.map((hit) => hit.row), dense]).slice(0, query.limit);
    return this.hits(fused.map(({ item, score }) => ({ row: item, score })));
  }

  async findArticle(query: ArticleQuery): Promise<Chunk[]> {
    this.checkFormat(query.kb);
    const index = this.lexicalIndex(query.kb);
    const filter = rowFilter(query.filter);
    const wanted = normaliseArticleNumber(query.number);
    // Every shorter form too: a base indexed by an earlier release keyed "67 A" as "67" (article-references.ts).
    const rows = articleNumberLookupKeys(query.number).flatMap((key) => this.statements.article!.all(query.kb, key) as Array<{ row: number; payload: string }>);
    return rows
      .filter((row) => index.acceptsRow(row.row, filter))
      .map((row) => JSON.parse(row.payload) as Chunk)
      .filter((chunk) => chunk.article !== undefined && normaliseArticleNumber(chunk.article.number) === wanted)
      .filter((chunk) => query.code === undefined || chunk.article?.code === query.code)
      .sort((a, b) => (a.article!.code < b.article!.code ? -1 : a.article!.code > b.article!.code ? 1 : 0) || a.part - b.part);
  }

  async getChunks(kb: string, ids: string[]): Promise<Chunk[]> {
    this.checkFormat(kb);
    return ids
      .map((id) => this.statements.byId!.get(kb, id) as { payload: string } | undefined)
      .filter((row): row is { payload: string } => row !== undefined)
      .map((row) => JSON.parse(row.payload) as Chunk);
  }

  async listChunks(kb: string, filter: { code?: string } = {}): Promise<Chunk[]> {
    this.checkFormat(kb);
    const rows = (filter.code === undefined
      ? this.db.prepare('SELECT payload FROM chunks WHERE kb = ? ORDER BY row').all(kb)
      : this.db.prepare('SELECT payload FROM chunks WHERE kb = ? AND article_code = ? ORDER BY row').all(kb, filter.code)) as Array<{ payload: string }>;
    return rows.map((row) => JSON.parse(row.payload) as Chunk);
  }

  async dropBase(kb: string): Promise<void> {
    this.transaction(() => {
      this.db.exec(`DROP TABLE IF EXISTS ${vectorTable(kb)}`);
      this.db.prepare('DELETE FROM chunks WHERE kb = ?').run(kb);
      this.db.prepare('DELETE FROM documents WHERE kb = ?').run(kb);
      this.db.prepare('DELETE FROM bases WHERE kb = ?').run(kb);
      this.db.prepare('DELETE FROM base_formats WHERE kb = ?').run(kb);
      bumpGeneration(this.db, kb);
    });
    this.indexes.delete(kb);
    this.dimensions.delete(kb);
    this.formatChecked.delete(kb);
    if (this.file !== ':memory:') removeLexicalFile(lexicalFilePath(this.file, kb));
  }

  async readDerived(kb: string, name: string): Promise<{ generation: number; data?: string }> {
    return loadDerived(this.db, kb, name);
  }

  async writeDerived(kb: string, name: string, generation: number, data: string): Promise<void> {
    try {
      saveDerived(this.db, kb, name, generation, data);
    } catch {
      // Busy or read-only: the next process computes it again.
    }
  }

  /** Builds and persists the base's lexical index (end of an ingestion): the next process to start loads it. */
  async prepare(kb: string): Promise<void> {
    this.checkFormat(kb);
    this.lexicalIndex(kb);
  }

  async count(kb: string): Promise<number> {
    return Number((this.statements.count!.get(kb) as { n: number }).n);
  }

  async close(): Promise<void> {
    if (this.db.isOpen) this.db.close();
  }

  /**
   * Refuses a base built with another index format (once per base and process): a base without a format
   * row was built before formats were recorded, format 1.
   */
  private checkFormat(kb: string): void {
    if (this.formatChecked.has(kb)) return;
    if (this.storedDimensions(kb) === undefined) return; // no base yet: written in this format when created
    const row = this.db.prepare('SELECT format FROM base_formats WHERE kb = ?').get(kb) as { format: number } | undefined;
    const stored = Number(row?.format ?? 1);
    if (stored !== this.indexFormat) throw incompatibleFormat(kb, stored, this.indexFormat);
    this.formatChecked.add(kb);
  }

  private storedDimensions(kb: string): number | null | undefined {
    if (!this.dimensions.has(kb)) {
      const row = this.statements.base!.get(kb) as { dimensions: number | null } | undefined;
      if (row === undefined) return undefined;
      this.dimensions.set(kb, row.dimensions);
    }
    return this.dimensions.get(kb);
  }

  /**
   * The base's lexical index: the one in memory while the base's generation has not moved (another process
   * may have written), else its index file, else its snapshot in SQLite (then written as the file), else built
   * from the rows and persisted, in SQLite and as the file, for the next process (lexical-snapshot.ts,
   * lexical-file.ts).
   */
  private lexicalIndex(kb: string): LexicalIndex {
    const generation = generationOf(this.db, kb);
    const cached = this.indexes.get(kb);
    if (cached && cached.generation === generation) return cached.index;
    const fromFile = this.readIndexFile(kb, generation);
    if (fromFile) {
      this.indexes.set(kb, { index: fromFile, generation });
      return fromFile;
    }
    const stored = loadSnapshot(this.db, kb, generation);
    if (stored) {
      const index = LexicalIndex.fromArrays(stored);
      this.writeIndexFile(kb, generation, encodeSnapshot(stored));
      this.indexes.set(kb, { index, generation });
      return index;
    }
    // The rows and their generation in one read transaction: the snapshot is of exactly that generation.
    let rows: Array<Record<string, unknown>>;
    let built: number;
    this.db.exec('BEGIN');
    try {
      built = generationOf(this.db, kb);
      rows = this.statements.indexRows!.all(kb) as Array<Record<string, unknown>>;
    } finally {
      this.db.exec('COMMIT');
    }
    const index = new LexicalIndex(
      rows.map((row) => {
        const indices = row.sparse_indices as Uint8Array;
        const values = row.sparse_values as Uint8Array;
        return {
          row: Number(row.row),
          classificationRank: Number(row.classification_rank),
          validFromDay: Number(row.valid_from_day),
          validToDay: Number(row.valid_to_day),
          // Typed arrays as stored (no array of numbers per chunk: LexicalIndex reads them as they are).
          sparse: {
            indices: new Uint32Array(indices.buffer.slice(indices.byteOffset, indices.byteOffset + indices.byteLength)),
            values: new Float32Array(values.buffer.slice(values.byteOffset, values.byteOffset + values.byteLength)),
          },
        };
      }),
    );
    if (rows.length > 0) {
      const bytes = encodeSnapshot(index.toArrays());
      try {
        saveSnapshot(this.db, kb, built, bytes);
      } catch {
        // Busy or read-only: the next process builds it again; this one has its index.
      }
      this.writeIndexFile(kb, built, bytes);
    }
    this.indexes.set(kb, { index, generation: built });
    return index;
  }

  /** The index from the base's file when the file is whole and of this generation of this store. */
  private readIndexFile(kb: string, generation: number): LexicalIndex | undefined {
    if (this.file === ':memory:' || generation === 0) return undefined;
    const path = lexicalFilePath(this.file, kb);
    let token: string | undefined;
    try {
      token = generationToken(this.db, kb, generation);
    } catch {
      return undefined; // a base from before tokens, in a store this process cannot write: SQLite's copy serves
    }
    if (token === undefined) return undefined;
    const read = readLexicalFile(path, token, generation);
    if (read.status === 'fresh') {
      try {
        return LexicalIndex.fromArrays(decodeSnapshot(read.payload));
      } catch (error) {
        this.warn(`lexical index file ${path} unreadable (${(error as Error).message}): rebuilt`);
        return undefined;
      }
    }
    if (read.status === 'damaged') this.warn(`lexical index file ${path} damaged (${read.reason}): rebuilt`);
    return undefined;
  }

  /** Writes the base's index file for the next process (atomically); without it (read-only folder), SQLite's copy serves. */
  private writeIndexFile(kb: string, generation: number, bytes: Uint8Array): void {
    if (this.file === ':memory:') return;
    try {
      const token = generationToken(this.db, kb, generation);
      if (token === undefined) return; // the base has moved on: this index is already stale
      writeLexicalFile(lexicalFilePath(this.file, kb), token, generation, bytes);
    } catch (error) {
      this.warn(`lexical index file for ${kb} not written (${(error as Error).message})`);
    }
  }

  private denseSearch(kb: string, vector: Float32Array, limit: number, accept: (row: number) => boolean): number[] {
    const k = Math.min(4_096, limit * 4);
    const rows = this.db
      .prepare(`SELECT rowid, distance FROM ${vectorTable(kb)} WHERE embedding MATCH ? AND k = ? ORDER BY distance`)
      .all(new Uint8Array(vector.buffer, vector.byteOffset, vector.byteLength), k) as Array<{ rowid: number }>;
    return rows.map((row) => Number(row.rowid)).filter(accept).slice(0, limit);
  }

  /** Payloads of the final page only, in one query. */
  private hits(entries: Array<{ row: number; score: number }>): SearchHit[] {
    if (entries.length === 0) return [];
    const rows = this.db
      .prepare(`SELECT row, payload FROM chunks WHERE row IN (${entries.map(() => '?').join(',')})`)
      .all(...entries.map((entry) => entry.row)) as Array<{ row: number; payload: string }>;
    const payloads = new Map(rows.map((row) => [Number(row.row), row.payload]));
    return entries
      .filter(({ row }) => payloads.has(row))
      .map(({ row, score }) => ({ chunk: JSON.parse(payloads.get(row) as string) as Chunk, score }));
  }

  private transaction(work: () => void): void {
    this.db.exec('BEGIN IMMEDIATE');
    try {
      work();
      this.db.exec('COMMIT');
    } catch (error) {
      this.db.exec('ROLLBACK');
      throw error;
    }
  }
}

function rowFilter(filter: SearchFilter): RowFilter {
  const maxRank = classificationRank(filter.maxClassification);
  return filter.inForceAt ? { maxRank, day: isoToDay(filter.inForceAt, 0) } : { maxRank };
}

function vectorTable(kb: string): string {
  return `vectors_${kb.replace(/[^a-z0-9]/g, '_')}`;
}

/** Index format of each base (index-format.ts); kept apart from SCHEMA, which the stores' data layout owns. */
const FORMAT_SCHEMA = 'CREATE TABLE IF NOT EXISTS base_formats (kb TEXT PRIMARY KEY, format INTEGER NOT NULL);';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS bases (kb TEXT PRIMARY KEY, dimensions INTEGER);
CREATE TABLE IF NOT EXISTS chunks (
  row INTEGER PRIMARY KEY,
  kb TEXT NOT NULL,
  id TEXT NOT NULL,
  document_id TEXT NOT NULL,
  source TEXT NOT NULL,
  part INTEGER NOT NULL,
  classification_rank INTEGER NOT NULL,
  valid_from_day INTEGER NOT NULL,
  valid_to_day INTEGER NOT NULL,
  article_number TEXT,
  article_code TEXT,
  payload TEXT NOT NULL,
  sparse_indices BLOB NOT NULL,
  sparse_values BLOB NOT NULL,
  UNIQUE (kb, id)
);
CREATE INDEX IF NOT EXISTS chunks_by_document ON chunks (kb, document_id);
CREATE INDEX IF NOT EXISTS chunks_by_article ON chunks (kb, article_number);
CREATE TABLE IF NOT EXISTS documents (
  kb TEXT NOT NULL,
  document_id TEXT NOT NULL,
  source TEXT NOT NULL,
  content_hash TEXT NOT NULL,
  chunk_count INTEGER NOT NULL,
  PRIMARY KEY (kb, document_id)
);
CREATE INDEX IF NOT EXISTS documents_by_source ON documents (kb, source);
`;
