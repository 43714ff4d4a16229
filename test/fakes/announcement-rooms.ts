import type { AnnouncementRoom, AnnouncementRoomChannel, AnnouncementRoomSpec, RoomSyncResult } from '../../bots/channel-adapter.ts';

/** A Tchap announcement-room channel that keeps rooms in memory and records every spec it is asked to match. */
export class RecordingRooms implements AnnouncementRoomChannel {
  readonly rooms = new Map<string, AnnouncementRoom>();
  readonly specs: AnnouncementRoomSpec[] = [];
  async announcementRooms(): Promise<AnnouncementRoom[]> {
    return [...this.rooms.values()];
  }
  async syncAnnouncementRoom(spec: AnnouncementRoomSpec): Promise<RoomSyncResult> {
    this.specs.push(spec);
    const known = this.rooms.get(spec.key);
    const before = new Set(known?.members ?? []);
    const room = { roomId: known?.roomId ?? `!${spec.key}:t.fr`, service: spec.service, members: [...spec.members] };
    this.rooms.set(spec.key, room);
    return { roomId: room.roomId, service: spec.service, created: !known, invited: spec.members.filter((id) => !before.has(id)), removed: [...before].filter((id) => !spec.members.includes(id)), failed: [] };
  }
}
