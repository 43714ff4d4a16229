/**
 * Room endpoints of the fake homeserver: create, join, invite, kick, leave, send (idempotent per transaction
 * id), redact, state, members, messages, typing and receipts. Sends, state changes, invites and kicks are
 * checked against the room's power levels, as a homeserver does (M_FORBIDDEN below the level required).
 *
 * @module
 */
import { MatrixHttpError, type Json, type RouteRequest, type Router } from './http-router.ts';
import type { Authenticate } from './routes-account.ts';
import type { ClientEvent, Device, HomeserverState, Room } from './state.ts';
import { renderEvent } from './sync.ts';

/** What tests inspect after the fact. */
export interface RoomLog {
  typing: Array<{ roomId: string; userId: string; typing: boolean; at: number }>;
  receipts: Array<{ roomId: string; userId: string; eventId: string; type: string; at: number }>;
}

/** Registers the room routes. */
export function roomRoutes(router: Router, state: HomeserverState, auth: Authenticate, log: RoomLog): void {
  const joinedRoom = (request: RouteRequest): { device: Device; room: Room } => {
    const device = auth(request);
    const room = state.room(request.params.roomId as string);
    if (state.membership(room, device.userId) !== 'join') throw new MatrixHttpError(403, 'M_FORBIDDEN', `${device.userId} is not in the room`);
    return { device, room };
  };
  /** Refuses (403 M_FORBIDDEN) a user below the power level an action needs in the room. */
  const requireLevel = (room: Room, userId: string, action: { event: string; state: boolean } | 'invite' | 'kick'): void => {
    const levels = (state.stateEvent(room, 'm.room.power_levels')?.content ?? {}) as Record<string, unknown>;
    const users = (levels.users ?? {}) as Record<string, number>;
    const have = users[userId] ?? Number(levels.users_default ?? 0);
    const events = (levels.events ?? {}) as Record<string, number>;
    const need = typeof action === 'string'
      ? Number(levels[action] ?? (action === 'invite' ? 0 : 50))
      : Number(events[action.event] ?? (action.state ? (levels.state_default ?? 50) : (levels.events_default ?? 0)));
    if (have < need) throw new MatrixHttpError(403, 'M_FORBIDDEN', `${userId} (power ${have}) may not ${typeof action === 'string' ? action : `send ${action.event}`} here (needs ${need})`);
  };
  const member = (room: Room, userId: string, sender: string, membership: string, extra: Json = {}): ClientEvent =>
    state.appendEvent(room, { type: 'm.room.member', state_key: userId, sender, content: { membership, displayname: state.accounts.get(userId)?.displayName, ...extra } });
  const join = (request: RouteRequest, roomId: string): Json => {
    const device = auth(request);
    const room = state.room(roomId);
    const current = state.membership(room, device.userId);
    const rule = state.stateEvent(room, 'm.room.join_rules')?.content.join_rule;
    if (current !== 'join' && current !== 'invite' && rule !== 'public') throw new MatrixHttpError(403, 'M_FORBIDDEN', 'not invited');
    if (current !== 'join') member(room, device.userId, device.userId, 'join');
    return { room_id: room.roomId };
  };

  router
    .on('POST /createRoom', async (request) => {
      const device = auth(request);
      const body = request.body;
      const room: Room = { roomId: state.newId('!', 12).replace(/[^!\w]/g, 'x') + `:${state.serverName}`, timeline: [], state: new Map(), typing: new Set(), typingPos: 0, receipts: [] };
      state.rooms.set(room.roomId, room);
      const creator = device.userId;
      const add = (type: string, content: Json, stateKey = ''): ClientEvent => state.appendEvent(room, { type, state_key: stateKey, sender: creator, content });
      add('m.room.create', { creator, room_version: String(body.room_version ?? '10') });
      member(room, creator, creator, 'join');
      if (state.roomCreationPauseMs > 0) await new Promise((resolve) => setTimeout(resolve, state.roomCreationPauseMs));
      add('m.room.power_levels', { users: { [creator]: 100 }, users_default: 0, events_default: 0, state_default: 50, ban: 50, kick: 50, redact: 50, invite: 0, ...((body.power_level_content_override as Json | undefined) ?? {}) });
      const preset = body.preset ?? (body.visibility === 'public' ? 'public_chat' : 'private_chat');
      add('m.room.join_rules', { join_rule: preset === 'public_chat' ? 'public' : 'invite' });
      add('m.room.history_visibility', { history_visibility: 'shared' });
      for (const initial of (Array.isArray(body.initial_state) ? body.initial_state : []) as Json[]) add(String(initial.type), (initial.content ?? {}) as Json, String(initial.state_key ?? ''));
      if (typeof body.name === 'string') add('m.room.name', { name: body.name });
      if (typeof body.topic === 'string') add('m.room.topic', { topic: body.topic });
      for (const invitee of (Array.isArray(body.invite) ? body.invite : []) as string[]) member(room, invitee, creator, 'invite', body.is_direct ? { is_direct: true } : {});
      return { room_id: room.roomId };
    })
    .on('POST /join/{roomId}', (request) => join(request, request.params.roomId as string))
    .on('POST /rooms/{roomId}/join', (request) => join(request, request.params.roomId as string))
    .on('POST /rooms/{roomId}/invite', (request) => {
      const { device, room } = joinedRoom(request);
      const invitee = String(request.body.user_id ?? '');
      requireLevel(room, device.userId, 'invite');
      if (!state.accounts.has(invitee)) throw new MatrixHttpError(404, 'M_NOT_FOUND', 'unknown user');
      if (state.membership(room, invitee) !== 'join') member(room, invitee, device.userId, 'invite', request.body.is_direct ? { is_direct: true } : {});
      return {};
    })
    .on('POST /rooms/{roomId}/kick', (request) => {
      const { device, room } = joinedRoom(request);
      const target = String(request.body.user_id ?? '');
      requireLevel(room, device.userId, 'kick');
      const current = state.membership(room, target);
      if (current !== 'join' && current !== 'invite') throw new MatrixHttpError(403, 'M_FORBIDDEN', `${target} is not in the room`);
      member(room, target, device.userId, 'leave', typeof request.body.reason === 'string' ? { reason: request.body.reason } : {});
      return {};
    })
    .on('POST /rooms/{roomId}/leave', (request) => {
      const device = auth(request);
      const room = state.room(request.params.roomId as string);
      const current = state.membership(room, device.userId);
      if (current === 'join' || current === 'invite') member(room, device.userId, device.userId, 'leave');
      return {};
    })
    .on('POST /rooms/{roomId}/forget', (request) => (auth(request), {}))
    .on('GET /joined_rooms', (request) => {
      const device = auth(request);
      return { joined_rooms: [...state.rooms.values()].filter((room) => state.membership(room, device.userId) === 'join').map((room) => room.roomId) };
    })
    .on('PUT /rooms/{roomId}/send/{type}/{txnId}', (request) => {
      const { device, room } = joinedRoom(request);
      const key = `send:${room.roomId}:${request.params.txnId}`;
      const previous = device.txns.get(key);
      if (previous) return previous;
      requireLevel(room, device.userId, { event: request.params.type as string, state: false });
      const event = state.appendEvent(room, { type: request.params.type as string, sender: device.userId, content: request.body }, { token: device.accessToken, txnId: request.params.txnId as string });
      const response = { event_id: event.event_id };
      device.txns.set(key, response);
      return response;
    })
    .on('PUT /rooms/{roomId}/redact/{eventId}/{txnId}', (request) => {
      const { device, room } = joinedRoom(request);
      const key = `redact:${room.roomId}:${request.params.txnId}`;
      const previous = device.txns.get(key);
      if (previous) return previous;
      const target = room.timeline.find((item) => item.event.event_id === request.params.eventId)?.event;
      const redaction = state.appendEvent(room, { type: 'm.room.redaction', sender: device.userId, redacts: request.params.eventId as string, content: { ...request.body, redacts: request.params.eventId } }, { token: device.accessToken, txnId: request.params.txnId as string });
      if (target) {
        target.content = {};
        target.unsigned = { ...(target.unsigned ?? {}), redacted_because: redaction };
      }
      const response = { event_id: redaction.event_id };
      device.txns.set(key, response);
      return response;
    })
    .on('PUT /rooms/{roomId}/state/{type}/{stateKey*}', (request) => stateWrite(request, request.params.stateKey as string))
    .on('PUT /rooms/{roomId}/state/{type}', (request) => stateWrite(request, ''))
    .on('GET /rooms/{roomId}/state/{type}/{stateKey*}', (request) => stateRead(request, request.params.stateKey as string))
    .on('GET /rooms/{roomId}/state/{type}', (request) => stateRead(request, ''))
    .on('GET /rooms/{roomId}/state', (request) => [...joinedRoom(request).room.state.values()].map(renderEvent) as unknown as Json)
    .on('GET /rooms/{roomId}/members', (request) => {
      const { room } = joinedRoom(request);
      const excluded = request.query.get('not_membership');
      return { chunk: [...room.state.values()].filter((event) => event.type === 'm.room.member' && event.content.membership !== excluded).map(renderEvent) };
    })
    .on('GET /rooms/{roomId}/joined_members', (request) => {
      const { room } = joinedRoom(request);
      return { joined: Object.fromEntries(state.joinedMembers(room).map((userId) => [userId, { display_name: state.accounts.get(userId)?.displayName }])) };
    })
    .on('GET /rooms/{roomId}/event/{eventId}', (request) => {
      const { room } = joinedRoom(request);
      const event = room.timeline.find((item) => item.event.event_id === request.params.eventId)?.event;
      if (!event) throw new MatrixHttpError(404, 'M_NOT_FOUND', 'event not found');
      return renderEvent(event);
    })
    .on('GET /rooms/{roomId}/messages', (request) => {
      const { room } = joinedRoom(request);
      const from = Number(String(request.query.get('from') ?? `t${state.pos + 1}`).replace(/^t/, '')) || state.pos + 1;
      const limit = Math.min(Number(request.query.get('limit') ?? 10) || 10, 100);
      const forward = request.query.get('dir') === 'f';
      const items = forward ? room.timeline.filter((item) => item.pos > from).slice(0, limit) : room.timeline.filter((item) => item.pos <= from).slice(-limit).reverse();
      const last = items.at(-1);
      return { chunk: items.map((item) => renderEvent(item.event)), start: `t${from}`, ...(last ? { end: `t${forward ? last.pos : last.pos - 1}` } : {}), state: [] };
    })
    .on('PUT /rooms/{roomId}/typing/{userId}', (request) => {
      const { device, room } = joinedRoom(request);
      if (request.body.typing === true) room.typing.add(device.userId);
      else room.typing.delete(device.userId);
      room.typingPos = state.advance();
      log.typing.push({ roomId: room.roomId, userId: device.userId, typing: request.body.typing === true, at: Date.now() });
      return {};
    })
    .on('POST /rooms/{roomId}/receipt/{receiptType}/{eventId}', (request) => {
      const { device, room } = joinedRoom(request);
      const { receiptType, eventId } = request.params as { receiptType: string; eventId: string };
      room.receipts.push({ pos: state.advance(), content: { [eventId]: { [receiptType]: { [device.userId]: { ts: Date.now(), ...(request.body.thread_id ? { thread_id: request.body.thread_id } : {}) } } } } });
      log.receipts.push({ roomId: room.roomId, userId: device.userId, eventId, type: receiptType, at: Date.now() });
      return {};
    })
    .on('POST /rooms/{roomId}/read_markers', (request) => (joinedRoom(request), {}));

  function stateWrite(request: RouteRequest, stateKey: string): Json {
    const { device, room } = joinedRoom(request);
    requireLevel(room, device.userId, { event: request.params.type as string, state: true });
    const event = state.appendEvent(room, { type: request.params.type as string, state_key: stateKey, sender: device.userId, content: request.body });
    return { event_id: event.event_id };
  }

  function stateRead(request: RouteRequest, stateKey: string): Json {
    const { room } = joinedRoom(request);
    const event = state.stateEvent(room, request.params.type as string, stateKey);
    if (!event) throw new MatrixHttpError(404, 'M_NOT_FOUND', 'state event not found');
    return event.content;
  }
}
