import { roomKeyOf } from '../commands/room-settings-commands.ts';
import type { Stage } from '../pipeline.ts';
import type { RoomSettingsLog } from '../../state/state-store.ts';

/**
 * Direct chats always reach the bot; in rooms and channels, messages that mention or reply to it, or every
 * message when the room's moderators chose so (`paramètres mention non`). Loads the room's settings for the
 * next stages (`turn.room`) and narrows the sender's bases to the room's.
 */
export function addressedToBot(settings: Pick<RoomSettingsLog, 'getRoomSettings'>): Stage {
  return {
    name: 'addressed',
    async handle(turn) {
      const room = (await settings.getRoomSettings(roomKeyOf(turn.message)))?.settings;
      const addressed = turn.message.isDirect || turn.message.addressedToBot || room?.mentionOnly === false;
      if (!addressed) return false;
      if (room) {
        turn.room = room;
        if (room.bases && turn.rights) turn.rights = { ...turn.rights, allowedKbs: turn.rights.allowedKbs.filter((kb) => room.bases!.includes(kb)) };
      }
      return true;
    },
  };
}
