/**
 * The fake homeserver's data: accounts, devices, rooms and one global stream position. Every change that
 * a /sync must report (room event, to-device message, account data, device-list change) takes the next
 * position and wakes the long-polls.
 *
 * @module
 */
import { randomBytes } from 'node:crypto';
import { MatrixHttpError, type Json } from './http-router.ts';

/** A room event as served to clients. */
export interface ClientEvent {
  event_id: string;
  type: string;
  sender: string;
  origin_server_ts: number;
  room_id: string;
  content: Json;
  state_key?: string;
  redacts?: string;
  unsigned?: Json;
}

/** One delivery of an event in a room timeline (an event may be delivered twice by a test). */
export interface TimelineItem {
  pos: number;
  event: ClientEvent;
  /** Token and transaction id of the sending device, echoed back to that device only. */
  txn?: { token: string; txnId: string };
}

/** A room: timeline (with stream positions), current state, typing and receipts. */
export interface Room {
  roomId: string;
  timeline: TimelineItem[];
  /** Current state, keyed by `${type}\u0000${stateKey}`. */
  state: Map<string, ClientEvent>;
  typing: Set<string>;
  typingPos: number;
  receipts: Array<{ pos: number; content: Json }>;
}

/** A logged-in device: token, keys, to-device inbox, transaction ids. */
export interface Device {
  userId: string;
  deviceId: string;
  accessToken: string;
  displayName: string;
  deviceKeys?: Json;
  oneTimeKeys: Map<string, Json>;
  fallbackKeys: Map<string, Json>;
  /** To-device messages not yet acknowledged by a later /sync. */
  inbox: Array<{ pos: number; event: Json }>;
  /** Transaction id → response, for idempotent retries. */
  txns: Map<string, Json>;
}

/** One server-side key backup version. */
export interface KeyBackup {
  version: string;
  algorithm: string;
  authData: Json;
  keys: Map<string, Map<string, Json>>;
  etag: number;
}

/** A user account. */
export interface Account {
  userId: string;
  password: string;
  displayName: string;
  devices: Map<string, Device>;
  accountData: Map<string, { pos: number; content: Json }>;
  filters: Json[];
  crossSigning: { master?: Json; self_signing?: Json; user_signing?: Json };
  backups: KeyBackup[];
}

type Waiter = () => void;

/** All the homeserver knows. Single-threaded: every mutation is synchronous. */
export class HomeserverState {
  readonly accounts = new Map<string, Account>();
  readonly rooms = new Map<string, Room>();
  readonly deviceListChanges: Array<{ pos: number; userId: string }> = [];
  private position = 1;
  private readonly waiters = new Set<Waiter>();

  /**
   * Like Synapse, which writes a new room one event after another: when set, `createRoom` pauses this long
   * after the creator's join, so that a /sync can show the room with its creator alone (invites not yet).
   */
  roomCreationPauseMs = 0;

  constructor(readonly serverName: string) {}

  /** Current stream position (the `next_batch` of a sync computed now). */
  get pos(): number {
    return this.position;
  }

  /** Takes the next stream position and wakes every waiting /sync. */
  advance(): number {
    this.position += 1;
    const waiting = [...this.waiters];
    this.waiters.clear();
    queueMicrotask(() => waiting.forEach((wake) => wake()));
    return this.position;
  }

