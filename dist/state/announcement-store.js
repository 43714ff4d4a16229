const COUNTED = ['pending', 'sending', 'sent', 'failed', 'blocked', 'cancelled'];
/** Counts by status from (status, n) pairs, every status present (0 when absent). */
export function countsOf(entries) {
    const counts = { total: 0, pending: 0, sending: 0, sent: 0, failed: 0, blocked: 0, cancelled: 0 };
    for (const [status, n] of entries) {
        const known = COUNTED.find((name) => name === status);
        if (known)
            counts[known] += n;
        counts.total += n;
    }
    return counts;
}
