import { TurnContext } from 'botbuilder';
import { parseFeedback } from "./feedback.js";
const THREAD_MARKER = ';messageid=';
export function classifyActivity(activity, now = new Date()) {
    switch (activity.type) {
        case 'message':
            if (activity.from?.id && activity.from.id === activity.recipient?.id)
                return { kind: 'ignored', reason: 'own message' };
            return { kind: 'message', message: toIncomingMessage(activity, now), reference: storedReferenceOf(activity, now) };
        case 'conversationUpdate':
            if (activity.membersAdded?.some((member) => member.id === activity.recipient?.id))
                return installEvent(activity, now);
            if (activity.membersRemoved?.some((member) => member.id === activity.recipient?.id))
                return { kind: 'uninstall', key: addressOf(activity).key, reason: 'removed from conversation' };
            return { kind: 'ignored', reason: 'member change' };
        case 'installationUpdate': {
            const action = String(activity.action ?? '');
            if (action.startsWith('add'))
                return installEvent(activity, now);
            if (action.startsWith('remove'))
                return { kind: 'uninstall', key: addressOf(activity).key, reason: 'uninstalled' };
            return { kind: 'ignored', reason: `installation ${action}` };
        }
        case 'invoke': {
            const name = String(activity.name ?? '');
            const feedback = name === 'message/submitAction' ? parseFeedback(activity) : undefined;
            return feedback ? { kind: 'feedback', feedback } : { kind: 'unsupported-invoke', name };
        }
        default:
            return { kind: 'ignored', reason: `activity ${String(activity.type)}` };
    }
}
function installEvent(activity, now) {
    return { kind: 'install', reference: storedReferenceOf(activity, now), personal: isPersonalConversation(activity.conversation), installerId: senderIdOf(activity) };
}
/** Tenant of the activity: channelData.tenant.id first (Teams), else conversation.tenantId. */
export function tenantOf(activity) {
    const channelData = activity.channelData;
    const fromChannelData = channelData?.tenant?.id;
    if (typeof fromChannelData === 'string' && fromChannelData)
        return fromChannelData;
    return activity.conversation?.tenantId || undefined;
}
/** A one-to-one chat with the bot. Without conversationType (emulator), a conversation that is not a group. */
export function isPersonalConversation(conversation) {
    const type = conversation?.conversationType;
    return type ? type === 'personal' : conversation?.isGroup !== true;
}
/** Stable user id: the Entra object id when Teams gives it, else the channel account id (29:…). */
function senderIdOf(activity) {
    return activity.from?.aadObjectId || activity.from?.id || undefined;
}
/** Reference used to answer: the conversation, with the channel thread for channel messages. */
export function conversationReferenceOf(activity) {
    const reference = TurnContext.getConversationReference(activity);
    const conversation = reference.conversation;
    if (activity.type === 'message' && conversation?.conversationType === 'channel' && !conversation.id.includes(THREAD_MARKER)) {
        const root = activity.replyToId || activity.id;
        if (root)
            reference.conversation = { ...conversation, id: `${conversation.id}${THREAD_MARKER}${root}` };
    }
    const team = activity.channelData?.team;
    if (conversation?.conversationType === 'channel' && team && (typeof team.id === 'string' || typeof team.aadGroupId === 'string')) {
        reference.teamsTeam = {
            ...(typeof team.id === 'string' ? { id: team.id } : {}),
            ...(typeof team.aadGroupId === 'string' ? { aadGroupId: team.aadGroupId } : {}),
        };
    }
    return reference;
}
export function addressOf(activity) {
    const reference = conversationReferenceOf(activity);
    return { key: `teams:${reference.conversation?.id ?? ''}`, reference };
}
export function storedReferenceOf(activity, now = new Date()) {
    const address = addressOf(activity);
    const personal = isPersonalConversation(activity.conversation);
    const userId = personal ? senderIdOf(activity) : undefined;
    const tenant = tenantOf(activity);
    return {
        key: address.key,
        channel: 'teams',
        reference: address.reference,
        ...(userId ? { userId } : {}),
        ...(tenant ? { tenant } : {}),
        isDirect: personal,
        active: true,
        updatedAt: now.toISOString(),
    };
}
/** Root message id of a channel thread, when the conversation is one. */
export function threadRootOf(reference) {
    const id = reference.conversation?.id ?? '';
    const at = id.indexOf(THREAD_MARKER);
    return at >= 0 ? id.slice(at + THREAD_MARKER.length) : undefined;
}
/**
 * The message text without the bot's mention, and whether the bot was mentioned. Mentions are found through
 * the activity's `mention` entities, never by matching the bot's name: other people's mentions keep their
 * display name, without the `<at>` markup.
 */
