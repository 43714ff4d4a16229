import { parse as parseYaml } from 'yaml';
import { PasserelleError } from '../errors.ts';
import type { Logger } from '../logger.ts';
import type { AnnouncementRoom, AnnouncementRoomChannel, RoomSyncResult } from '../channel-adapter.ts';
import { isMatrixUserId, serviceKey } from './audience.ts';

/**
 * Tchap announcement rooms (« salons d'annonce »): one room per service or direction, whose members read
 * what the bot posts and cannot post themselves. The bot keeps them from a membership list (a YAML or CSV
 * file, `announcements.roomsFile`): it creates a missing room (encrypted, history visible to members from
 * their joining, power levels leaving members read-only), invites the newcomers and removes those no longer
 * listed. An announcement to such an audience is one message per room instead of one direct message per
 * agent: at Tchap's one request per second, minutes instead of hours.
 */

/** One service of the membership list. */
export interface RoomListEntry {
  /** Name of the service or direction, as the administrator wrote it (the room's name and the audience key). */
  service: string;
  /** Matrix ids of its agents, each once. */
  members: string[];
}

export type { AnnouncementRoom, AnnouncementRoomChannel, AnnouncementRoomSpec, RoomSyncResult } from '../channel-adapter.ts';

export function roomName(service: string): string {
  return `Annonces — ${service}`;
}

export function roomTopic(service: string): string {
  return `Salon d’annonce de Passerelle pour ${service} : seul le bot y publie, les membres lisent. Pour une question, écrivez à Passerelle en message direct.`;
}

/** The announcement rooms as the admin command and the console drive them (app/announcements.ts). */
export interface AnnouncementRoomsControl {
  list(): Promise<AnnouncementRoom[]>;
  /** Keeps every room as the membership list says now. */
  sync(): Promise<RoomsSyncReport>;
}

/**
 * Reads a membership list: YAML (`service: [ids]`, or a list of `{ service, members }`) or CSV (`service;id`
 * or `service,id` per line, an optional header). Throws ANNOUNCE_ROOMS_LIST_INVALID with the first problem.
 */
export function parseRoomList(text: string, file: string): RoomListEntry[] {
  const invalid = (problem: string) => new PasserelleError('ANNOUNCE_ROOMS_LIST_INVALID', { file, problem });
  const byService = new Map<string, RoomListEntry>();
  const add = (service: unknown, member: unknown, where: string): void => {
    const name = typeof service === 'string' ? service.trim() : '';
    if (!name || !serviceKey(name)) throw invalid(`${where} : nom de service manquant`);
    const id = typeof member === 'string' ? member.trim() : '';
    if (!isMatrixUserId(id)) throw invalid(`${where} : « ${String(member)} » n’est pas un identifiant Tchap (@nom:serveur)`);
    const key = serviceKey(name);
    const entry = byService.get(key) ?? { service: name, members: [] };
    if (!entry.members.includes(id)) entry.members.push(id);
    byService.set(key, entry);
  };
  if (/\.csv$/i.test(file)) {
    const lines = text.split(/\r?\n/);
    lines.forEach((line, index) => {
      const cells = line.split(/[;,\t]/).map((cell) => cell.trim().replace(/^"|"$/g, ''));
      if (!line.trim() || line.trim().startsWith('#')) return;
      if (index === 0 && cells[1] !== undefined && !cells[1].startsWith('@')) return; // header
      if (cells.length < 2) throw invalid(`ligne ${index + 1} : « service;@identifiant:serveur » attendu`);
      add(cells[0], cells[1], `ligne ${index + 1}`);
    });
  } else {
    let data: unknown;
    try {
      data = parseYaml(text);
    } catch (error) {
      throw invalid(`YAML invalide (${error instanceof Error ? error.message.split('\n')[0] : String(error)})`);
    }
    const entries: Array<[unknown, unknown]> = Array.isArray(data)
      ? data.map((item: unknown) => [(item as { service?: unknown })?.service, (item as { members?: unknown; membres?: unknown })?.members ?? (item as { membres?: unknown })?.membres])
      : data && typeof data === 'object'
        ? Object.entries((data as Record<string, unknown>).services ?? (data as Record<string, unknown>).salons ?? data)
        : [];
    if (entries.length === 0) throw invalid('aucun service (attendu : « service: [@identifiant:serveur, …] »)');
    for (const [service, members] of entries) {
      if (!Array.isArray(members)) throw invalid(`service « ${String(service)} » : liste de membres attendue`);
      if (members.length === 0) throw invalid(`service « ${String(service)} » : aucun membre`);
      for (const member of members) add(service, member, `service « ${String(service)} »`);
    }
  }
  if (byService.size === 0) throw invalid('aucun service');
  return [...byService.values()];
}

