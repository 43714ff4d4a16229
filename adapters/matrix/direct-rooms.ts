import { ClientEvent, EventType, Preset, type MatrixClient, type Room } from 'matrix-js-sdk';
import { PasserelleError } from '../../bots/errors.ts';
import type { Lane } from '../../bots/outbound/rate-limiter.ts';
import type { Outbox } from './outbox.ts';

/**
 * Direct chats of the bot: recognised from its `m.direct` account data (kept up to date when it joins a
 * direct invite or opens a chat), from the `is_direct` flag of its invite, or — for clients that set
 * neither — an unnamed room of exactly two members. `roomFor` reuses a direct chat with a user or creates an
 * encrypted one (announcements).
 */
export class DirectRooms {
  private readonly creating = new Map<string, Promise<string>>();

  constructor(
    private readonly client: MatrixClient,
    private readonly outbox: Outbox,
    private readonly botUserId: string,
    private readonly roomWaitMs = 15_000,
  ) {}

  /** user id → direct room ids, from account data. */
  directMap(): Record<string, string[]> {
    const content = this.client.getAccountData(EventType.Direct)?.getContent() as unknown;
    if (!content || typeof content !== 'object') return {};
    const map: Record<string, string[]> = {};
    for (const [userId, rooms] of Object.entries(content as Record<string, unknown>)) {
      if (Array.isArray(rooms)) map[userId] = rooms.filter((room): room is string => typeof room === 'string');
    }
    return map;
  }

  isDirect(room: Room): boolean {
    if (Object.values(this.directMap()).some((rooms) => rooms.includes(room.roomId))) return true;
    if (room.getMember(this.botUserId)?.events.member?.getContent().is_direct === true) return true;
    return room.getInvitedAndJoinedMemberCount() === 2 && !room.currentState.getStateEvents('m.room.name', '');
  }

  /** Records a direct chat with `userId` in m.direct (no-op when already there); `bulk` when an announcement opened it. */
  async remember(userId: string, roomId: string, lane: Lane = 'interactive'): Promise<void> {
    const map = this.directMap();
    if (map[userId]?.includes(roomId)) return;
    const updated = { ...map, [userId]: [...(map[userId] ?? []), roomId] };
    await this.outbox.request(() => this.client.setAccountData(EventType.Direct, updated), lane);
  }

  /** The direct chat with `userId`: an existing one where both are still present, or a new encrypted one. */
  roomFor(userId: string): Promise<string> {
    const existing = this.existing(userId);
    if (existing) return Promise.resolve(existing);
    const inFlight = this.creating.get(userId);
    if (inFlight) return inFlight;
    const created = this.create(userId).finally(() => this.creating.delete(userId));
    this.creating.set(userId, created);
    return created;
  }

  private existing(userId: string): string | undefined {
    for (const roomId of [...(this.directMap()[userId] ?? [])].reverse()) {
      const room = this.client.getRoom(roomId);
      const membership = room?.getMember(userId)?.membership;
      if (room?.getMyMembership() === 'join' && (membership === 'join' || membership === 'invite')) return roomId;
    }
    return undefined;
  }

  private async create(userId: string): Promise<string> {
    const { room_id: roomId } = await this.outbox.request(() =>
      this.client.createRoom({
        is_direct: true,
        invite: [userId],
        preset: Preset.TrustedPrivateChat,
        initial_state: [{ type: 'm.room.encryption', state_key: '', content: { algorithm: 'm.megolm.v1.aes-sha2' } }],
      }),
      // Opened for an announcement: the request gives way to answers like the announcement's send.
      'bulk',
    );
    await this.remember(userId, roomId, 'bulk');
    await this.waitForRoom(roomId, userId);
    return roomId;
  }

  /** Waits until the new room (with the invitee) has come down the sync: encryption needs its members. */
  private waitForRoom(roomId: string, userId: string): Promise<void> {
    const ready = (): boolean => {
      const room = this.client.getRoom(roomId);
      return room?.getMyMembership() === 'join' && room.getMember(userId)?.membership === 'invite' && room.hasEncryptionStateEvent();
    };
    if (ready()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const check = (): void => {
        if (!ready()) return;
        cleanup();
        resolve();
      };
      const timer = setTimeout(() => {
        cleanup();
        // Retryable: the room exists (and is remembered in m.direct); a later attempt finds it synced.
        reject(new PasserelleError('CHANNEL_UNAVAILABLE', { channel: 'matrix' }, { cause: new Error(`room ${roomId} did not arrive by sync`) }));
      }, this.roomWaitMs);
      const cleanup = (): void => {
        clearTimeout(timer);
        this.client.off(ClientEvent.Sync, check);
      };
      this.client.on(ClientEvent.Sync, check);
    });
  }
}
