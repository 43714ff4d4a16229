/**
 * Reciprocal rank fusion: score = Σ 1 / (k + rank), rank counted from 1, k = 60 as in the original paper.
 * (Qdrant counts positions from 0 with k = 2 by default; the Qdrant store asks for k = 61 to match.)
 */
export const RRF_K = 60;
export function reciprocalRankFusion(rankings, k = RRF_K) {
    const scores = new Map();
    for (const ranking of rankings) {
        ranking.forEach((item, index) => scores.set(item, (scores.get(item) ?? 0) + 1 / (k + index + 1)));
    }
    return [...scores.entries()].map(([item, score]) => ({ item, score })).sort((a, b) => b.score - a.score);
}
