import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { ClientEvent, HttpApiEvent, RoomEvent, RoomMemberEvent, SyncState, type MatrixClient } from 'matrix-js-sdk';
import { streamByEditing, type ChannelAdapter, type ReplyStream, type SendOptions } from '../../bots/channel-adapter.ts';
import type { InboundSink } from '../../bots/inbound-event.ts';
import type { Attachment, ConversationAddress } from '../../bots/message.ts';
import type { Reply } from '../../bots/reply.ts';
import { PasserelleError } from '../../bots/errors.ts';
import type { Lane } from '../../bots/outbound/rate-limiter.ts';
import type { AnnouncementRoom, AnnouncementRoomSpec, RoomSyncResult } from '../../bots/channel-adapter.ts';
import type { AdapterContext } from '../adapter-context.ts';
import { createMatrixRuntime, type MatrixRuntime } from './client-factory.ts';
import { bootstrapEncryption, RECOVERY_KEY_FILE, RecoveryKeyStore } from './crypto-setup.ts';
import { DirectRooms } from './direct-rooms.ts';
import { AnnouncementRoomKeeper } from './announcement-rooms.ts';
import { readHistory, type HistoryEntry } from './history.ts';
import { InboundEvents } from './inbound.ts';
import * as say from './matrix-messages.ts';
import { downloadAttachment } from './media.ts';
import { MembershipManager } from './membership.ts';
import { DEFAULT_OUTBOX_OPTIONS, Outbox } from './outbox.ts';
import { ProcessLock } from './process-lock.ts';
import { addressOf, parseReference, type MatrixReference } from './reference.ts';
import { renderReply } from './reply-renderer.ts';
import { adoptRecoveryKey, readRecoveryKeyFile } from './restore.ts';
import { ensurePrivateDir } from './secure-file.ts';
import { passwordLogin } from './password-login.ts';
import { establishSession, SESSION_FILE, verifySession, type MatrixSession } from './session.ts';
import { UndecryptableNotices } from './undecryptable-notices.ts';

/** Tunables (tests shorten them); production uses the defaults. */
export interface MatrixAdapterOptions {
  /** Wait before telling a user their message could not be decrypted, ms (late keys). */
  undecryptableGraceMs?: number;
  /** At most one undecryptable notice per shared room per this period, ms. */
  undecryptableRoomCooldownMs?: number;
  /** At most one undecryptable notice per sender device per this period, ms. */
  undecryptableSenderCooldownMs?: number;
  /** Minimum time between two edits of one message, ms. */
  editIntervalMs?: number;
  /** Events older than this are not answered after downtime, ms (below the core's 7-day dedupe). */
  maxEventAgeMs?: number;
  /** How long `start` waits for the first sync before returning (the connection keeps trying), ms. */
  startTimeoutMs?: number;
  /** How long `stop` lets messages in progress finish, ms. */
  drainMs?: number;
  /**
   * Set when the composition root holds the Tchap lease (app/matrix-lease.ts): its fencing already proves the
   * previous owner is gone, so a lock file left by a replica on another host (a crash) is taken over.
   */
  leaseHeld?: boolean;
}

/**
 * The Tchap (Matrix) channel: one device of the bot's account, end-to-end encrypted with the Rust crypto and
 * a durable store in `${dataDir}/matrix/`, owned by exactly one process (lock file). Answers in direct chats,
 * and in rooms when mentioned or replied to — inside a thread there. Streams by editing one message.
 */
export class MatrixAdapter implements ChannelAdapter {
  readonly name = 'matrix' as const;
  readonly dir: string;
  private runtime: MatrixRuntime | undefined;
  private lock: ProcessLock | undefined;
  private outbox: Outbox | undefined;
  private inbound: InboundEvents | undefined;
  private directRooms: DirectRooms | undefined;
  private membership: MembershipManager | undefined;
  private notices: UndecryptableNotices | undefined;
  private session: MatrixSession | undefined;
  private markReady: (() => void) | undefined;
  private bootstrapping: Promise<void> | undefined;
  private markBootstrapped: (() => void) | undefined;
  private readonly bootstrapped: Promise<void>;
  /** Resolves once the first real sync has been processed and start-up work is done. */
  readonly ready: Promise<void>;

