import type { SparseVector } from '../../types.ts';

/**
 * In-memory inverted index of one base, rebuilt from the SQLite rows after each write. Scores are
 * Σ query weight × IDF × document weight with IDF = ln(1 + (N − n + 0.5)/(n + 0.5)), as Qdrant's idf modifier.
 *
 * Compressed sparse layout: the term ids sorted in one array, each term's postings a slice of two shared arrays
 * (positions, weights), found by binary search. A term costs 8 bytes and a posting 8 bytes, where one small
 * object per term (most terms — word pairs, agents' wording — occur in one or two chunks) cost hundreds.
 */

export interface IndexedRow {
  row: number;
  classificationRank: number;
  validFromDay: number;
  validToDay: number;
  sparse: SparseVector;
}

/** A row as the embedded store reads it: its sparse vector in typed arrays, as stored. */
export interface CompactRow extends Omit<IndexedRow, 'sparse'> {
  sparse: { indices: Uint32Array; values: Float32Array };
}

export interface RowFilter {
  maxRank: number;
  day?: number;
}

/** The index's arrays, as lexical-snapshot.ts stores them. */
export interface LexicalIndexArrays {
  rows: Int32Array;
  ranks: Uint8Array;
  fromDays: Int32Array;
  toDays: Int32Array;
  terms: Uint32Array;
  starts: Uint32Array;
  positionsOf: Int32Array;
  weights: Float32Array;
}

export class LexicalIndex {
  private readonly rows: Int32Array;
  private readonly ranks: Uint8Array;
  private readonly fromDays: Int32Array;
  private readonly toDays: Int32Array;
  /** Distinct term ids, ascending. */
  private readonly terms: Uint32Array;
  /** Postings of `terms[i]` are `[starts[i], starts[i + 1])` in `positions` / `weights`. */
  private readonly starts: Uint32Array;
  private readonly positionsOf: Int32Array;
  private readonly weights: Float32Array;
  private readonly positions = new Map<number, number>();

  /**
   * Built in typed arrays only (every posting's term id in one sorted array, term slots found by binary
   * search): no Map of terms nor array of numbers per chunk, so an ingestion that persists the index at its
   * end (sqlite-vector-store.ts `prepare`) does not raise the process's peak memory by tens of MB.
   */
  constructor(entries: ReadonlyArray<IndexedRow | CompactRow>) {
    const size = entries.length;
    this.rows = new Int32Array(size);
    this.ranks = new Uint8Array(size);
    this.fromDays = new Int32Array(size);
    this.toDays = new Int32Array(size);
    let total = 0;
    for (const entry of entries) total += entry.sparse.indices.length;
    const sorted = new Uint32Array(total);
    let at = 0;
    entries.forEach((entry, position) => {
      this.rows[position] = entry.row;
      this.positions.set(entry.row, position);
      this.ranks[position] = entry.classificationRank;
      this.fromDays[position] = entry.validFromDay;
      this.toDays[position] = entry.validToDay;
      sorted.set(entry.sparse.indices, at);
      at += entry.sparse.indices.length;
    });
    sorted.sort();
    let distinct = 0;
    for (let i = 0; i < total; i++) if (i === 0 || sorted[i] !== sorted[i - 1]) distinct++;
    this.terms = new Uint32Array(distinct);
    this.starts = new Uint32Array(distinct + 1);
    for (let i = 0, slot = -1; i < total; i++) {
      if (i === 0 || sorted[i] !== sorted[i - 1]) {
        slot++;
        this.terms[slot] = sorted[i] as number;
        this.starts[slot] = i;
      }
    }
    this.starts[distinct] = total;
    const fill = this.starts.slice(0, distinct);
    this.positionsOf = new Int32Array(total);
    this.weights = new Float32Array(total);
    entries.forEach((entry, position) => {
      const { indices, values } = entry.sparse;
      for (let i = 0; i < indices.length; i++) {
        const slot = this.slotOf(indices[i] as number);
        const next = fill[slot] as number;
        this.positionsOf[next] = position;
        this.weights[next] = values[i] ?? 0;
        fill[slot] = next + 1;
      }
    });
  }

  /** Index of `term` in `terms` (present by construction). */
  private slotOf(term: number): number {
    let low = 0;
    let high = this.terms.length - 1;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if ((this.terms[middle] as number) < term) low = middle + 1;
      else high = middle;
    }
    return low;
  }

  /** An index from its arrays (a snapshot), without rebuilding anything but the row → position map. */
  static fromArrays(arrays: LexicalIndexArrays): LexicalIndex {
    const index = Object.create(LexicalIndex.prototype) as LexicalIndex;
    const positions = new Map<number, number>();
    arrays.rows.forEach((row, position) => positions.set(row, position));
    return Object.assign(index, arrays, { positions });
  }

  /** The arrays, for a snapshot. */
  toArrays(): LexicalIndexArrays {
    const { rows, ranks, fromDays, toDays, terms, starts, positionsOf, weights } = this;
    return { rows, ranks, fromDays, toDays, terms, starts, positionsOf, weights };
  }

  /** Slice of the postings of a term, or undefined when no row holds it. */
  private postings(term: number): [number, number] | undefined {
    let low = 0;
    let high = this.terms.length - 1;
    while (low <= high) {
      const middle = (low + high) >>> 1;
      const value = this.terms[middle] as number;
      if (value === term) return [this.starts[middle] as number, this.starts[middle + 1] as number];
      if (value < term) low = middle + 1;
      else high = middle - 1;
    }
    return undefined;
  }

  get size(): number {
    return this.rows.length;
  }

  accepts(position: number, filter: RowFilter): boolean {
    if ((this.ranks[position] ?? 255) > filter.maxRank) return false;
    if (filter.day === undefined) return true;
    return (this.fromDays[position] ?? 0) <= filter.day && (this.toDays[position] ?? 0) > filter.day;
  }

  /** Rows of the best matches, best first. */
  search(query: SparseVector, filter: RowFilter, limit: number): Array<{ row: number; score: number }> {
    const total = this.rows.length;
    if (total === 0 || query.indices.length === 0) return [];
    const scores = new Float64Array(total);
    const touched: number[] = [];
    query.indices.forEach((index, i) => {
      const slice = this.postings(index);
      if (!slice) return;
      const [from, to] = slice;
      const df = to - from;
      const idf = Math.log(1 + (total - df + 0.5) / (df + 0.5));
      const weight = (query.values[i] ?? 0) * idf;
      for (let j = from; j < to; j++) {
        const position = this.positionsOf[j] as number;
        if (scores[position] === 0) touched.push(position);
        scores[position] = (scores[position] ?? 0) + weight * (this.weights[j] ?? 0);
      }
    });
    const candidates = touched.filter((position) => (scores[position] ?? 0) > 0 && this.accepts(position, filter));
    candidates.sort((a, b) => (scores[b] ?? 0) - (scores[a] ?? 0) || (this.rows[a] ?? 0) - (this.rows[b] ?? 0));
    return candidates.slice(0, limit).map((position) => ({ row: this.rows[position] as number, score: scores[position] as number }));
  }

  /** True when the row exists in this base and passes the filter. */
  acceptsRow(row: number, filter: RowFilter): boolean {
    const position = this.positions.get(row);
    return position !== undefined && this.accepts(position, filter);
  }
}
