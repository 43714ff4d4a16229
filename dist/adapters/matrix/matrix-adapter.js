import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { ClientEvent, HttpApiEvent, RoomEvent, RoomMemberEvent, SyncState } from 'matrix-js-sdk';
import { streamByEditing } from "../../bots/channel-adapter.js";
import { createMatrixRuntime } from "./client-factory.js";
import { bootstrapEncryption, RECOVERY_KEY_FILE, RecoveryKeyStore } from "./crypto-setup.js";
import { DirectRooms } from "./direct-rooms.js";
import { readHistory } from "./history.js";
import { InboundEvents } from "./inbound.js";
import * as say from "./matrix-messages.js";
import { downloadAttachment } from "./media.js";
import { MembershipManager } from "./membership.js";
import { DEFAULT_OUTBOX_OPTIONS, Outbox } from "./outbox.js";
import { ProcessLock } from "./process-lock.js";
import { addressOf, parseReference } from "./reference.js";
import { renderReply } from "./reply-renderer.js";
import { ensurePrivateDir } from "./secure-file.js";
import { passwordLogin } from "./password-login.js";
import { establishSession, SESSION_FILE, verifySession } from "./session.js";
import { UndecryptableNotices } from "./undecryptable-notices.js";
/**
 * The Tchap (Matrix) channel: one device of the bot's account, end-to-end encrypted with the Rust crypto and
 * a durable store in `${dataDir}/matrix/`, owned by exactly one process (lock file). Answers in direct chats,
 * and in rooms when mentioned or replied to — inside a thread there. Streams by editing one message.
 */