  /** Resolves at the next change, after `ms`, or when `cancel` resolves, whichever comes first. */
  waitForChange(ms: number, cancel: Promise<void>): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.waiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, Math.max(0, ms));
      this.waiters.add(done);
      void cancel.then(done);
    });
  }

  /** Wakes every long-poll now (shutdown). */
  wakeAll(): void {
    const waiting = [...this.waiters];
    this.waiters.clear();
    waiting.forEach((wake) => wake());
  }

  newId(prefix: string, length = 12): string {
    return `${prefix}${randomBytes(length).toString('base64url')}`;
  }

  addAccount(userId: string, password: string, displayName = userId.slice(1).split(':')[0] ?? userId): Account {
    const account: Account = { userId, password, displayName, devices: new Map(), accountData: new Map(), filters: [], crossSigning: {}, backups: [] };
    this.accounts.set(userId, account);
    return account;
  }

  account(userId: string): Account {
    const account = this.accounts.get(userId);
    if (!account) throw new MatrixHttpError(404, 'M_NOT_FOUND', `unknown user ${userId}`);
    return account;
  }

  addDevice(account: Account, deviceId = this.newId('DEV', 6).toUpperCase().replace(/[^A-Z0-9]/g, 'X')): Device {
    const existing = account.devices.get(deviceId);
    const device: Device = existing
      ? { ...existing, accessToken: this.newId('syt_', 24) }
      : { userId: account.userId, deviceId, accessToken: this.newId('syt_', 24), displayName: deviceId, oneTimeKeys: new Map(), fallbackKeys: new Map(), inbox: [], txns: new Map() };
    account.devices.set(deviceId, device);
    return device;
  }

  deviceByToken(token: string | undefined): Device | undefined {
    if (!token) return undefined;
    for (const account of this.accounts.values()) for (const device of account.devices.values()) if (device.accessToken === token) return device;
    return undefined;
  }

  room(roomId: string): Room {
    const room = this.rooms.get(roomId);
    if (!room) throw new MatrixHttpError(404, 'M_NOT_FOUND', `unknown room ${roomId}`);
    return room;
  }

  /** Appends an event to a room timeline (updating state for state events); returns the stored event. */
  appendEvent(room: Room, partial: Omit<ClientEvent, 'event_id' | 'origin_server_ts' | 'room_id'>, txn?: TimelineItem['txn']): ClientEvent {
    const event: ClientEvent = { ...partial, event_id: this.newId('$', 18), origin_server_ts: Date.now(), room_id: room.roomId };
    if (event.state_key !== undefined) room.state.set(`${event.type}\u0000${event.state_key}`, event);
    room.timeline.push({ pos: this.advance(), event, ...(txn ? { txn } : {}) });
    if (event.type === 'm.room.member' && event.state_key && event.content.membership === 'join') this.noteDeviceListChange(event.state_key);
    return event;
  }

  /** Delivers an already stored event once more (a homeserver redelivery). */
  redeliver(roomId: string, eventId: string): void {
    const room = this.room(roomId);
    const item = room.timeline.find((entry) => entry.event.event_id === eventId);
    if (!item) throw new Error(`no event ${eventId} in ${roomId}`);
    room.timeline.push({ pos: this.advance(), event: item.event });
  }

  stateEvent(room: Room, type: string, stateKey = ''): ClientEvent | undefined {
    return room.state.get(`${type}\u0000${stateKey}`);
  }

  /** Current membership of a user in a room ('join', 'invite', 'leave', 'ban' or undefined). */
  membership(room: Room, userId: string): string | undefined {
    const membership = this.stateEvent(room, 'm.room.member', userId)?.content.membership;
    return typeof membership === 'string' ? membership : undefined;
  }

  /** Membership of a user as of stream position `pos`, and the position of that membership event. */
  membershipAt(room: Room, userId: string, pos: number): { membership?: string; pos: number } {
    let found: { membership?: string; pos: number } = { pos: 0 };
    for (const item of room.timeline) {
      if (item.pos > pos) break;
      if (item.event.type === 'm.room.member' && item.event.state_key === userId) found = { membership: String(item.event.content.membership), pos: item.pos };
    }
    return found;
  }

  /** Position of the latest membership event of a user in a room. */
  membershipPos(room: Room, userId: string): number {
    return this.membershipAt(room, userId, Number.MAX_SAFE_INTEGER).pos;
  }

  joinedMembers(room: Room): string[] {
    return [...room.state.values()].filter((event) => event.type === 'm.room.member' && event.content.membership === 'join').map((event) => event.state_key as string);
  }

  /** Whether two users share a room where both are joined or invited. */
  shareRoom(a: string, b: string): boolean {
    if (a === b) return true;
    for (const room of this.rooms.values()) {
      const ma = this.membership(room, a);
      const mb = this.membership(room, b);
      if ((ma === 'join' || ma === 'invite') && (mb === 'join' || mb === 'invite')) return true;
    }
    return false;
  }

  /** Records that a user's devices or cross-signing keys changed (reported in device_lists.changed). */
  noteDeviceListChange(userId: string): void {
    this.deviceListChanges.push({ pos: this.advance(), userId });
  }

  /**
   * To-device messages held back, by `sender>recipient` user ids: a sender device that withholds its room
   * keys (they reach the recipient only on `releaseToDevice`, in order).
   */
  readonly heldToDevice = new Map<string, Array<{ device: Device; event: Json }>>();

  /** Queues a to-device message for one device (or holds it, see `heldToDevice`). */
  deliverToDevice(device: Device, event: Json): void {
    const held = this.heldToDevice.get(`${String(event.sender)}>${device.userId}`);
    if (held) held.push({ device, event });
    else device.inbox.push({ pos: this.advance(), event });
  }

  /** From now on, holds the to-device messages `from` sends to `to`. */
  holdToDevice(from: string, to: string): void {
    if (!this.heldToDevice.has(`${from}>${to}`)) this.heldToDevice.set(`${from}>${to}`, []);
  }

  /** Delivers what was held from `from` to `to` and stops holding; returns how many messages. */
  releaseToDevice(from: string, to: string): number {
    const held = this.heldToDevice.get(`${from}>${to}`) ?? [];
    this.heldToDevice.delete(`${from}>${to}`);
    for (const { device, event } of held) this.deliverToDevice(device, event);
    return held.length;
  }

  setAccountData(account: Account, type: string, content: Json): void {
    account.accountData.set(type, { pos: this.advance(), content });
  }
}
