import { globToRegExp, type KnowledgeCatalog } from '../knowledge/catalog.ts';
import type { IncomingMessage } from './message.ts';

/** Who may use the bot, which bases, who is admin — from config (user-id patterns, domains as patterns, groups). */
export interface AccessSettings {
  allow: readonly string[];
  allowGroups: readonly string[];
  admins: readonly string[];
  adminGroups: readonly string[];
}

export class AccessPolicy {
  private readonly allow: RegExp[];
  private readonly admins: RegExp[];

  constructor(
    private readonly settings: AccessSettings,
    private readonly catalog: KnowledgeCatalog,
  ) {
    this.allow = settings.allow.map(globToRegExp);
    this.admins = settings.admins.map(globToRegExp);
  }

  mayUse(sender: IncomingMessage['sender'], groups: readonly string[] = []): boolean {
    return this.allow.some((pattern) => pattern.test(sender.id)) || groups.some((group) => this.settings.allowGroups.includes(group)) || this.isAdmin(sender, groups);
  }

  isAdmin(sender: IncomingMessage['sender'], groups: readonly string[] = []): boolean {
    return this.admins.some((pattern) => pattern.test(sender.id)) || groups.some((group) => this.settings.adminGroups.includes(group));
  }

  allowedBases(sender: IncomingMessage['sender']): string[] {
    return this.catalog.ids.filter((kb) => this.catalog.canAccess(kb, sender.id));
  }
}
