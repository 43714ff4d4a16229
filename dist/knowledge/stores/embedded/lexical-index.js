export class LexicalIndex {
    rows;
    ranks;
    fromDays;
    toDays;
    /** Distinct term ids, ascending. */
    terms;
    /** Postings of `terms[i]` are `[starts[i], starts[i + 1])` in `positions` / `weights`. */
    starts;
    positionsOf;
    weights;
    positions = new Map();
    constructor(entries) {
        const size = entries.length;
        this.rows = new Int32Array(size);
        this.ranks = new Uint8Array(size);
        this.fromDays = new Int32Array(size);
        this.toDays = new Int32Array(size);
        const counts = new Map();
        let total = 0;
        entries.forEach((entry, position) => {
            this.rows[position] = entry.row;
            this.positions.set(entry.row, position);
            this.ranks[position] = entry.classificationRank;
            this.fromDays[position] = entry.validFromDay;
            this.toDays[position] = entry.validToDay;
            for (const index of entry.sparse.indices)
                counts.set(index, (counts.get(index) ?? 0) + 1);
            total += entry.sparse.indices.length;
        });
        this.terms = Uint32Array.from(counts.keys()).sort();
        this.starts = new Uint32Array(this.terms.length + 1);
        const fill = new Map();
        let at = 0;
        this.terms.forEach((term, i) => {
            this.starts[i] = at;
            fill.set(term, at);
            at += counts.get(term);
        });
        this.starts[this.terms.length] = at;
        this.positionsOf = new Int32Array(total);
        this.weights = new Float32Array(total);
        entries.forEach((entry, position) => {
            entry.sparse.indices.forEach((index, i) => {
                const next = fill.get(index);
                this.positionsOf[next] = position;
                this.weights[next] = entry.sparse.values[i] ?? 0;
                fill.set(index, next + 1);
            });
        });
    }
    /** Slice of the postings of a term, or undefined when no row holds it. */
    postings(term) {
        let low = 0;
        let high = this.terms.length - 1;
        while (low <= high) {
            const middle = (low + high) >>> 1;
            const value = this.terms[middle];
            if (value === term)
                return [this.starts[middle], this.starts[middle + 1]];
            if (value < term)
                low = middle + 1;
            else
                high = middle - 1;
        }
        return undefined;
    }
    get size() {
        return this.rows.length;
    }
    accepts(position, filter) {
        if ((this.ranks[position] ?? 255) > filter.maxRank)
            return false;
        if (filter.day === undefined)
            return true;
        return (this.fromDays[position] ?? 0) <= filter.day && (this.toDays[position] ?? 0) > filter.day;
    }
    /** Rows of the best matches, best first. */
    search(query, filter, limit) {
        const total = this.rows.length;
        if (total === 0 || query.indices.length === 0)
            return [];
        const scores = new Float64Array(total);
        const touched = [];
        query.indices.forEach((index, i) => {
            const slice = this.postings(index);
            if (!slice)
                return;
            const [from, to] = slice;
            const df = to - from;
            const idf = Math.log(1 + (total - df + 0.5) / (df + 0.5));
            const weight = (query.values[i] ?? 0) * idf;
            for (let j = from; j < to; j++) {
                const position = this.positionsOf[j];
                if (scores[position] === 0)
                    touched.push(position);
                scores[position] = (scores[position] ?? 0) + weight * (this.weights[j] ?? 0);
            }
        });
        const candidates = touched.filter((position) => (scores[position] ?? 0) > 0 && this.accepts(position, filter));
        candidates.sort((a, b) => (scores[b] ?? 0) - (scores[a] ?? 0) || (this.rows[a] ?? 0) - (this.rows[b] ?? 0));
        return candidates.slice(0, limit).map((position) => ({ row: this.rows[position], score: scores[position] }));
    }
    /** True when the row exists in this base and passes the filter. */
    acceptsRow(row, filter) {
        const position = this.positions.get(row);
        return position !== undefined && this.accepts(position, filter);
    }
}
