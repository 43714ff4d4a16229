import { serverOf } from './reference.ts';

/**
 * Who may invite the bot into a room. An inviter is accepted when its user id matches one of
 * `allowedInviters` (glob patterns such as `@*:agent.douane.tchap.gouv.fr`; an entry without `@` nor `*` is
 * taken as a homeserver name) or when its homeserver is in `allowedServers`. With both lists empty, only
 * users of the bot's own homeserver are accepted (never the whole federation by default).
 */
export interface InvitePolicySettings {
  allowedInviters: readonly string[];
  allowedServers: readonly string[];
  botUserId: string;
}

/** Whether an invite from `inviter` is accepted. */
export function mayInvite(inviter: string, settings: InvitePolicySettings): boolean {
  if (!/^@[^:\s]+:[^\s]+$/.test(inviter)) return false;
  const server = serverOf(inviter).toLowerCase();
  const patterns = settings.allowedInviters.filter((entry) => entry.includes('@') || entry.includes('*'));
  const servers = [...settings.allowedServers, ...settings.allowedInviters.filter((entry) => !entry.includes('@') && !entry.includes('*'))].map((entry) => entry.toLowerCase());
  if (patterns.length === 0 && servers.length === 0) return server === serverOf(settings.botUserId).toLowerCase();
  return servers.includes(server) || patterns.some((pattern) => globToRegExp(pattern).test(inviter));
}

/** `*` matches any run of characters (case-insensitive); everything else is literal. */
export function globToRegExp(pattern: string): RegExp {
  const source = pattern
    .split('*')
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${source}$`, 'i');
}
