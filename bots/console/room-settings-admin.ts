import type { KnowledgeCatalog } from '../../knowledge/catalog.ts';
import type { ChannelName } from '../message.ts';
import type { RoomSettings, RoomSettingsLog, RoomSettingsRecord } from '../../state/state-store.ts';
import { MAX_NOTICE_CHARS } from '../commands/room-settings-commands.ts';
import { PasserelleError } from '../errors.ts';

/**
 * Room settings (`paramètres`) as administrators see and change them in the console: the same record the
 * room's moderators write with the chat command (state store, `room_settings`), every field checked as the
 * command checks it. Defaults are not stored: a field at its default is left out.
 */

/** What the console's form says for one room. */
export interface RoomSettingsChoice {
  roomKey: string;
  /** Base ids; empty: every base the asker may use (the default). */
  bases: readonly string[];
  mentionOnly: boolean;
  announcements: boolean;
  /** Empty: the default AI notice. */
  aiNotice: string;
}

const ROOM_KEY = /^(teams|matrix|local):\S{1,500}$/;

export class RoomSettingsAdmin {
  constructor(
    private readonly catalog: KnowledgeCatalog,
    private readonly store: RoomSettingsLog,
  ) {}

  list(): Promise<RoomSettingsRecord[]> {
    return this.store.listRoomSettings();
  }

  /** Replaces a room's settings with the form's; returns the record saved. Refuses (FORM_INVALID) what the command would. */
  async save(choice: RoomSettingsChoice, updatedBy: string, at = new Date()): Promise<RoomSettingsRecord> {
    const roomKey = choice.roomKey.trim();
    const match = ROOM_KEY.exec(roomKey);
    if (!match) throw new PasserelleError('FORM_INVALID', { problem: `conversation « ${roomKey.slice(0, 80)} » inconnue (attendu teams:…, matrix:… ou local:…)` });
    const bases: string[] = [];
    for (const id of choice.bases) {
      const known = this.catalog.bases.find((kb) => kb.id === id);
      if (!known) throw new PasserelleError('FORM_INVALID', { problem: `base « ${id.slice(0, 40)} » inconnue` });
      if (!bases.includes(known.id)) bases.push(known.id);
    }
    const aiNotice = choice.aiNotice.trim();
    if (aiNotice.length > MAX_NOTICE_CHARS) throw new PasserelleError('FORM_INVALID', { problem: `avis de ${aiNotice.length} caractères (au plus ${MAX_NOTICE_CHARS})` });
    const settings: RoomSettings = {
      ...(bases.length > 0 ? { bases } : {}),
      ...(choice.mentionOnly ? {} : { mentionOnly: false }),
      ...(choice.announcements ? {} : { announcements: false }),
      ...(aiNotice ? { aiNotice } : {}),
    };
    const record: RoomSettingsRecord = { roomKey, channel: match[1] as ChannelName, settings, updatedBy, updatedAt: at.toISOString() };
    await this.store.saveRoomSettings(record);
    return record;
  }

  /** The settings in one French line, for the journal. */
  describe(settings: RoomSettings): string {
    const bases = settings.bases?.map((id) => this.catalog.bases.find((kb) => kb.id === id)?.name ?? id).join(', ') ?? 'toutes';
    return `bases : ${bases} ; mention : ${settings.mentionOnly === false ? 'non' : 'oui'} ; annonces : ${settings.announcements === false ? 'non' : 'oui'} ; avis : ${settings.aiNotice ? 'personnalisé' : 'par défaut'}`;
  }
}
