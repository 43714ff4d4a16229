import type { AnnouncementRoom, AnnouncementRoomSpec, RoomSyncResult } from '../../bots/channel-adapter.ts';
import type { ChannelAdapter, ReplyStream } from '../../bots/channel-adapter.ts';
import type { ConversationAddress } from '../../bots/message.ts';
import type { Reply } from '../../bots/reply.ts';
import type { AdapterContext } from '../adapter-context.ts';
import { MatrixAdapter, type MatrixAdapterOptions } from './matrix-adapter.ts';

export { MatrixAdapter, type MatrixAdapterOptions } from './matrix-adapter.ts';
export { ConnectionLockedError } from './process-lock.ts';
export type { MatrixReference } from './reference.ts';
export { parseRecoveryKey, restoreMatrixDevice } from './restore.ts';
export type { RestoreReport } from './crypto-setup.ts';

/** The Matrix channel as the composition root sees it: a ChannelAdapter plus room members for announcement audiences. */
export interface MatrixChannelAdapter extends ChannelAdapter {
  readonly name: 'matrix';
  /** Resolves once the first real sync has been processed. */
  readonly ready: Promise<void>;
  /** Resolves when cross-signing, secret storage and key backup are set up (failures are logged, not thrown). */
  whenBootstrapped(): Promise<void>;
  /** The bot's Matrix device id, once started. */
  readonly deviceId: string | undefined;
  /** Streams by editing one message. */
  stream(address: ConversationAddress, first: Reply): Promise<ReplyStream>;
  /** Address of the direct chat with `userId` (reused from m.direct, or created encrypted and invited). */
  directRoomFor(userId: string): Promise<ConversationAddress>;
  /** Joined members of a room (announcement audiences `membres:`). */
  roomMembers(roomId: string): Promise<string[]>;
  /** Tchap announcement rooms: the ones the bot keeps, and keeping one as the membership list says. */
  announcementRooms(): Promise<AnnouncementRoom[]>;
  syncAnnouncementRoom(spec: AnnouncementRoomSpec): Promise<RoomSyncResult>;
}

/**
 * Creates the Tchap (Matrix) channel adapter. Nothing is opened until `start`: the lock file, the session
 * (login only when no session is stored), the durable crypto store and the sync loop. Exactly one process
 * may run it per data directory; workers hand their replies to that process.
 */
export async function createMatrixAdapter(context: AdapterContext, options: MatrixAdapterOptions = {}): Promise<MatrixChannelAdapter> {
  if (!context.config.matrix.enabled) context.logger.warn('matrix adapter created while matrix.enabled is false');
  return new MatrixAdapter(context, options);
}