  constructor(
    private readonly context: AdapterContext,
    private readonly options: MatrixAdapterOptions = {},
  ) {
    this.dir = join(context.config.dataDir, 'matrix');
    this.ready = new Promise((resolve) => (this.markReady = resolve));
    this.bootstrapped = new Promise((resolve) => (this.markBootstrapped = resolve));
  }

  /** Joined members of a room (announcement audiences `membres:`), once started. */
  async roomMembers(roomId: string): Promise<string[]> {
    if (!this.runtime) throw new Error('matrix client not available');
    return Object.keys((await this.runtime.client.getJoinedRoomMembers(roomId)).joined);
  }

  /** Announcement rooms the bot keeps (bots/announcements/announcement-rooms.ts), once started. */
  async announcementRooms(): Promise<AnnouncementRoom[]> {
    return (await this.roomKeeper()).announcementRooms();
  }

  /** Creates or updates one announcement room: members invited or removed, as its spec says. */
  async syncAnnouncementRoom(spec: AnnouncementRoomSpec): Promise<RoomSyncResult> {
    return (await this.roomKeeper()).syncAnnouncementRoom(spec);
  }

  private async roomKeeper(): Promise<AnnouncementRoomKeeper> {
    await this.ready;
    if (!this.runtime || !this.outbox || !this.session) throw unavailable('matrix adapter not started');
    return new AnnouncementRoomKeeper(this.runtime.client, this.outbox, this.session.userId);
  }

  /** Resolves when cross-signing, secret storage and key backup have been set up (or failed, logged). */
  whenBootstrapped(): Promise<void> {
    return this.bootstrapped;
  }

  /** The bot's device id (after start). */
  get deviceId(): string | undefined {
    return this.session?.deviceId;
  }

  async start(sink: InboundSink): Promise<void> {
    const { config, logger, limiter } = this.context;
    ensurePrivateDir(this.dir);
    this.lock = ProcessLock.acquire(join(this.dir, 'lock'), { takeOverFromOtherHosts: this.options.leaseHeld === true });
    try {
      this.session = await establishSession(this.dir, config.matrix, passwordLogin(logger), logger);
      await verifySession(this.session, join(this.dir, SESSION_FILE));
      const recovery = new RecoveryKeyStore(join(this.dir, RECOVERY_KEY_FILE));
      this.runtime = await createMatrixRuntime({ session: this.session, dir: this.dir, logger, cryptoCallbacks: recovery.callbacks() });
      const { client, store } = this.runtime;
      // A new device (no recovery key here) with the account's recovery key configured: checked now (a wrong
      // key stops the start with an explanation), restored from after the first sync (bootstrap).
      if (!recovery.read() && config.matrix.recoveryKeyFile) {
        await adoptRecoveryKey(client, recovery, readRecoveryKeyFile(config.matrix.recoveryKeyFile), config.matrix.recoveryKeyFile);
      }
      const botIdentity = { userId: this.session.userId, displayName: config.matrix.displayName };
      this.outbox = new Outbox(client, limiter, logger, { ...DEFAULT_OUTBOX_OPTIONS, editIntervalMs: this.options.editIntervalMs ?? DEFAULT_OUTBOX_OPTIONS.editIntervalMs });
      this.directRooms = new DirectRooms(client, this.outbox, this.session.userId);
      this.membership = new MembershipManager(client, this.outbox, this.directRooms, sink, { allowedInviters: config.matrix.allowedInviters, allowedServers: config.matrix.allowedServers, botUserId: this.session.userId }, logger);
      this.notices = new UndecryptableNotices(
        sink,
        (reference, outcome) => sink.receive({ kind: 'undecryptable', channel: 'matrix', address: addressOf(reference), ...outcome }).then(() => undefined),
        { graceMs: this.options.undecryptableGraceMs ?? 8_000, roomCooldownMs: this.options.undecryptableRoomCooldownMs ?? 3_600_000, senderCooldownMs: this.options.undecryptableSenderCooldownMs ?? 3_600_000 },
        logger,
      );
      this.inbound = new InboundEvents({
        client, bot: botIdentity, sink, outbox: this.outbox, directRooms: this.directRooms, notices: this.notices, logger,
        allowGroups: config.access.allowGroups.filter((group) => group.startsWith('!')),
        maxEventAgeMs: this.options.maxEventAgeMs ?? 3 * 24 * 3_600_000,
        // A device answers only what was sent after it logged in: what came before was answered (or not) by
        // the account's previous device, whose state this one does not have (no margin: a margin re-answered
        // the questions of the minutes before a new login).
        notBeforeMs: Date.parse(this.session.createdAt) || 0,
      });
      // The sync position is saved only when every event received so far has been handled: after a crash the
      // server delivers again what was not, and the core's dedupe drops what was.
      const wantsSave = store.wantsSave.bind(store);
      store.wantsSave = () => (this.inbound?.idle ?? true) && wantsSave();
      this.inbound.onIdle = () => void (wantsSave() ? store.save().catch((error: unknown) => logger.warn('matrix sync state save failed', { error })) : undefined);
      this.listen(client, recovery);
      await client.startClient({ initialSyncLimit: 20, lazyLoadMembers: false, threadSupport: false });
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([this.ready, new Promise<void>((resolve) => (timer = setTimeout(resolve, this.options.startTimeoutMs ?? 30_000)))]);
      clearTimeout(timer);
    } catch (error) {
      await this.stop().catch(() => undefined);
      throw error;
    }
  }

