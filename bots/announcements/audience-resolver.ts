import type { AnnouncementChannel, NewRecipient } from '../../state/announcement-store.ts';
import type { ConversationReferences, RoomSettingsLog } from '../../state/state-store.ts';
import type { StoredReference } from '../message.ts';
import { isMatrixRoomId, isMatrixUserId, serviceKey, type AudienceTerm } from './audience.ts';
import type { AudienceDirectories, DirectoryMember } from './directories.ts';
import * as say from './messages.ts';
import { PasserelleError } from '../errors.ts';

/**
 * Turns an audience into recipients, once, when the announcement is prepared: the list is a snapshot (the
 * preview's counts are what will be sent). One recipient per user and channel, or per room, whatever the
 * number of terms naming it. A user the bot cannot reach is kept as an already failed recipient with the
 * reason, so that the report lists them; nothing is sent to them.
 *
 * Teams users are reached through their stored personal conversation (the bot cannot open one); Tchap
 * users through their stored direct chat, else through the adapter's `directRoomFor` at send time.
 */

const THREAD_MARKER = ';messageid=';

export interface AudienceResolverDeps {
  state: Pick<ConversationReferences, 'listReferences'> & Partial<Pick<RoomSettingsLog, 'listRoomSettings'>>;
  /** Channels enabled on this deployment. */
  channels: ReadonlySet<AnnouncementChannel>;
  directories: AudienceDirectories;
  /** Largest audience accepted. */
  maxRecipients: number;
  /**
   * Above this many Tchap direct-chat recipients, the announcement rooms whose members are all in the
   * audience (any room for `tous`) replace their members' direct chats; undefined: never.
   */
  roomsAbove?: number;
  /**
   * After installing the app for members of `equipe:`/`groupe:` without a conversation, how long to wait for
   * Teams to open their conversations (default 20 s, polled every `installPollMs`, 1 s).
   */
  installWaitMs?: number;
  installPollMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

/** Recipients, and what the administrator is told about how they will be reached (French). */
export interface ResolvedAudience {
  recipients: NewRecipient[];
  notes: string[];
}

export class AudienceResolver {
  constructor(private readonly deps: AudienceResolverDeps) {}

  async resolve(terms: readonly AudienceTerm[]): Promise<NewRecipient[]> {
    return (await this.resolveAudience(terms)).recipients;
  }

  async resolveAudience(terms: readonly AudienceTerm[]): Promise<ResolvedAudience> {
    const notes: string[] = [];
    const references = await this.deps.state.listReferences({ activeOnly: true });
    const directs = new Map<string, StoredReference>();
    for (const reference of references) {
      if (!reference.isDirect || !reference.userId) continue;
      const key = `${reference.channel}:${reference.userId}`;
      const known = directs.get(key);
      if (!known || known.updatedAt < reference.updatedAt) directs.set(key, reference);
    }
    // Rooms (and direct chats) whose moderators refused announcements (`paramètres annonces non`).
    const refused = new Set((await this.deps.state.listRoomSettings?.())?.filter((record) => record.settings.announcements === false).map((record) => record.roomKey));
    const recipients = new Map<string, NewRecipient>();
    const add = (candidate: NewRecipient) => {
      const recipient = candidate.status === 'pending' && candidate.address && refused.has(candidate.address.key)
        ? { ...withoutAddress(candidate), status: 'failed' as const, errorCode: 'announcements-refused', reason: say.REASON_ANNOUNCEMENTS_REFUSED }
        : candidate;
      const known = recipients.get(recipient.key);
      if (!known || (known.status !== 'pending' && recipient.status === 'pending')) recipients.set(recipient.key, recipient);
    };
    const user = (channel: AnnouncementChannel, userId: string) => add(this.user(channel, userId, directs.get(`${channel}:${userId}`)));
    /** Members of Teams teams and groups without a conversation: the app is installed for them, after the loop. */
    const toInstall = new Set<string>();

    for (const term of terms) {
      switch (term.kind) {
        case 'everyone':
          for (const reference of directs.values()) {
            if (reference.channel !== 'local' && this.deps.channels.has(reference.channel)) user(reference.channel, reference.userId as string);
          }
          break;
        case 'users':
          for (const id of term.ids) user(this.require(isMatrixUserId(id) ? 'matrix' : 'teams'), id);
          break;
        case 'rooms':
          for (const id of term.ids) add(this.room(this.require(isMatrixRoomId(id) ? 'matrix' : 'teams'), id, references));
          break;
        case 'team':
        case 'group': {
          this.require('teams');
          const directory = this.deps.directories.teams;
          if (!directory) throw new PasserelleError('DIRECTORY_MISSING_TEAMS');
          const what = term.kind === 'team' ? `l’équipe ${term.id}` : `du groupe ${term.id}`;
          const members = await this.members(what, () => (term.kind === 'team' ? directory.teamMembers(term.id) : directory.groupMembers(term.id)));
          for (const member of members) {
            if (directory.installApp && !directs.has(`teams:${member.id}`)) toInstall.add(member.id);
            else user('teams', member.id);
          }
          break;
        }
        case 'room-members': {
          this.require('matrix');
          const directory = this.deps.directories.matrix;
          if (!directory) throw new PasserelleError('DIRECTORY_MISSING_MATRIX');
          const members = await this.members(`du salon ${term.roomId}`, async () => (await directory.joinedMembers(term.roomId)).map((id) => ({ id })));
          for (const member of members) if (member.id !== this.deps.directories.matrixBotUserId) user('matrix', member.id);
          break;
        }
        case 'announcement-rooms': {
          this.require('matrix');
          const rooms = await this.announcementRooms();
          const wanted = term.services === 'all' ? rooms : rooms.filter((room) => (term.services as string[]).includes(serviceKey(room.service)));
          const missing = term.services === 'all' ? [] : term.services.filter((service) => !rooms.some((room) => serviceKey(room.service) === service));
          if (missing.length > 0 || wanted.length === 0) {
            throw new PasserelleError('ANNOUNCE_ROOMS_UNKNOWN', { services: missing.join(', ') || 'tous', known: rooms.map((room) => serviceKey(room.service)).join(', ') || 'aucun' });
          }
          for (const room of wanted) add(announcementRoom(room));
          break;
        }
      }
    }
    await this.roomsForLargeAudience(terms, recipients, notes);
    if (toInstall.size > 0) for (const recipient of await this.install([...toInstall])) add(recipient);
    if (recipients.size === 0) throw new PasserelleError('AUDIENCE_EMPTY');
    if (recipients.size > this.deps.maxRecipients) {
      throw new PasserelleError('AUDIENCE_TOO_LARGE', { count: recipients.size, max: this.deps.maxRecipients });
    }
    return { recipients: [...recipients.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)), notes };
  }

