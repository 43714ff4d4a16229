import { foldText } from '../../knowledge/analysis/normalise.ts';
import type { KnowledgeCatalog } from '../../knowledge/catalog.ts';
import type { Turn } from '../pipeline.ts';
import { notice } from '../reply.ts';
import type { RoomSettings, RoomSettingsLog } from '../../state/state-store.ts';
import * as say from '../user-messages.ts';
import { prefixTable, type PrefixTable } from './command-parser.ts';

/** Longest AI notice a room may set (characters). */
export const MAX_NOTICE_CHARS = 1_000;

/** The key of the room a message was posted in (its settings' key). */
export function roomKeyOf(message: Turn['message']): string {
  return message.roomKey ?? message.conversation.key;
}

/** Whether the sender may change the room's settings: its moderators, the user of a direct chat, administrators. */
export function mayModerate(turn: Turn): boolean {
  return turn.message.isDirect || turn.message.senderIsModerator === true || turn.rights?.isAdmin === true;
}

/**
 * `paramètres`: shows the room's settings, or changes one (moderators only): `bases rh,code` / `bases toutes`,
 * `mention oui|non`, `annonces oui|non`, `avis "<texte>"` / `avis défaut`. Stored in the state store under the
 * room's key; the pipeline applies them (addressed stage, bases, AI notice, announcement audiences).
 */
export class RoomSettingsCommands {
  private readonly prefixes: PrefixTable;

  constructor(
    private readonly catalog: KnowledgeCatalog,
    private readonly store: RoomSettingsLog,
  ) {
    this.prefixes = prefixTable(catalog.bases);
  }

  async handle(turn: Turn, text: string): Promise<void> {
    const key = roomKeyOf(turn.message);
    const current = (await this.store.getRoomSettings(key))?.settings ?? {};
    if (text.trim() === '') {
      await turn.reply(notice(this.describe(current, turn.message.isDirect)));
      return;
    }
    if (!mayModerate(turn)) {
      await turn.reply(notice(say.SETTINGS_MODERATORS_ONLY));
      return;
    }
    const change = this.parse(text.trim(), turn.message.isDirect);
    if ('error' in change) {
      await turn.reply(notice(change.error));
      return;
    }
    const settings: RoomSettings = { ...current };
    for (const [field, value] of Object.entries(change.set) as Array<[keyof RoomSettings, RoomSettings[keyof RoomSettings] | undefined]>) {
      if (value === undefined) delete settings[field];
      else (settings as Record<string, unknown>)[field] = value;
    }
    await this.store.saveRoomSettings({ roomKey: key, channel: turn.message.channel, settings, updatedBy: turn.rights?.userHash ?? '', updatedAt: new Date().toISOString() });
    await turn.reply(notice(`${say.SETTINGS_SAVED}\n\n${this.describe(settings, turn.message.isDirect)}`));
  }

  private parse(text: string, isDirect: boolean): { set: Partial<Record<keyof RoomSettings, RoomSettings[keyof RoomSettings] | undefined>> } | { error: string } {
    const match = /^(\S+)\s*([\s\S]*)$/.exec(text);
    const name = foldText(match?.[1] ?? '');
    const value = (match?.[2] ?? '').trim();
    switch (name) {
      case 'base':
      case 'bases': {
        if (value === '') return { error: say.settingsUsage() };
        if (/^(?:toutes|tout|all|defaut|par defaut)$/.test(foldText(value))) return { set: { bases: undefined } };
        const names = value.split(/[\s,;]+/).filter(Boolean);
        const ids: string[] = [];
        for (const word of names) {
          const id = this.prefixes.get(word);
          if (!id) return { error: say.settingsUnknownBase(word, this.catalog.bases.map((kb) => kb.prefixes[0] ?? kb.id)) };
          if (!ids.includes(id)) ids.push(id);
        }
        return { set: { bases: ids } };
      }
      case 'mention': {
        if (isDirect) return { error: say.SETTINGS_MENTION_DIRECT };
        const answer = yesNo(value);
        return answer === undefined ? { error: say.settingsYesNo('mention') } : { set: { mentionOnly: answer } };
      }
      case 'annonce':
      case 'annonces': {
        const answer = yesNo(value);
        return answer === undefined ? { error: say.settingsYesNo('annonces') } : { set: { announcements: answer } };
      }
      case 'avis':
      case 'notice': {
        const unquoted = value.replace(/^["«“”]\s*/, '').replace(/\s*["»“”]$/, '').trim();
        if (/^(?:defaut|par defaut|standard)$/.test(foldText(unquoted))) return { set: { aiNotice: undefined } };
        if (unquoted === '') return { error: say.settingsUsage() };
        if (unquoted.length > MAX_NOTICE_CHARS) return { error: say.settingsNoticeTooLong(unquoted.length, MAX_NOTICE_CHARS) };
        return { set: { aiNotice: unquoted } };
      }
      default:
        return { error: say.settingsUsage() };
    }
  }

  private describe(settings: RoomSettings, isDirect: boolean): string {
    const bases = settings.bases?.map((id) => this.catalog.bases.find((kb) => kb.id === id)?.name ?? id);
    return say.settingsSummary({
      isDirect,
      ...(bases ? { bases } : {}),
      mentionOnly: settings.mentionOnly ?? true,
      announcements: settings.announcements ?? true,
      ...(settings.aiNotice ? { aiNotice: settings.aiNotice } : {}),
    });
  }
}

function yesNo(value: string): boolean | undefined {
  const word = foldText(value);
  if (/^(?:oui|o|yes|on|vrai|active|activees?)$/.test(word)) return true;
  if (/^(?:non|n|no|off|faux|desactive|desactivees?)$/.test(word)) return false;
  return undefined;
}
