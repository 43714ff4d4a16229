import type { SparseVector } from '../../types.ts';

/**
 * In-memory inverted index of one base, rebuilt from the SQLite rows after each write. Scores are
 * Σ query weight × IDF × document weight with IDF = ln(1 + (N − n + 0.5)/(n + 0.5)), as Qdrant's idf modifier.
 */

export interface IndexedRow {
  row: number;
  classificationRank: number;
  validFromDay: number;
  validToDay: number;
  sparse: SparseVector;
}

interface Postings {
  positions: Int32Array;
  weights: Float32Array;
}

export interface RowFilter {
  maxRank: number;
  day?: number;
}

export class LexicalIndex {
  private readonly rows: Int32Array;
  private readonly ranks: Uint8Array;
  private readonly fromDays: Int32Array;
  private readonly toDays: Int32Array;
  private readonly postings = new Map<number, Postings>();
  private readonly positions = new Map<number, number>();

  constructor(entries: IndexedRow[]) {
    const size = entries.length;
    this.rows = new Int32Array(size);
    this.ranks = new Uint8Array(size);
    this.fromDays = new Int32Array(size);
    this.toDays = new Int32Array(size);
    const counts = new Map<number, number>();
    entries.forEach((entry, position) => {
      this.rows[position] = entry.row;
      this.positions.set(entry.row, position);
      this.ranks[position] = entry.classificationRank;
      this.fromDays[position] = entry.validFromDay;
      this.toDays[position] = entry.validToDay;
      for (const index of entry.sparse.indices) counts.set(index, (counts.get(index) ?? 0) + 1);
    });
    const fill = new Map<number, number>();
    for (const [index, count] of counts) {
      this.postings.set(index, { positions: new Int32Array(count), weights: new Float32Array(count) });
      fill.set(index, 0);
    }
    entries.forEach((entry, position) => {
      entry.sparse.indices.forEach((index, i) => {
        const posting = this.postings.get(index) as Postings;
        const at = fill.get(index) as number;
        posting.positions[at] = position;
        posting.weights[at] = entry.sparse.values[i] ?? 0;
        fill.set(index, at + 1);
      });
    });
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
      const posting = this.postings.get(index);
      if (!posting) return;
      const df = posting.positions.length;
      const idf = Math.log(1 + (total - df + 0.5) / (df + 0.5));
      const weight = (query.values[i] ?? 0) * idf;
      for (let j = 0; j < df; j++) {
        const position = posting.positions[j] as number;
        if (scores[position] === 0) touched.push(position);
        scores[position] = (scores[position] ?? 0) + weight * (posting.weights[j] ?? 0);
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