  async stop(): Promise<void> {
    const drainMs = this.options.drainMs ?? 10_000;
    await this.inbound?.stop(drainMs);
    if (this.bootstrapping) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([this.bootstrapping, new Promise<void>((resolve) => (timer = setTimeout(resolve, drainMs)))]);
      clearTimeout(timer);
    }
    this.notices?.clear();
    this.outbox?.typing.clear();
    if (this.runtime) {
      // Every event received so far has been handled: save the sync position, so that a restart does not
      // replay them (they would only be dropped by the dedupe). Skipped when anything is left undone.
      if (this.inbound?.idle) await this.runtime.store.save(true).catch((error: unknown) => this.context.logger.warn('matrix sync state save failed', { error }));
      this.runtime.client.removeAllListeners();
      this.runtime.client.stopClient();
      await this.runtime.persistence.close().catch((error: unknown) => this.context.logger.error('matrix crypto store final flush failed', { error }));
      this.runtime = undefined;
    }
    this.lock?.release();
    this.lock = undefined;
    this.markReady?.();
    this.markBootstrapped?.();
  }

  /** Messages sent with an `idempotencyKey` are stored once (it becomes the transaction id; the homeserver deduplicates). */
  readonly idempotentSends = true;

  async send(address: ConversationAddress, reply: Reply, options: SendOptions = {}): Promise<string> {
    const reference = parseReference(address.reference);
    if (!reference) throw new Error(`not a Matrix conversation: ${address.key}`);
    // An announcement (the fan-out paces and retries it) gives way to answers on the account's budget.
    return this.sendReply(reference, reply, options.idempotencyKey ? transactionIdOf(options.idempotencyKey) : undefined, options.callerRetries === true ? 'bulk' : 'interactive');
  }

  async update(address: ConversationAddress, messageId: string, reply: Reply): Promise<void> {
    const reference = parseReference(address.reference);
    if (!reference) throw new Error(`not a Matrix conversation: ${address.key}`);
    await this.ready;
    await this.requireOutbox().edit(reference.roomId, messageId, renderReply(reply), reply.kind !== 'progress');
  }

  async typing(address: ConversationAddress): Promise<void> {
    const reference = parseReference(address.reference);
    if (reference) this.requireOutbox().typing.touch(reference.roomId);
  }

  /** Streams by editing one message: the progress text, then the text so far (edits paced), then the final reply. */
  stream(address: ConversationAddress, first: Reply, options?: SendOptions): Promise<ReplyStream> {
    return streamByEditing(this, address, first, options);
  }

  /** Downloads an attachment (authenticated media, legacy fallback), decrypting encrypted files; at most `maxBytes`. */
  async download(attachment: Attachment, maxBytes: number): Promise<Buffer> {
    await this.ready;
    if (!this.runtime) throw new Error('matrix adapter not started');
    return downloadAttachment(this.runtime.client, attachment, maxBytes);
  }

  /** Recent messages of the room, or of the thread, oldest first (see history.ts). */
  async history(address: ConversationAddress, limit: number): Promise<HistoryEntry[]> {
    const reference = parseReference(address.reference);
    if (!reference) throw new Error(`not a Matrix conversation: ${address.key}`);
    await this.ready;
    if (!this.runtime || !this.session) throw new Error('matrix adapter not started');
    return readHistory(this.runtime.client, reference, limit, this.session.userId);
  }

  /** The direct chat with a user (reused from m.direct, or created encrypted), as an address for `send`. */
  async directRoomFor(userId: string): Promise<ConversationAddress> {
    await this.ready;
    if (!this.directRooms) throw unavailable('matrix adapter not started');
    return addressOf({ roomId: await this.directRooms.roomFor(userId), isDirect: true });
  }

  private async sendReply(reference: MatrixReference, reply: Reply, txnId: string | undefined, lane: Lane): Promise<string> {
    await this.ready;
    // Not connected (stopping, restarting) or a room the client does not know yet (a direct chat just
    // created, not yet in the sync): both pass; the sender tries again later rather than giving up on it.
    if (!this.runtime) throw unavailable('matrix adapter not started');
    if (!this.runtime.client.getRoom(reference.roomId)) throw unavailable(`room ${reference.roomId} not known to the client (yet)`);
    return this.requireOutbox().send(reference, renderReply(reply), { ...(txnId ? { txnId } : {}), inReplyToRequest: reply.inReplyToRequest === true, lane });
  }

  private requireOutbox(): Outbox {
    if (!this.outbox) throw unavailable('matrix adapter not started');
    return this.outbox;
  }

  private listen(client: MatrixClient, recovery: RecoveryKeyStore): void {
    const { logger } = this.context;
    let live = false;
    client.on(ClientEvent.Sync, (syncState, _previous, data) => {
      if (live || !(syncState === SyncState.Syncing || (syncState === SyncState.Prepared && !data?.fromCache))) return;
      live = true;
      void this.afterFirstSync(client, recovery);
    });
    client.on(RoomEvent.Timeline, (event, room, toStartOfTimeline, removed, data) => {
      if (toStartOfTimeline || removed || !room || !data?.liveEvent) return;
      this.inbound?.accept(event, room);
    });
    // Membership changes are reviewed once the sync response that carried them has been fully processed.
    const toReview = new Set<string>();
    client.on(RoomEvent.MyMembership, (room) => toReview.add(room.roomId));
    client.on(RoomMemberEvent.Membership, (_event, member) => {
      if (member.membership === 'leave' || member.membership === 'ban') toReview.add(member.roomId);
    });
    client.on(ClientEvent.Sync, () => {
      if (!live) return;
      for (const roomId of toReview) {
        const room = client.getRoom(roomId);
        if (room) void this.membership?.review(room);
      }
      toReview.clear();
    });
    client.on(HttpApiEvent.SessionLoggedOut, () => logger.error(say.sessionRejected(join(this.dir, SESSION_FILE))));
  }

  private async afterFirstSync(client: MatrixClient, recovery: RecoveryKeyStore): Promise<void> {
    this.inbound?.goLive();
    await this.membership?.reviewAll();
    this.bootstrapping = this.bootstrap(client, recovery).finally(() => this.markBootstrapped?.());
    this.markReady?.();
  }

  /** Cross-signing, secret storage, key backup, display name: in the background, failures logged. */
  private async bootstrap(client: MatrixClient, recovery: RecoveryKeyStore): Promise<void> {
    const { config, logger } = this.context;
    await bootstrapEncryption(client, recovery, { userId: this.session?.userId ?? '', ...(config.matrix.password ? { password: config.matrix.password } : {}) }, logger);
    try {
      const profile = await client.getProfileInfo(client.getUserId() ?? '');
      if (profile.displayname !== config.matrix.displayName) await this.requireOutbox().request(() => client.setDisplayName(config.matrix.displayName));
    } catch (error) {
      logger.debug('matrix display name not set', { error });
    }
    logger.info('matrix channel ready', { userId: client.getUserId(), deviceId: client.getDeviceId() });
  }
}

/** A transaction id for an idempotency key: stable, URL-safe, distinct from the SDK's own (`m…`). */
function transactionIdOf(idempotencyKey: string): string {
  return `passerelle-${createHash('sha256').update(idempotencyKey).digest('base64url').slice(0, 32)}`;
}

/** A Matrix send that cannot leave now but may later (CHANNEL_UNAVAILABLE is retryable; the cause is logged). */
function unavailable(cause: string): PasserelleError {
  return new PasserelleError('CHANNEL_UNAVAILABLE', { channel: 'matrix' }, { cause: new Error(cause) });
}
