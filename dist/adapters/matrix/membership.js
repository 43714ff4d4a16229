import { mayInvite } from "./invite-policy.js";
import { conversationKey } from "./reference.js";
/**
 * Room membership of the bot: accepts invites from allowed inviters (and records direct chats), rejects the
 * others (leave), leaves a room once it is the last member, and tells the core of rooms it left (their
 * conversations, threads included, become inactive). Reviews of one room run one after another, on the state current at their turn.
 */
export class MembershipManager {
    client;
    outbox;
    directRooms;
    sink;
    policy;
    logger;
    chains = new Map();
    constructor(client, outbox, directRooms, sink, policy, logger) {
        this.client = client;
        this.outbox = outbox;
        this.directRooms = directRooms;
        this.sink = sink;
        this.policy = policy;
        this.logger = logger;
    }
    /** Looks at every known room: pending invites, rooms the bot is alone in. */
    async reviewAll() {
        for (const room of this.client.getRooms())
            await this.review(room);
    }
    /** Acts on one room according to the bot's membership there (reviews of a room run one after another). */
    review(room) {
        const next = (this.chains.get(room.roomId) ?? Promise.resolve()).then(() => this.act(room));
        this.chains.set(room.roomId, next);
        void next.finally(() => {
            if (this.chains.get(room.roomId) === next)
                this.chains.delete(room.roomId);
        });
        return next;
    }
    async act(room) {
        try {
            const membership = room.getMyMembership();
            if (membership === 'invite')
                await this.answerInvite(room);
            else if (membership === 'join' && this.alone(room))
                await this.leave(room, 'last-member');
            else if (membership === 'leave' || membership === 'ban')
                await this.deactivate(room.roomId, membership === 'ban' ? 'banned' : 'left');
        }
        catch (error) {
            this.logger.warn('matrix membership handling failed', { roomId: room.roomId, error });
        }
    }
    async answerInvite(room) {
        const invite = room.getMember(this.policy.botUserId)?.events.member;
        const inviter = invite?.getSender() ?? room.getDMInviter() ?? '';
        if (!mayInvite(inviter, this.policy)) {
            this.logger.info('matrix invite rejected', { roomId: room.roomId, inviter });
            await this.outbox.request(() => this.client.leave(room.roomId));
            return;
        }
        await this.outbox.request(() => this.client.joinRoom(room.roomId));
        if (invite?.getContent().is_direct === true)
            await this.directRooms.remember(inviter, room.roomId);
        this.logger.info('matrix invite accepted', { roomId: room.roomId, inviter, direct: invite?.getContent().is_direct === true });
    }
    /** From the member list (the sync summary may lag behind the membership events being processed). */
    alone(room) {
        return room.getMembersWithMembership('join').every((member) => member.userId === this.policy.botUserId) && room.getMembersWithMembership('invite').length === 0;
    }
    async leave(room, reason) {
        this.logger.info('matrix room left', { roomId: room.roomId, reason });
        await this.outbox.request(() => this.client.leave(room.roomId));
        await this.deactivate(room.roomId, reason);
        await this.outbox.request(() => this.client.forget(room.roomId)).catch(() => undefined);
    }
    async deactivate(roomId, reason) {
        const key = conversationKey(roomId);
        await this.sink.receive({ kind: 'removed', channel: 'matrix', key, threadKeyPrefix: `${key}:`, reason });
    }
}