  private async announcementRooms(): Promise<Array<{ roomId: string; service: string; members: string[] }>> {
    const directory = this.deps.directories.announcementRooms;
    if (!directory) throw new PasserelleError('ANNOUNCE_ROOMS_UNAVAILABLE', { why: 'canal Tchap non démarré ou aucune liste de membres (ANNOUNCE_ROOMS_FILE)' });
    try {
      return await directory.list();
    } catch (error) {
      throw new PasserelleError('DIRECTORY_FAILED', { what: 'des salons d’annonce' }, { cause: error });
    }
  }

  /**
   * A Tchap audience above `roomsAbove` direct chats goes through the announcement rooms: each room whose
   * members are all in the audience (any room, for `tous`) replaces their direct chats; the others keep theirs.
   */
  private async roomsForLargeAudience(terms: readonly AudienceTerm[], recipients: Map<string, NewRecipient>, notes: string[]): Promise<void> {
    const above = this.deps.roomsAbove;
    const direct = [...recipients.values()].filter((recipient) => recipient.channel === 'matrix' && recipient.kind === 'user' && recipient.status === 'pending');
    if (above === undefined || direct.length <= above || !this.deps.directories.announcementRooms) return;
    let rooms: Array<{ roomId: string; service: string; members: string[] }>;
    try {
      rooms = await this.announcementRooms();
    } catch {
      notes.push(say.roomsUnavailable(direct.length, above));
      return;
    }
    const audience = new Set(direct.map((recipient) => recipient.target));
    const everyone = terms.some((term) => term.kind === 'everyone');
    const covered = new Set<string>();
    let used = 0;
    let members = 0;
    for (const room of rooms) {
      const inAudience = room.members.filter((member) => audience.has(member));
      if (inAudience.length === 0 || (!everyone && inAudience.length < room.members.length)) continue;
      const recipient = announcementRoom(room);
      if (recipients.has(recipient.key)) continue;
      recipients.set(recipient.key, recipient);
      for (const member of inAudience) covered.add(member);
      used += 1;
      members += room.members.length;
    }
    for (const member of covered) recipients.delete(`matrix:user:${member}`);
    notes.push(used > 0 ? say.roomsInstead({ audience: direct.length, above, rooms: used, members, direct: direct.length - covered.size }) : say.noRoomCovers(direct.length, above));
  }

