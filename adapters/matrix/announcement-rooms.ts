import { EventType, Preset, type MatrixClient, type Room } from 'matrix-js-sdk';
import type { AnnouncementRoom, AnnouncementRoomChannel, AnnouncementRoomSpec, RoomSyncResult } from '../../bots/channel-adapter.ts';
import type { Outbox } from './outbox.ts';

/**
 * The Tchap side of announcement rooms (bots/announcements/announcement-rooms.ts): rooms the bot created,
 * marked by a state event of its own naming their service and its key, encrypted, history visible to members from their
 * joining, and read-only for members — `events_default` 50 above the members' 0, every state change and
 * moderation at 100, the bot alone at 100. Membership follows the list: newcomers invited, members no longer
 * listed removed (a kick, or a withdrawn invitation), a member who left by themselves not invited again.
 * Its requests are the announcements' (`bulk`): they give way to answers on the account's budget.
 */

/** State event marking an announcement room; content `{ service, key }`. */
export const ANNOUNCEMENT_ROOM_EVENT = 'fr.gouv.douane.passerelle.announcement_room';

/** Power levels: only the bot (100) posts, changes the room or moderates; members (0) read. */
export function readOnlyPowerLevels(botUserId: string): Record<string, unknown> {
  return {
    users: { [botUserId]: 100 },
    users_default: 0,
    events_default: 50,
    state_default: 100,
    invite: 100,
    kick: 100,
    ban: 100,
    redact: 100,
    events: { 'm.room.name': 100, 'm.room.topic': 100, 'm.room.avatar': 100, 'm.room.power_levels': 100, 'm.room.history_visibility': 100, 'm.room.encryption': 100, 'm.room.tombstone': 100, 'm.room.server_acl': 100 },
    notifications: { room: 100 },
  };
}

const REMOVED_REASON = 'Retiré de la liste de diffusion de ce service (salon d’annonce Passerelle).';

export class AnnouncementRoomKeeper implements AnnouncementRoomChannel {
  constructor(
    private readonly client: MatrixClient,
    private readonly outbox: Outbox,
    private readonly botUserId: string,
  ) {}

  async announcementRooms(): Promise<AnnouncementRoom[]> {
    const rooms: AnnouncementRoom[] = [];
    for (const room of this.client.getRooms()) {
      const service = this.serviceOf(room);
      if (service === undefined) continue;
      rooms.push({ roomId: room.roomId, service, members: this.present(room) });
    }
    return rooms.sort((a, b) => a.service.localeCompare(b.service, 'fr'));
  }

  async syncAnnouncementRoom(spec: AnnouncementRoomSpec): Promise<RoomSyncResult> {
    const wanted = [...new Set(spec.members.filter((member) => member !== this.botUserId))];
    const room = this.client.getRooms().find((candidate) => this.serviceOf(candidate) !== undefined && this.marker(candidate)?.key === spec.key);
    if (!room) return this.create(spec, wanted);
    const result: RoomSyncResult = { roomId: room.roomId, service: spec.service, created: false, invited: [], removed: [], failed: [] };
    if (room.name !== spec.name) await this.outbox.request(() => this.client.setRoomName(room.roomId, spec.name), 'bulk');
    if (room.currentState.getStateEvents(EventType.RoomTopic, '')?.getContent().topic !== spec.topic) await this.outbox.request(() => this.client.setRoomTopic(room.roomId, spec.topic), 'bulk');
    const present = new Set(this.present(room));
    for (const userId of wanted) {
      if (present.has(userId)) continue;
      const member = room.getMember(userId);
      if (member?.membership === 'leave' && member.events.member?.getSender() === userId) {
        result.failed.push({ userId, reason: 'a quitté le salon de lui-même : pas réinvité' });
        continue;
      }
      try {
        await this.outbox.request(() => this.client.invite(room.roomId, userId), 'bulk');
        result.invited.push(userId);
      } catch (error) {
        result.failed.push({ userId, reason: `invitation refusée par le serveur (${errorCode(error)})` });
      }
    }
    const keep = new Set(wanted);
    for (const userId of present) {
      if (keep.has(userId)) continue;
      try {
        await this.outbox.request(() => this.client.kick(room.roomId, userId, REMOVED_REASON), 'bulk');
        result.removed.push(userId);
      } catch (error) {
        result.failed.push({ userId, reason: `retrait refusé par le serveur (${errorCode(error)})` });
      }
    }
    return result;
  }

  private async create(spec: AnnouncementRoomSpec, members: string[]): Promise<RoomSyncResult> {
    const { room_id: roomId } = await this.outbox.request(() =>
      this.client.createRoom({
        name: spec.name,
        topic: spec.topic,
        preset: Preset.PrivateChat,
        invite: members,
        power_level_content_override: readOnlyPowerLevels(this.botUserId),
        initial_state: [
          { type: 'm.room.encryption', state_key: '', content: { algorithm: 'm.megolm.v1.aes-sha2' } },
          { type: 'm.room.history_visibility', state_key: '', content: { history_visibility: 'joined' } },
          { type: 'm.room.guest_access', state_key: '', content: { guest_access: 'forbidden' } },
          { type: ANNOUNCEMENT_ROOM_EVENT, state_key: '', content: { service: spec.service, key: spec.key } },
        ],
      }),
      'bulk',
    );
    return { roomId, service: spec.service, created: true, invited: members, removed: [], failed: [] };
  }

  /** The service of a room the bot keeps (joined, marked by the bot), else undefined. */
  private serviceOf(room: Room): string | undefined {
    return this.marker(room)?.service;
  }

  /** The bot's marker of an announcement room it is in: the service and its key. */
  private marker(room: Room): { service: string; key: string } | undefined {
    if (room.getMyMembership() !== 'join') return undefined;
    const event = room.currentState.getStateEvents(ANNOUNCEMENT_ROOM_EVENT, '');
    const { service, key } = (event?.getContent() ?? {}) as { service?: unknown; key?: unknown };
    if (event?.getSender() !== this.botUserId || typeof service !== 'string' || !service || typeof key !== 'string') return undefined;
    return { service, key };
  }

  /** Joined and invited members, the bot apart. */
  private present(room: Room): string[] {
    return room.getMembers().filter((member) => member.userId !== this.botUserId && (member.membership === 'join' || member.membership === 'invite')).map((member) => member.userId).sort();
  }
}

function errorCode(error: unknown): string {
  const value = error as { errcode?: unknown; httpStatus?: unknown };
  return typeof value?.errcode === 'string' ? value.errcode : typeof value?.httpStatus === 'number' ? `HTTP ${value.httpStatus}` : 'erreur';
}
