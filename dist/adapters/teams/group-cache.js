/**
 * Entra group memberships of Teams users, for access control (`access.allowGroups` / `adminGroups`), cached
 * in memory for `ttlMs` so that Microsoft Graph is asked at most once per user and period. A failed lookup
 * is not cached and yields no groups (access then falls back to the user-id patterns).
 */
export class GroupCache {
    source;
    ttlMs;
    maxEntries;
    entries = new Map();
    constructor(source, ttlMs = 10 * 60_000, maxEntries = 10_000) {
        this.source = source;
        this.ttlMs = ttlMs;
        this.maxEntries = maxEntries;
    }
    async groupsOf(userId) {
        const now = Date.now();
        const cached = this.entries.get(userId);
        if (cached && cached.expiresAt > now)
            return cached.groups;
        const groups = await this.source.userGroups(userId);
        if (this.entries.size >= this.maxEntries)
            this.entries.clear();
        this.entries.set(userId, { groups, expiresAt: now + this.ttlMs });
        return groups;
    }
}
