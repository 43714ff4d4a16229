import type { MatrixClient, Room } from 'matrix-js-sdk';
import type { Logger } from '../../bots/logger.ts';
import type { InboundSink } from '../../bots/inbound-event.ts';
import type { DirectRooms } from './direct-rooms.ts';
import { mayInvite, type InvitePolicySettings } from './invite-policy.ts';
import type { Outbox } from './outbox.ts';
import { conversationKey } from './reference.ts';

/**
 * Room membership of the bot: accepts invites from allowed inviters (and records direct chats), rejects the
 * others (leave), leaves a room once it is the last member, and tells the core of rooms it left (their
 * conversations, threads included, become inactive). Reviews of one room run one after another, on the state current at their turn.
 */
export class MembershipManager {
  private readonly chains = new Map<string, Promise<void>>();

  constructor(
    private readonly client: MatrixClient,
    private readonly outbox: Outbox,
    private readonly directRooms: DirectRooms,
    private readonly sink: Pick<InboundSink, 'receive'>,
    private readonly policy: InvitePolicySettings,
    private readonly logger: Logger,
  ) {}

  /** Looks at every known room: pending invites, rooms the bot is alone in. */
  async reviewAll(): Promise<void> {
    for (const room of this.client.getRooms()) await this.review(room);
  }

  /** Acts on one room according to the bot's membership there (reviews of a room run one after another). */
  review(room: Room): Promise<void> {
    const next = (this.chains.get(room.roomId) ?? Promise.resolve()).then(() => this.act(room));
    this.chains.set(room.roomId, next);
    void next.finally(() => {
      if (this.chains.get(room.roomId) === next) this.chains.delete(room.roomId);
    });
    return next;
  }

  private async act(room: Room): Promise<void> {
    try {
      const membership = room.getMyMembership();
      if (membership === 'invite') await this.answerInvite(room);
      else if (membership === 'join' && this.alone(room)) await this.leave(room, 'last-member');
      else if (membership === 'leave' || membership === 'ban') await this.deactivate(room.roomId, membership === 'ban' ? 'banned' : 'left');
    } catch (error) {
      this.logger.warn('matrix membership handling failed', { roomId: room.roomId, error });
    }
  }

  private async answerInvite(room: Room): Promise<void> {
    const invite = room.getMember(this.policy.botUserId)?.events.member;
    const inviter = invite?.getSender() ?? room.getDMInviter() ?? '';
    if (!mayInvite(inviter, this.policy)) {
      this.logger.info('matrix invite rejected', { roomId: room.roomId, inviter });
      await this.outbox.request(() => this.client.leave(room.roomId));
      return;
    }
    await this.outbox.request(() => this.client.joinRoom(room.roomId));
    if (invite?.getContent().is_direct === true) await this.directRooms.remember(inviter, room.roomId);
    this.logger.info('matrix invite accepted', { roomId: room.roomId, inviter, direct: invite?.getContent().is_direct === true });
  }

  /**
   * From the member list (the sync summary may lag behind the membership events being processed). Alone
   * means everybody else left: a room nobody else was ever in is one being created (a direct chat the bot
   * opens for an announcement — the homeserver writes it one event after another, and a sync can show it
   * before the invite), not one to leave.
   */
  private alone(room: Room): boolean {
    const others = room.getMembers().filter((member) => member.userId !== this.policy.botUserId);
    return others.length > 0 && others.every((member) => member.membership === 'leave' || member.membership === 'ban');
  }

  private async leave(room: Room, reason: string): Promise<void> {
    this.logger.info('matrix room left', { roomId: room.roomId, reason });
    await this.outbox.request(() => this.client.leave(room.roomId));
    await this.deactivate(room.roomId, reason);
    await this.outbox.request(() => this.client.forget(room.roomId)).catch(() => undefined);
  }

  private async deactivate(roomId: string, reason: string): Promise<void> {
    const key = conversationKey(roomId);
    await this.sink.receive({ kind: 'removed', channel: 'matrix', key, threadKeyPrefix: `${key}:`, reason });
  }
}