/** What a synchronisation did, for the administrator and the log. */
export interface RoomsSyncReport {
  rooms: RoomSyncResult[];
  failedRooms: Array<{ service: string; reason: string }>;
}

/** Keeps the announcement rooms as the membership list says (one room after the other: Tchap's pace). */
export class AnnouncementRooms {
  constructor(
    private readonly channel: () => AnnouncementRoomChannel | undefined,
    private readonly logger: Logger,
  ) {}

  /** The rooms the bot keeps, with their members; refused when the Tchap channel is not started. */
  async list(): Promise<AnnouncementRoom[]> {
    return this.require().announcementRooms();
  }

  async sync(entries: readonly RoomListEntry[]): Promise<RoomsSyncReport> {
    const channel = this.require();
    const report: RoomsSyncReport = { rooms: [], failedRooms: [] };
    for (const entry of entries) {
      try {
        const result = await channel.syncAnnouncementRoom({ service: entry.service, key: serviceKey(entry.service), name: roomName(entry.service), topic: roomTopic(entry.service), members: entry.members });
        report.rooms.push(result);
        this.logger.info('announcement room synchronised', { service: entry.service, roomId: result.roomId, created: result.created, invited: result.invited.length, removed: result.removed.length, failed: result.failed.length });
      } catch (error) {
        this.logger.warn('announcement room not synchronised', { service: entry.service, error });
        report.failedRooms.push({ service: entry.service, reason: error instanceof PasserelleError ? error.userMessage : 'erreur du serveur Tchap (voir le journal)' });
      }
    }
    return report;
  }

  private require(): AnnouncementRoomChannel {
    const channel = this.channel();
    if (!channel) throw new PasserelleError('ANNOUNCE_ROOMS_UNAVAILABLE', { why: 'canal Tchap non démarré' });
    return channel;
  }
}

/** The synchronisation report in French: per room, who was invited and who was removed. */
export function syncReportText(report: RoomsSyncReport): string {
  const lines = [`**Salons d’annonce** : ${report.rooms.length} salon(s) à jour${report.failedRooms.length ? `, ${report.failedRooms.length} en échec` : ''}.`];
  for (const room of report.rooms) {
    const parts = [room.created ? 'créé' : 'existant'];
    if (room.invited.length) parts.push(`${room.invited.length} invité(s) : ${room.invited.join(', ')}`);
    if (room.removed.length) parts.push(`${room.removed.length} retiré(s) : ${room.removed.join(', ')}`);
    if (room.failed.length) parts.push(`${room.failed.length} en échec : ${room.failed.map((failure) => `${failure.userId} (${failure.reason})`).join(', ')}`);
    if (!room.invited.length && !room.removed.length && !room.failed.length) parts.push('rien à changer');
    lines.push(`- ${roomName(room.service)} (${room.roomId}) : ${parts.join(' ; ')}`);
  }
  for (const failure of report.failedRooms) lines.push(`- ${roomName(failure.service)} : échec — ${failure.reason}`);
  return lines.join('\n');
}