export class MatrixAdapter {
    context;
    options;
    name = 'matrix';
    dir;
    runtime;
    lock;
    outbox;
    inbound;
    directRooms;
    membership;
    notices;
    session;
    markReady;
    bootstrapping;
    markBootstrapped;
    bootstrapped;
    /** Resolves once the first real sync has been processed and start-up work is done. */
    ready;
    constructor(context, options = {}) {
        this.context = context;
        this.options = options;
        this.dir = join(context.config.dataDir, 'matrix');
        this.ready = new Promise((resolve) => (this.markReady = resolve));
        this.bootstrapped = new Promise((resolve) => (this.markBootstrapped = resolve));
    }
    /** Joined members of a room (announcement audiences `membres:`), once started. */
    async roomMembers(roomId) {
        if (!this.runtime)
            throw new Error('matrix client not available');
        return Object.keys((await this.runtime.client.getJoinedRoomMembers(roomId)).joined);
    }
    /** Resolves when cross-signing, secret storage and key backup have been set up (or failed, logged). */
    whenBootstrapped() {
        return this.bootstrapped;
    }
    /** The bot's device id (after start). */
    get deviceId() {
        return this.session?.deviceId;
    }
    async start(sink) {
        const { config, logger, limiter } = this.context;
        ensurePrivateDir(this.dir);
        this.lock = ProcessLock.acquire(join(this.dir, 'lock'));
        try {
            this.session = await establishSession(this.dir, config.matrix, passwordLogin(logger), logger);
            await verifySession(this.session, join(this.dir, SESSION_FILE));
            const recovery = new RecoveryKeyStore(join(this.dir, RECOVERY_KEY_FILE));
            this.runtime = await createMatrixRuntime({ session: this.session, dir: this.dir, logger, cryptoCallbacks: recovery.callbacks() });
            const { client, store } = this.runtime;
            const botIdentity = { userId: this.session.userId, displayName: config.matrix.displayName };
            this.outbox = new Outbox(client, limiter, logger, { ...DEFAULT_OUTBOX_OPTIONS, editIntervalMs: this.options.editIntervalMs ?? DEFAULT_OUTBOX_OPTIONS.editIntervalMs });
            this.directRooms = new DirectRooms(client, this.outbox, this.session.userId);
            this.membership = new MembershipManager(client, this.outbox, this.directRooms, sink, { allowedInviters: config.matrix.allowedInviters, allowedServers: config.matrix.allowedServers, botUserId: this.session.userId }, logger);
            this.notices = new UndecryptableNotices(sink, (reference) => sink.receive({ kind: 'undecryptable', channel: 'matrix', address: addressOf(reference) }).then(() => undefined), { graceMs: this.options.undecryptableGraceMs ?? 8_000, roomCooldownMs: this.options.undecryptableRoomCooldownMs ?? 3_600_000 }, logger);
            this.inbound = new InboundEvents({
                client, bot: botIdentity, sink, outbox: this.outbox, directRooms: this.directRooms, notices: this.notices, logger,
                allowGroups: config.access.allowGroups.filter((group) => group.startsWith('!')),
                maxEventAgeMs: this.options.maxEventAgeMs ?? 3 * 24 * 3_600_000,
                notBeforeMs: Date.parse(this.session.createdAt) - 5 * 60_000 || 0,
            });
            // The sync position is saved only when every event received so far has been handled: after a crash the
            // server delivers again what was not, and the core's dedupe drops what was.
            const wantsSave = store.wantsSave.bind(store);
            store.wantsSave = () => (this.inbound?.idle ?? true) && wantsSave();
            this.inbound.onIdle = () => void (wantsSave() ? store.save().catch((error) => logger.warn('matrix sync state save failed', { error })) : undefined);
            this.listen(client, recovery);
            await client.startClient({ initialSyncLimit: 20, lazyLoadMembers: false, threadSupport: false });
            let timer;
            await Promise.race([this.ready, new Promise((resolve) => (timer = setTimeout(resolve, this.options.startTimeoutMs ?? 30_000)))]);
            clearTimeout(timer);
        }
        catch (error) {
            await this.stop().catch(() => undefined);
            throw error;
        }
    }
    async stop() {
        const drainMs = this.options.drainMs ?? 10_000;
        await this.inbound?.stop(drainMs);
        if (this.bootstrapping) {
            let timer;
            await Promise.race([this.bootstrapping, new Promise((resolve) => (timer = setTimeout(resolve, drainMs)))]);
            clearTimeout(timer);
        }
        this.notices?.clear();
        this.outbox?.typing.clear();
        if (this.runtime) {
            // Every event received so far has been handled: save the sync position, so that a restart does not
            // replay them (they would only be dropped by the dedupe). Skipped when anything is left undone.
            if (this.inbound?.idle)
                await this.runtime.store.save(true).catch((error) => this.context.logger.warn('matrix sync state save failed', { error }));
            this.runtime.client.removeAllListeners();
            this.runtime.client.stopClient();
            await this.runtime.persistence.close().catch((error) => this.context.logger.error('matrix crypto store final flush failed', { error }));
            this.runtime = undefined;
        }
        this.lock?.release();
        this.lock = undefined;
        this.markReady?.();
        this.markBootstrapped?.();
    }
    /** Messages sent with an `idempotencyKey` are stored once (it becomes the transaction id; the homeserver deduplicates). */
    idempotentSends = true;
    async send(address, reply, options = {}) {
        const reference = parseReference(address.reference);
        if (!reference)
            throw new Error(`not a Matrix conversation: ${address.key}`);
        return this.sendReply(reference, reply, options.idempotencyKey ? transactionIdOf(options.idempotencyKey) : undefined);
    }
    async update(address, messageId, reply) {
        const reference = parseReference(address.reference);
        if (!reference)
            throw new Error(`not a Matrix conversation: ${address.key}`);
        await this.ready;
        await this.requireOutbox().edit(reference.roomId, messageId, renderReply(reply), reply.kind !== 'progress');
    }
    async typing(address) {
        const reference = parseReference(address.reference);
        if (reference)
            this.requireOutbox().typing.touch(reference.roomId);
    }
    /** Streams by editing one message: the progress text, then the text so far (edits paced), then the final reply. */
    stream(address, first) {
        return streamByEditing(this, address, first);
    }
    /** Downloads an attachment (authenticated media, legacy fallback), decrypting encrypted files; at most `maxBytes`. */
    async download(attachment, maxBytes) {
        await this.ready;
        if (!this.runtime)
            throw new Error('matrix adapter not started');
        return downloadAttachment(this.runtime.client, attachment, maxBytes);
    }
    /** Recent messages of the room, or of the thread, oldest first (see history.ts). */
    async history(address, limit) {
        const reference = parseReference(address.reference);
        if (!reference)
            throw new Error(`not a Matrix conversation: ${address.key}`);
        await this.ready;
        if (!this.runtime || !this.session)
            throw new Error('matrix adapter not started');
        return readHistory(this.runtime.client, reference, limit, this.session.userId);
    }
    /** The direct chat with a user (reused from m.direct, or created encrypted), as an address for `send`. */
    async directRoomFor(userId) {
        await this.ready;
        if (!this.directRooms)
            throw new Error('matrix adapter not started');
        return addressOf({ roomId: await this.directRooms.roomFor(userId), isDirect: true });
    }
    async sendReply(reference, reply, txnId) {
        await this.ready;
        if (!this.runtime?.client.getRoom(reference.roomId))
            throw new Error(`unknown Matrix room ${reference.roomId}`);
        return this.requireOutbox().send(reference, renderReply(reply), txnId);
    }
    requireOutbox() {
        if (!this.outbox)
            throw new Error('matrix adapter not started');
        return this.outbox;
    }
    listen(client, recovery) {
        const { logger } = this.context;
        let live = false;
        client.on(ClientEvent.Sync, (syncState, _previous, data) => {
            if (live || !(syncState === SyncState.Syncing || (syncState === SyncState.Prepared && !data?.fromCache)))
                return;
            live = true;
            void this.afterFirstSync(client, recovery);
        });
        client.on(RoomEvent.Timeline, (event, room, toStartOfTimeline, removed, data) => {
            if (toStartOfTimeline || removed || !room || !data?.liveEvent)
                return;
            this.inbound?.accept(event, room);
        });
        // Membership changes are reviewed once the sync response that carried them has been fully processed.
        const toReview = new Set();
        client.on(RoomEvent.MyMembership, (room) => toReview.add(room.roomId));
        client.on(RoomMemberEvent.Membership, (_event, member) => {
            if (member.membership === 'leave' || member.membership === 'ban')
                toReview.add(member.roomId);
        });
        client.on(ClientEvent.Sync, () => {
            if (!live)
                return;
            for (const roomId of toReview) {
                const room = client.getRoom(roomId);
                if (room)
                    void this.membership?.review(room);
            }
            toReview.clear();
        });
        client.on(HttpApiEvent.SessionLoggedOut, () => logger.error(say.sessionRejected(join(this.dir, SESSION_FILE))));
    }
    async afterFirstSync(client, recovery) {
        this.inbound?.goLive();
        await this.membership?.reviewAll();
        this.bootstrapping = this.bootstrap(client, recovery).finally(() => this.markBootstrapped?.());
        this.markReady?.();
    }
    /** Cross-signing, secret storage, key backup, display name: in the background, failures logged. */
    async bootstrap(client, recovery) {
        const { config, logger } = this.context;
        await bootstrapEncryption(client, recovery, { userId: this.session?.userId ?? '', ...(config.matrix.password ? { password: config.matrix.password } : {}) }, logger);
        try {
            const profile = await client.getProfileInfo(client.getUserId() ?? '');
            if (profile.displayname !== config.matrix.displayName)
                await this.requireOutbox().request(() => client.setDisplayName(config.matrix.displayName));
        }
        catch (error) {
            logger.debug('matrix display name not set', { error });
        }
        logger.info('matrix channel ready', { userId: client.getUserId(), deviceId: client.getDeviceId() });
    }
}
/** A transaction id for an idempotency key: stable, URL-safe, distinct from the SDK's own (`m…`). */
function transactionIdOf(idempotencyKey) {
    return `passerelle-${createHash('sha256').update(idempotencyKey).digest('base64url').slice(0, 32)}`;
}
