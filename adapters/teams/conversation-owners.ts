import type { TeamsReference } from './activity-mapper.ts';

/**
 * Who moderates a Teams team channel or group chat, for per-room settings (`paramètres`): the team's owners
 * (`/teams/{id}/members`, role `owner`), the chat's owners (`/chats/{id}/members`, role `owner`: its
 * creator, and whoever they made owner). Read through Microsoft Graph, cached `ttlMs` per conversation; a
 * failed lookup is not cached and makes nobody a moderator. Permissions: TeamMember.Read.All, ChatMember.Read.All
 * (or the RSC permissions TeamMember.Read.Group, ChatMember.Read.Chat).
 */

export interface OwnerSource {
  /** Entra object ids of the team's owners (`teamId`: the team's Microsoft 365 group id). */
  teamOwners(teamId: string): Promise<string[]>;
  /** Entra object ids of the group chat's owners. */
  chatOwners(chatId: string): Promise<string[]>;
}

export class ConversationOwners {
  private readonly entries = new Map<string, { owners: Set<string>; expiresAt: number }>();

  constructor(
    private readonly source: OwnerSource,
    private readonly ttlMs = 10 * 60_000,
    private readonly maxEntries = 10_000,
  ) {}

  /** Whether `userId` (Entra object id) owns the team of this channel, or this group chat. */
  async isOwner(reference: TeamsReference, userId: string): Promise<boolean> {
    const conversation = reference.conversation;
    const teamId = reference.teamsTeam?.aadGroupId;
    const target = conversation?.conversationType === 'channel' && teamId ? { key: `team:${teamId}`, list: () => this.source.teamOwners(teamId) }
      : conversation?.conversationType === 'groupChat' && conversation.id ? { key: `chat:${conversation.id}`, list: () => this.source.chatOwners(conversation.id) }
      : undefined;
    if (!target) return false;
    const now = Date.now();
    let cached = this.entries.get(target.key);
    if (!cached || cached.expiresAt <= now) {
      cached = { owners: new Set(await target.list()), expiresAt: now + this.ttlMs };
      if (this.entries.size >= this.maxEntries) this.entries.clear();
      this.entries.set(target.key, cached);
    }
    return cached.owners.has(userId);
  }
}