  /**
   * Proactive installation (Microsoft Graph) for Teams members the bot has no conversation with, then a wait
   * for Teams to open those conversations (its installationUpdate: the core stores the reference). Each
   * recipient says what happened: installed now, already installed, not reachable and why.
   */
  private async install(userIds: string[]): Promise<NewRecipient[]> {
    const directory = this.deps.directories.teams!;
    let report: Awaited<ReturnType<NonNullable<typeof directory.installApp>>>;
    try {
      report = await directory.installApp!(userIds);
    } catch (error) {
      throw new PasserelleError('DIRECTORY_FAILED', { what: 'l’équipe ou du groupe (installation de l’application Teams)' }, { cause: error });
    }
    const waiting = new Set([...report.installed, ...report.already]);
    const found = new Map<string, StoredReference>();
    const deadline = Date.now() + (this.deps.installWaitMs ?? 20_000);
    const sleep = this.deps.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
    while (waiting.size > 0) {
      for (const reference of await this.deps.state.listReferences({ channel: 'teams', activeOnly: true, directOnly: true })) {
        if (reference.userId && waiting.delete(reference.userId)) found.set(reference.userId, reference);
      }
      if (waiting.size === 0 || Date.now() >= deadline) break;
      await sleep(this.deps.installPollMs ?? 1_000);
    }
    const installedNow = new Set(report.installed);
    const recipients: NewRecipient[] = [];
    for (const id of [...report.installed, ...report.already]) {
      const reference = found.get(id);
      const base = { key: `teams:user:${id}`, channel: 'teams' as const, kind: 'user' as const, target: id };
      if (reference) {
        const pending = this.user('teams', id, reference);
        recipients.push(installedNow.has(id) ? { ...pending, reason: say.REASON_APP_INSTALLED_NOW } : pending);
      } else if (installedNow.has(id)) recipients.push({ ...base, status: 'failed', errorCode: 'installed-awaiting-conversation', reason: say.REASON_APP_INSTALLED_WAITING });
      else recipients.push({ ...base, status: 'failed', errorCode: 'already-installed-no-conversation', reason: say.REASON_APP_ALREADY_NO_CONVERSATION });
    }
    for (const failure of report.failed) {
      recipients.push({ key: `teams:user:${failure.id}`, channel: 'teams', kind: 'user', target: failure.id, status: 'failed', errorCode: 'install-failed', reason: say.reasonInstallFailed(failure.reason) });
    }
    return recipients;
  }

  private require(channel: AnnouncementChannel): AnnouncementChannel {
    if (!this.deps.channels.has(channel)) throw new PasserelleError('CHANNEL_DISABLED', { name: say.channelName(channel), channel });
    return channel;
  }

  private async members(what: string, list: () => Promise<DirectoryMember[]>): Promise<DirectoryMember[]> {
    try {
      return await list();
    } catch (error) {
      throw new PasserelleError('DIRECTORY_FAILED', { what }, { cause: error });
    }
  }

  private user(channel: AnnouncementChannel, userId: string, direct: StoredReference | undefined): NewRecipient {
    const base = { key: `${channel}:user:${userId}`, channel, kind: 'user' as const, target: userId };
    if (direct) {
      return { ...base, address: { key: direct.key, reference: direct.reference }, ...(direct.tenant ? { tenant: direct.tenant } : {}), status: 'pending' };
    }
    // A Tchap direct chat can be opened at send time (MatrixChannelAdapter.directRoomFor); a Teams one cannot.
    if (channel === 'matrix') return { ...base, status: 'pending' };
    return { ...base, status: 'failed', errorCode: 'no-conversation', reason: say.REASON_NO_TEAMS_CONVERSATION };
  }

  private room(channel: AnnouncementChannel, id: string, references: readonly StoredReference[]): NewRecipient {
    const base = { key: `${channel}:room:${id}`, channel, kind: 'room' as const, target: id };
    if (channel === 'matrix') return { ...base, address: { key: `matrix:${id}`, reference: { roomId: id, isDirect: false } }, status: 'pending' };
    const stored = references.find((reference) => reference.key === `teams:${id}`) ?? references.find((reference) => reference.key.startsWith(`teams:${id}${THREAD_MARKER}`));
    if (!stored) return { ...base, status: 'failed', errorCode: 'no-conversation', reason: say.REASON_NO_TEAMS_ROOM };
    return { ...base, address: { key: `teams:${id}`, reference: withoutThread(stored.reference, id) }, ...(stored.tenant ? { tenant: stored.tenant } : {}), status: 'pending' };
  }
}

/** A channel reference posting at the top of the channel (a new thread), not inside the thread it was stored from. */
function withoutThread(reference: unknown, conversationId: string): unknown {
  if (!reference || typeof reference !== 'object') return reference;
  const value = reference as { conversation?: Record<string, unknown> };
  return { ...value, conversation: { ...(value.conversation ?? {}), id: conversationId } };
}

/** One send to an announcement room reaches its members. */
function announcementRoom(room: { roomId: string; service: string; members: readonly string[] }): NewRecipient {
  return {
    key: `matrix:room:${room.roomId}`, channel: 'matrix', kind: 'room', target: room.roomId, members: room.members.length, status: 'pending',
    address: { key: `matrix:${room.roomId}`, reference: { roomId: room.roomId, isDirect: false } }, reason: say.roomRecipient(room.service, room.members.length),
  };
}

function withoutAddress(recipient: NewRecipient): NewRecipient {
  const { address: _address, ...rest } = recipient;
  return rest;
}
