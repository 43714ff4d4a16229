import { serverOf } from "./reference.js";
/** Whether an invite from `inviter` is accepted. */
export function mayInvite(inviter, settings) {
    if (!/^@[^:\s]+:[^\s]+$/.test(inviter))
        return false;
    const server = serverOf(inviter).toLowerCase();
    const patterns = settings.allowedInviters.filter((entry) => entry.includes('@') || entry.includes('*'));
    const servers = [...settings.allowedServers, ...settings.allowedInviters.filter((entry) => !entry.includes('@') && !entry.includes('*'))].map((entry) => entry.toLowerCase());
    if (patterns.length === 0 && servers.length === 0)
        return server === serverOf(settings.botUserId).toLowerCase();
    return servers.includes(server) || patterns.some((pattern) => globToRegExp(pattern).test(inviter));
}
/** `*` matches any run of characters (case-insensitive); everything else is literal. */
export function globToRegExp(pattern) {
    const source = pattern
        .split('*')
        .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
        .join('.*');
    return new RegExp(`^${source}$`, 'i');
}
