import { isMatrixRoomId, isMatrixUserId } from "./audience.js";
import * as say from "./messages.js";
import { PasserelleError } from "../errors.js";
/**
 * Turns an audience into recipients, once, when the announcement is prepared: the list is a snapshot (the
 * preview's counts are what will be sent). One recipient per user and channel, or per room, whatever the
 * number of terms naming it. A user the bot cannot reach is kept as an already failed recipient with the
 * reason, so that the report lists them; nothing is sent to them.
 *
 * Teams users are reached through their stored personal conversation (the bot cannot open one); Tchap
 * users through their stored direct chat, else through the adapter's `directRoomFor` at send time.
 */
const THREAD_MARKER = ';messageid=';
export class AudienceResolver {
    deps;
    constructor(deps) {
        this.deps = deps;
    }
    async resolve(terms) {
        const references = await this.deps.state.listReferences({ activeOnly: true });
        const directs = new Map();
        for (const reference of references) {
            if (!reference.isDirect || !reference.userId)
                continue;
            const key = `${reference.channel}:${reference.userId}`;
            const known = directs.get(key);
            if (!known || known.updatedAt < reference.updatedAt)
                directs.set(key, reference);
        }
        const recipients = new Map();
        const add = (recipient) => {
            const known = recipients.get(recipient.key);
            if (!known || (known.status !== 'pending' && recipient.status === 'pending'))
                recipients.set(recipient.key, recipient);
        };
        const user = (channel, userId) => add(this.user(channel, userId, directs.get(`${channel}:${userId}`)));
        for (const term of terms) {
            switch (term.kind) {
                case 'everyone':
                    for (const reference of directs.values()) {
                        if (reference.channel !== 'local' && this.deps.channels.has(reference.channel))
                            user(reference.channel, reference.userId);
                    }
                    break;
                case 'users':
                    for (const id of term.ids)
                        user(this.require(isMatrixUserId(id) ? 'matrix' : 'teams'), id);
                    break;
                case 'rooms':
                    for (const id of term.ids)
                        add(this.room(this.require(isMatrixRoomId(id) ? 'matrix' : 'teams'), id, references));
                    break;
                case 'team':
                case 'group': {
                    this.require('teams');
                    const directory = this.deps.directories.teams;
                    if (!directory)
                        throw new PasserelleError('DIRECTORY_MISSING_TEAMS');
                    const what = term.kind === 'team' ? `l’équipe ${term.id}` : `du groupe ${term.id}`;
                    const members = await this.members(what, () => (term.kind === 'team' ? directory.teamMembers(term.id) : directory.groupMembers(term.id)));
                    for (const member of members)
                        user('teams', member.id);
                    break;
                }
                case 'room-members': {
                    this.require('matrix');
                    const directory = this.deps.directories.matrix;
                    if (!directory)
                        throw new PasserelleError('DIRECTORY_MISSING_MATRIX');
                    const members = await this.members(`du salon ${term.roomId}`, async () => (await directory.joinedMembers(term.roomId)).map((id) => ({ id })));
                    for (const member of members)
                        if (member.id !== this.deps.directories.matrixBotUserId)
                            user('matrix', member.id);
                    break;
                }
            }
        }
        if (recipients.size === 0)
            throw new PasserelleError('AUDIENCE_EMPTY');
        if (recipients.size > this.deps.maxRecipients) {
            throw new PasserelleError('AUDIENCE_TOO_LARGE', { count: recipients.size, max: this.deps.maxRecipients });
        }
        return [...recipients.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    }
    require(channel) {
        if (!this.deps.channels.has(channel))
            throw new PasserelleError('CHANNEL_DISABLED', { name: say.channelName(channel), channel });
        return channel;
    }
    async members(what, list) {
        try {
            return await list();
        }
        catch (error) {
            throw new PasserelleError('DIRECTORY_FAILED', { what }, { cause: error });
        }
    }
    user(channel, userId, direct) {
        const base = { key: `${channel}:user:${userId}`, channel, kind: 'user', target: userId };
        if (direct) {
            return { ...base, address: { key: direct.key, reference: direct.reference }, ...(direct.tenant ? { tenant: direct.tenant } : {}), status: 'pending' };
        }
        // A Tchap direct chat can be opened at send time (MatrixChannelAdapter.directRoomFor); a Teams one cannot.
        if (channel === 'matrix')
            return { ...base, status: 'pending' };
        return { ...base, status: 'failed', errorCode: 'no-conversation', reason: say.REASON_NO_TEAMS_CONVERSATION };
    }
    room(channel, id, references) {
        const base = { key: `${channel}:room:${id}`, channel, kind: 'room', target: id };
        if (channel === 'matrix')
            return { ...base, address: { key: `matrix:${id}`, reference: { roomId: id, isDirect: false } }, status: 'pending' };
        const stored = references.find((reference) => reference.key === `teams:${id}`) ?? references.find((reference) => reference.key.startsWith(`teams:${id}${THREAD_MARKER}`));
        if (!stored)
            return { ...base, status: 'failed', errorCode: 'no-conversation', reason: say.REASON_NO_TEAMS_ROOM };
        return { ...base, address: { key: `teams:${id}`, reference: withoutThread(stored.reference, id) }, ...(stored.tenant ? { tenant: stored.tenant } : {}), status: 'pending' };
    }
}
/** A channel reference posting at the top of the channel (a new thread), not inside the thread it was stored from. */
function withoutThread(reference, conversationId) {
    if (!reference || typeof reference !== 'object')
        return reference;
    const value = reference;
    return { ...value, conversation: { ...(value.conversation ?? {}), id: conversationId } };
}