export function stripMentions(activity) {
    let text = typeof activity.text === 'string' ? activity.text : '';
    let mentioned = false;
    for (const entity of activity.entities ?? []) {
        if (entity.type !== 'mention')
            continue;
        const mention = entity;
        const markup = typeof mention.text === 'string' ? mention.text : '';
        if (mention.mentioned?.id !== undefined && mention.mentioned.id === activity.recipient?.id) {
            mentioned = true;
            if (markup)
                text = text.split(markup).join(' ');
        }
        else if (markup) {
            const name = typeof mention.mentioned?.name === 'string' ? mention.mentioned.name : markup.replace(/<\/?at>/g, '');
            text = text.split(markup).join(name);
        }
    }
    // A mention removed mid-sentence leaves "Bonjour , …": spaces are collapsed and dropped before , and .
    text = text.replace(/&nbsp;/g, ' ').replace(/[ \t\u00a0]+/g, ' ').replace(/ ([,.])/g, '$1').replace(/ *\n */g, '\n').trim();
    return { text, mentioned };
}
/** Content type of a file sent to the bot in a personal chat (OneDrive file, pre-authenticated download URL). */
export const FILE_DOWNLOAD_INFO = 'application/vnd.microsoft.teams.file.download.info';
/** Files the user attached (Teams file download info, images); the HTML copy of the message body is skipped. */
export function attachmentsOf(activity) {
    return (activity.attachments ?? [])
        .filter((attachment) => attachment.contentType !== 'text/html' && !attachment.contentType?.startsWith('application/vnd.microsoft.card'))
        .map((attachment) => {
        const content = attachment.content;
        const isFile = attachment.contentType === FILE_DOWNLOAD_INFO;
        const downloadUrl = typeof content?.downloadUrl === 'string' ? content.downloadUrl : undefined;
        const name = attachment.name ?? 'pièce jointe';
        const size = typeof content?.size === 'number' && Number.isFinite(content.size) && content.size >= 0 ? content.size : undefined;
        const locator = {
            kind: isFile ? 'file' : 'content',
            url: isFile ? downloadUrl : (attachment.contentUrl ?? downloadUrl),
            name,
            ...(activity.serviceUrl ? { serviceUrl: activity.serviceUrl } : {}),
            ...(size !== undefined ? { size } : {}),
            ...(typeof content?.fileType === 'string' ? { fileType: content.fileType } : {}),
        };
        return { name, contentType: attachment.contentType, ...(size !== undefined ? { size } : {}), locator };
    });
}
export function toIncomingMessage(activity, now = new Date()) {
    const address = addressOf(activity);
    const personal = isPersonalConversation(activity.conversation);
    const { text, mentioned } = stripMentions(activity);
    const reference = address.reference;
    const threadId = personal ? undefined : threadRootOf(reference);
    const senderId = senderIdOf(activity) ?? 'inconnu';
    return {
        channel: 'teams',
        // Teams activity ids are unique within a conversation only.
        id: `${activity.conversation?.id ?? ''}|${activity.id ?? now.getTime()}`,
        conversation: address,
        sender: { id: senderId, ...(activity.from?.name ? { displayName: activity.from.name } : {}) },
        text,
        addressedToBot: personal || mentioned,
        isDirect: personal,
        ...(threadId ? { threadId } : {}),
        ...(activity.replyToId ? { replyToId: activity.replyToId } : {}),
        attachments: attachmentsOf(activity),
        receivedAt: now.toISOString(),
    };
}
