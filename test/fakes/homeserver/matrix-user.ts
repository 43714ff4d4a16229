/**
 * A real matrix-js-sdk client with its own Rust crypto (in-memory store), logged in on the fake homeserver:
 * the agent on the other side of the bot in end-to-end tests. It creates rooms, sends (encrypted) messages,
 * reacts, and records every event it receives once decrypted, edits applied.
 *
 * @module
 */
import { ClientEvent, createClient, MatrixEventEvent, Preset, RoomEvent, SyncState, type MatrixClient, type MatrixEvent } from 'matrix-js-sdk';
import { AllDevicesIsolationMode } from 'matrix-js-sdk/lib/crypto-api/index.js';
import { logger as globalSdkLogger } from 'matrix-js-sdk/lib/logger.js';
import type { FakeHomeserver } from './index.ts';

/** One event as the user sees it after decryption. */
export interface SeenEvent {
  eventId: string;
  roomId: string;
  sender: string;
  type: string;
  content: Record<string, unknown>;
  /** Content after the latest edit (m.new_content), or the original content. */
  latest: Record<string, unknown>;
  decryptionFailure: boolean;
  encrypted: boolean;
}

const quiet = { trace() {}, debug() {}, info() {}, warn() {}, error() {}, getChild: () => quiet };

/** A Matrix user with a real client (see the module comment). */
export class MatrixUser {
  readonly seen = new Map<string, SeenEvent>();
  private readonly listeners = new Set<() => void>();

  private constructor(readonly client: MatrixClient, readonly userId: string) {}

  /** Registers the user on the fake, logs in, starts crypto and sync; resolves after the first sync. */
  static async start(fake: FakeHomeserver, userId: string, password = 'secret'): Promise<MatrixUser> {
    // The SDK's process-wide logger prints to the console; tests keep it quiet unless MATRIX_TEST_LOG is set.
    if (!process.env.MATRIX_TEST_LOG) (globalSdkLogger as unknown as { setLevel(level: string): void }).setLevel('silent');
    if (!fake.state.accounts.has(userId)) fake.registerUser(userId, password);
    const login = await createClient({ baseUrl: fake.url, logger: quiet }).loginRequest({ type: 'm.login.password', identifier: { type: 'm.id.user', user: userId }, password });
    const client = createClient({ baseUrl: fake.url, userId, deviceId: login.device_id, accessToken: login.access_token, logger: quiet });
    await client.initRustCrypto({ useIndexedDB: false });
    client.getCrypto()?.setDeviceIsolationMode(new AllDevicesIsolationMode(false));
    const user = new MatrixUser(client, userId);
    client.on(RoomEvent.Timeline, (event, room, toStart) => {
      if (toStart || !room) return;
      void client.decryptEventIfNeeded(event).then(() => user.record(event));
      event.on(MatrixEventEvent.Decrypted, () => user.record(event));
    });
    const prepared = new Promise<void>((resolve) => client.on(ClientEvent.Sync, (state) => (state === SyncState.Prepared || state === SyncState.Syncing) && resolve()));
    await client.startClient({ initialSyncLimit: 20, threadSupport: false });
    await prepared;
    return user;
  }

  /** Creates a direct chat with the bot (encrypted unless told otherwise) and waits for it to join (or `expect`). */
  async createDirectChat(botUserId: string, options: { encrypted?: boolean; timeoutMs?: number; expect?: 'join' | 'leave' } = {}): Promise<string> {
    const { room_id: roomId } = await this.client.createRoom({
      is_direct: true,
      invite: [botUserId],
      preset: Preset.TrustedPrivateChat,
      initial_state: options.encrypted === false ? [] : [{ type: 'm.room.encryption', state_key: '', content: { algorithm: 'm.megolm.v1.aes-sha2' } }],
    });
    await this.waitForMembership(roomId, botUserId, options.expect ?? 'join', options.timeoutMs);
    return roomId;
  }

  /** Creates a named group room with the given members invited. */
  async createGroupRoom(name: string, invite: string[], options: { encrypted?: boolean } = {}): Promise<string> {
    const { room_id: roomId } = await this.client.createRoom({
      name,
      invite,
      preset: Preset.PrivateChat,
      initial_state: options.encrypted === false ? [] : [{ type: 'm.room.encryption', state_key: '', content: { algorithm: 'm.megolm.v1.aes-sha2' } }],
    });
    await this.waitFor(() => this.client.getRoom(roomId) !== null, 5_000, `room ${roomId} in sync`);
    return roomId;
  }

  /** Sends a text message; `extra` is merged into the content (mentions, relations, formatted body). */
  async send(roomId: string, body: string, extra: Record<string, unknown> = {}): Promise<string> {
    const response = await this.client.sendEvent(roomId, null, 'm.room.message' as never, { msgtype: 'm.text', body, ...extra } as never);
    return response.event_id;
  }

