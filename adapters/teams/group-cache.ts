/**
 * Entra group memberships of Teams users, for access control (`access.allowGroups` / `adminGroups`), cached
 * in memory for `ttlMs` so that Microsoft Graph is asked at most once per user and period. A failed lookup
 * is not cached and yields no groups (access then falls back to the user-id patterns).
 */

export interface GroupSource {
  /** Ids of the groups the user (Entra object id) belongs to, transitively. */
  userGroups(userId: string): Promise<string[]>;
}

export class GroupCache {
  private readonly entries = new Map<string, { groups: string[]; expiresAt: number }>();

  constructor(
    private readonly source: GroupSource,
    private readonly ttlMs = 10 * 60_000,
    private readonly maxEntries = 10_000,
  ) {}

  async groupsOf(userId: string): Promise<string[]> {
    const now = Date.now();
    const cached = this.entries.get(userId);
    if (cached && cached.expiresAt > now) return cached.groups;
    const groups = await this.source.userGroups(userId);
    if (this.entries.size >= this.maxEntries) this.entries.clear();
    this.entries.set(userId, { groups, expiresAt: now + this.ttlMs });
    return groups;
  }
}
