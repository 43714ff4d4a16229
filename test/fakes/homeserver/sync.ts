/**
 * GET /sync for the fake homeserver: initial and incremental syncs with long-polling. Positions are plain
 * integers; `next_batch` is the stream position when the response was computed.
 *
 * @module
 */
import type { Json } from './http-router.ts';
import type { ClientEvent, Device, HomeserverState, Room, TimelineItem } from './state.ts';

/** Types kept in stripped invite state. */
const INVITE_STATE = ['m.room.create', 'm.room.join_rules', 'm.room.name', 'm.room.encryption', 'm.room.avatar', 'm.room.canonical_alias'];

/** Parameters of one /sync request. */
export interface SyncOptions {
  since: number | undefined;
  timeoutMs: number;
  /** Timeline events given for a room the user just joined. */
  timelineLimit: number;
  closed: Promise<void>;
}

/** Computes a sync response, waiting up to `timeoutMs` for something to report. */
export async function longPollSync(state: HomeserverState, device: Device, options: SyncOptions): Promise<Json> {
  const since = options.since === undefined ? undefined : Math.min(options.since, state.pos);
  if (since !== undefined) device.inbox = device.inbox.filter((entry) => entry.pos > since);
  const deadline = Date.now() + options.timeoutMs;
  let closed = false;
  void options.closed.then(() => (closed = true));
  for (;;) {
    const response = buildSync(state, device, since, options.timelineLimit);
    if (since === undefined || !isEmpty(response) || Date.now() >= deadline || closed) return response;
    await state.waitForChange(deadline - Date.now(), options.closed);
  }
}

function isEmpty(response: Json): boolean {
  const rooms = response.rooms as Record<string, Json>;
  return (
    Object.values(rooms).every((section) => Object.keys(section).length === 0) &&
    ((response.to_device as { events: unknown[] }).events.length === 0) &&
    ((response.account_data as { events: unknown[] }).events.length === 0) &&
    ((response.device_lists as { changed: unknown[] }).changed.length === 0)
  );
}

/** The sync response for `device` since position `since` (undefined: initial sync). */
export function buildSync(state: HomeserverState, device: Device, since: number | undefined, timelineLimit: number): Json {
  const userId = device.userId;
  const account = state.account(userId);
  const join: Record<string, Json> = {};
  const invite: Record<string, Json> = {};
  const leave: Record<string, Json> = {};
  for (const room of state.rooms.values()) {
    const membership = state.membership(room, userId);
    const before = since === undefined ? undefined : state.membershipAt(room, userId, since).membership;
    const changedAt = state.membershipPos(room, userId);
    if (membership === 'join') {
      const section = before === 'join' ? incrementalRoom(state, room, device, since as number) : newlyJoinedRoom(state, room, device, timelineLimit);
      if (section) join[room.roomId] = section;
    } else if (membership === 'invite' && (since === undefined || changedAt > since)) {
      invite[room.roomId] = { invite_state: { events: inviteState(state, room, userId) } };
    } else if ((membership === 'leave' || membership === 'ban') && since !== undefined && changedAt > since && (before === 'join' || before === 'invite')) {
      const items = room.timeline.filter((item) => item.pos > since && item.pos <= changedAt);
      leave[room.roomId] = { timeline: { events: items.map((item) => render(item, device)), limited: false }, state: { events: [] } };
    }
  }
  const changed = since === undefined ? [] : [...new Set(state.deviceListChanges.filter((change) => change.pos > since && state.shareRoom(userId, change.userId)).map((change) => change.userId))];
  return {
    next_batch: String(state.pos),
    rooms: { join, invite, leave, knock: {} },
    account_data: { events: [...account.accountData.entries()].filter(([, entry]) => since === undefined || entry.pos > since).map(([type, entry]) => ({ type, content: entry.content })) },
    to_device: { events: device.inbox.filter((entry) => since === undefined || entry.pos > since).map((entry) => entry.event) },
    device_lists: { changed, left: [] },
    device_one_time_keys_count: { signed_curve25519: device.oneTimeKeys.size },
    device_unused_fallback_key_types: device.fallbackKeys.size > 0 ? ['signed_curve25519'] : [],
    presence: { events: [] },
  };
}

