import { HTTP_ERRORS } from "./teams-messages.js";
/**
 * Shape checks of a POSTed activity, before authentication and before any botbuilder code sees it. A body
 * that fails gets a 400 with a French reason; nothing reaches the bot. Activity types of the Bot Framework
 * schema that Passerelle does not act on (reactions, edits, events…) pass and are acknowledged with 200.
 */
/** Activity types of the Bot Framework schema (anything else is a client error). */
const KNOWN_ACTIVITY_TYPES = new Set([
    'message', 'conversationUpdate', 'installationUpdate', 'invoke', 'messageReaction', 'messageUpdate', 'messageDelete',
    'event', 'typing', 'endOfConversation', 'contactRelationUpdate', 'deleteUserData', 'trace', 'handoff', 'command',
    'commandResult', 'suggestion', 'invokeResponse',
]);
/** Types Passerelle acts on: they must carry everything needed to answer. */
const ACTIONABLE = new Set(['message', 'conversationUpdate', 'installationUpdate', 'invoke']);
export function validateActivity(body) {
    if (!body || typeof body !== 'object' || Array.isArray(body))
        return { ok: false, error: HTTP_ERRORS.notAnActivity };
    const activity = body;
    if (typeof activity.type !== 'string' || activity.type === '')
        return { ok: false, error: HTTP_ERRORS.notAnActivity };
    if (!KNOWN_ACTIVITY_TYPES.has(activity.type))
        return { ok: false, error: `${HTTP_ERRORS.unknownType} (${activity.type.slice(0, 40)})` };
    if (!ACTIONABLE.has(activity.type))
        return { ok: true, activity: activity };
    const missing = [];
    if (!isHttpUrl(activity.serviceUrl))
        missing.push('serviceUrl');
    if (!hasStringId(activity.conversation))
        missing.push('conversation.id');
    if (!hasStringId(activity.recipient))
        missing.push('recipient.id');
    if ((activity.type === 'message' || activity.type === 'invoke') && !hasStringId(activity.from))
        missing.push('from.id');
    if (activity.type === 'message' && activity.text !== undefined && typeof activity.text !== 'string')
        missing.push('text (chaîne)');
    if (activity.type === 'invoke' && typeof activity.name !== 'string')
        missing.push('name');
    for (const list of ['entities', 'attachments', 'membersAdded', 'membersRemoved']) {
        const items = activity[list];
        if (items !== undefined && (!Array.isArray(items) || items.some((item) => !item || typeof item !== 'object')))
            missing.push(`${list} (liste d’objets)`);
    }
    if (missing.length > 0)
        return { ok: false, error: `${HTTP_ERRORS.missingFields} : ${missing.join(', ')}` };
    return { ok: true, activity: activity };
}
function hasStringId(value) {
    return Boolean(value && typeof value === 'object' && typeof value.id === 'string' && value.id !== '');
}
function isHttpUrl(value) {
    if (typeof value !== 'string')
        return false;
    try {
        const url = new URL(value);
        return url.protocol === 'https:' || url.protocol === 'http:';
    }
    catch {
        return false;
    }
}
