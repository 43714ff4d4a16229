/** Audit kinds that are answers to a question (the others are admin events: refused API calls…). */
export const ANSWER_KINDS = ['extractive', 'generative', 'standard', 'refusal', 'abstention'];
/** Upper bounds (ms, inclusive) of the latency histogram's buckets; one more bucket holds what is beyond. */
export const LATENCY_BOUNDS_MS = [250, 500, 750, 1_000, 1_500, 2_000, 3_000, 4_000, 5_000, 7_500, 10_000, 15_000, 20_000, 30_000, 60_000];
/** `CASE` expression giving the latency bucket of `latency_ms` (the same SQL in both databases). */
export function latencyBucketSql() {
    return `CASE ${LATENCY_BOUNDS_MS.map((bound, index) => `WHEN latency_ms <= ${bound} THEN ${index}`).join(' ')} ELSE ${LATENCY_BOUNDS_MS.length} END`;
}
/** The day (YYYY-MM-DD) of a count of days since the epoch. */
export function epochDay(days) {
    return new Date(days * 86_400_000).toISOString().slice(0, 10);
}