function incrementalRoom(state: HomeserverState, room: Room, device: Device, since: number): Json | undefined {
  const items = room.timeline.filter((item) => item.pos > since);
  const ephemeral = ephemeralEvents(room, since);
  if (items.length === 0 && ephemeral.length === 0) return undefined;
  return roomSection(state, room, items.map((item) => render(item, device)), [], ephemeral, false, items[0]?.pos);
}

function newlyJoinedRoom(state: HomeserverState, room: Room, device: Device, limit: number): Json {
  const unique = uniqueItems(room.timeline);
  const items = unique.slice(-Math.max(1, limit));
  const inTimeline = new Set(items.map((item) => item.event.event_id));
  const stateEvents = [...room.state.values()].filter((event) => !inTimeline.has(event.event_id)).map((event) => renderEvent(event));
  return roomSection(state, room, items.map((item) => render(item, device)), stateEvents, ephemeralEvents(room, undefined), items.length < unique.length, items[0]?.pos);
}

function roomSection(state: HomeserverState, room: Room, timeline: Json[], stateEvents: Json[], ephemeral: Json[], limited: boolean, firstPos: number | undefined): Json {
  const joined = state.joinedMembers(room).length;
  return {
    timeline: { events: timeline, limited, prev_batch: `t${(firstPos ?? state.pos) - 1}` },
    state: { events: stateEvents },
    ephemeral: { events: ephemeral },
    account_data: { events: [] },
    unread_notifications: { notification_count: 0, highlight_count: 0 },
    summary: { 'm.joined_member_count': joined, 'm.invited_member_count': [...room.state.values()].filter((event) => event.type === 'm.room.member' && event.content.membership === 'invite').length },
  };
}

function ephemeralEvents(room: Room, since: number | undefined): Json[] {
  const events: Json[] = [];
  if (room.typingPos > 0 && (since === undefined || room.typingPos > since)) events.push({ type: 'm.typing', content: { user_ids: [...room.typing] } });
  for (const receipt of room.receipts) if (since === undefined || receipt.pos > since) events.push({ type: 'm.receipt', content: receipt.content });
  return events;
}

function uniqueItems(items: TimelineItem[]): TimelineItem[] {
  const seen = new Set<string>();
  return items.filter((item) => (seen.has(item.event.event_id) ? false : (seen.add(item.event.event_id), true)));
}

function inviteState(state: HomeserverState, room: Room, userId: string): Json[] {
  const events = INVITE_STATE.map((type) => state.stateEvent(room, type)).filter((event): event is ClientEvent => event !== undefined);
  const invite = state.stateEvent(room, 'm.room.member', userId);
  const inviter = invite ? state.stateEvent(room, 'm.room.member', invite.sender) : undefined;
  return [...events, ...(inviter ? [inviter] : []), ...(invite ? [invite] : [])].map((event) => ({ type: event.type, state_key: event.state_key, sender: event.sender, content: event.content }));
}

/** An event as one device sees it: age, and its own transaction id. */
export function render(item: TimelineItem, device: Device): Json {
  const unsigned: Json = { ...(item.event.unsigned ?? {}), age: Math.max(0, Date.now() - item.event.origin_server_ts) };
  if (item.txn && item.txn.token === device.accessToken) unsigned.transaction_id = item.txn.txnId;
  return { ...item.event, unsigned };
}

/** An event as served outside /sync (state, members, messages): with its age. */
export function renderEvent(event: ClientEvent): Json {
  return { ...event, unsigned: { ...(event.unsigned ?? {}), age: Math.max(0, Date.now() - event.origin_server_ts) } };
}
