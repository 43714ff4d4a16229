import { serverOf } from './reference.ts';

/**
 * Who may invite the bot into a room. Both settings restrict, and an inviter must pass both:
 * - `allowedServers`: the inviter's homeserver must be one of them;
 * - `allowedInviters`: the inviter's user id must match one of them (glob patterns such as
 *   `@chef.*:agent.douane.tchap.gouv.fr`; an entry without `@` nor `*` is a homeserver name: any user of it).
 * A setting left empty does not restrict; with both empty, only users of the bot's own homeserver are accepted
 * (never the whole federation by default). So naming inviters restricts to them even when their server is
 * allowed (the settings once combined as "either", which made `MATRIX_ALLOWED_INVITERS` void next to
 * `MATRIX_ALLOWED_SERVERS`).
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
  const { allowedInviters, allowedServers } = settings;
  if (allowedInviters.length === 0 && allowedServers.length === 0) return server === serverOf(settings.botUserId).toLowerCase();
  const serverAllowed = allowedServers.length === 0 || allowedServers.some((entry) => entry.toLowerCase() === server);
  const inviterAllowed =
    allowedInviters.length === 0 ||
    allowedInviters.some((entry) => (entry.includes('@') || entry.includes('*') ? globToRegExp(entry).test(inviter) : entry.toLowerCase() === server));
  return serverAllowed && inviterAllowed;
}

/** `*` matches any run of characters (case-insensitive); everything else is literal. */
export function globToRegExp(pattern: string): RegExp {
  const source = pattern
    .split('*')
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${source}$`, 'i');
}
