import { syncReportText, type AnnouncementRoom, type AnnouncementRoomsControl, type RoomsSyncReport } from '../announcements/announcement-rooms.ts';
import { serviceKey } from '../announcements/audience.ts';

/** The Tchap announcement rooms as the console shows and updates them (bots/announcements/announcement-rooms.ts). */

export type { AnnouncementRoomsControl };

/** One room as a row: its service, the audience term naming it, its members. */
export interface AnnouncementRoomRow {
  service: string;
  term: string;
  members: number;
  roomId: string;
}

export function announcementRoomRows(rooms: readonly AnnouncementRoom[]): AnnouncementRoomRow[] {
  return rooms.map((room) => ({ service: room.service, term: `annonces:${serviceKey(room.service)}`, members: room.members.length, roomId: room.roomId }));
}

/** What an update did, in French without Markdown (the console's notice), and one line for the journal. */
export function syncSummary(report: RoomsSyncReport): { notice: string; journal: string } {
  const count = (pick: (room: RoomsSyncReport['rooms'][number]) => unknown[]) => report.rooms.reduce((sum, room) => sum + pick(room).length, 0);
  return {
    notice: syncReportText(report).replace(/\*\*/g, ''),
    journal: `${report.rooms.length} salon(s), ${count((room) => room.invited)} invité(s), ${count((room) => room.removed)} retiré(s), ${report.failedRooms.length} en échec`,
  };
}