  /** Uploads bytes to the homeserver's media repository; returns the mxc:// URI. */
  async upload(bytes: Buffer, contentType = 'application/octet-stream', name?: string): Promise<string> {
    const response = await this.client.uploadContent(bytes, { type: contentType, ...(name ? { name } : {}), includeFilename: name !== undefined });
    return response.content_uri;
  }

  /** Sends an `m.file` message; `content` is merged (url or encrypted `file`, body, filename, info). */
  async sendFile(roomId: string, content: Record<string, unknown>): Promise<string> {
    const response = await this.client.sendEvent(roomId, null, 'm.room.message' as never, { msgtype: 'm.file', ...content } as never);
    return response.event_id;
  }

  /** Reacts to an event. */
  async react(roomId: string, eventId: string, key: string): Promise<string> {
    const response = await this.client.sendEvent(roomId, null, 'm.reaction' as never, { 'm.relates_to': { rel_type: 'm.annotation', event_id: eventId, key } } as never);
    return response.event_id;
  }

  /** Joins a room this user was invited to. */
  async join(roomId: string): Promise<void> {
    await this.client.joinRoom(roomId);
    await this.waitForMembership(roomId, this.userId, 'join');
  }

  /** Leaves a room. */
  async leave(roomId: string): Promise<void> {
    await this.client.leave(roomId);
  }

  /** Events of a room sent by `sender` (originals only), in arrival order. */
  eventsFrom(roomId: string, sender: string): SeenEvent[] {
    return [...this.seen.values()].filter((event) => event.roomId === roomId && event.sender === sender && !isEdit(event.content));
  }

  /** Waits for an event from `sender` in `roomId` whose latest content matches. */
  waitForMessage(roomId: string, sender: string, matches: (event: SeenEvent) => boolean, timeoutMs = 10_000): Promise<SeenEvent> {
    let found: SeenEvent | undefined;
    return this.waitFor(() => (found = this.eventsFrom(roomId, sender).find(matches)) !== undefined, timeoutMs, `message from ${sender} in ${roomId}`).then(() => found as SeenEvent);
  }

  /** Waits until `userId` has `membership` in the room, as this client sees it. */
  waitForMembership(roomId: string, userId: string, membership: string, timeoutMs = 10_000): Promise<void> {
    return this.waitFor(() => this.client.getRoom(roomId)?.getMember(userId)?.membership === membership, timeoutMs, `${userId} ${membership} in ${roomId}`);
  }

  /** Polls `condition` on every recorded event and sync, up to `timeoutMs`. */
  waitFor(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
    if (condition()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const check = (): void => {
        if (!condition()) return;
        cleanup();
        resolve();
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`timed out waiting for ${what}`));
      }, timeoutMs);
      const interval = setInterval(check, 50);
      const cleanup = (): void => {
        clearTimeout(timer);
        clearInterval(interval);
        this.listeners.delete(check);
        this.client.off(ClientEvent.Sync, check);
      };
      this.listeners.add(check);
      this.client.on(ClientEvent.Sync, check);
    });
  }

  stop(): void {
    this.client.stopClient();
    this.client.removeAllListeners();
  }

  private record(event: MatrixEvent): void {
    const eventId = event.getId();
    const roomId = event.getRoomId();
    if (!eventId || !roomId || eventId.startsWith('~')) return;
    const content = { ...(event.getOriginalContent() as Record<string, unknown>) };
    const wire = event.getWireContent() as Record<string, unknown>;
    if (content['m.relates_to'] === undefined && wire['m.relates_to'] !== undefined) content['m.relates_to'] = wire['m.relates_to'];
    const previous = this.seen.get(eventId);
    const earlierEdit = [...this.seen.values()].filter((seen) => isEdit(seen.content) && (seen.content['m.relates_to'] as Record<string, unknown>).event_id === eventId).at(-1);
    const edited = previous && previous.latest !== previous.content ? previous.latest : undefined;
    const latest = edited ?? (earlierEdit?.content['m.new_content'] as Record<string, unknown> | undefined) ?? content;
    this.seen.set(eventId, { eventId, roomId, sender: event.getSender() ?? '', type: event.getType(), content, latest, decryptionFailure: event.isDecryptionFailure(), encrypted: event.isEncrypted() });
    if (isEdit(content)) {
      const target = this.seen.get(String((content['m.relates_to'] as Record<string, unknown>).event_id));
      if (target && content['m.new_content']) target.latest = content['m.new_content'] as Record<string, unknown>;
    }
    for (const listener of this.listeners) listener();
  }
}

function isEdit(content: Record<string, unknown>): boolean {
  const relation = content['m.relates_to'] as Record<string, unknown> | undefined;
  return relation?.rel_type === 'm.replace';
}
