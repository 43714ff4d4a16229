import { foldText } from '../../knowledge/analysis/normalise.ts';
import { PasserelleError } from '../errors.ts';

/**
 * The audience syntax (documented in bots/announcements/README.md). Terms are separated by spaces, `;`
 * or `+`; keywords ignore case and accents, ids are kept as typed:
 *
 *   tous                         every direct chat the bot knows (Teams personal chats, Tchap direct chats)
 *   utilisateurs:<id>,<id>…      users: `@nom:serveur` → Tchap, anything else → Teams (Entra object id)
 *   salons:<id>,<id>…            rooms: `!id:serveur` → Tchap room, anything else → Teams conversation id
 *   equipe:<teamId>              members of a Teams team (Microsoft Graph)
 *   groupe:<groupId>             members of an Entra group (Microsoft Graph)
 *   membres:<!salon:serveur>     members of a Tchap room, each in a direct chat
 *   annonces:<service>,…         Tchap announcement rooms of these services (`annonces:tous`: every one),
 *                                one message per room (bots/announcements/announcement-rooms.ts)
 */
export type AudienceTerm =
  | { kind: 'everyone' }
  | { kind: 'users'; ids: string[] }
  | { kind: 'rooms'; ids: string[] }
  | { kind: 'team'; id: string }
  | { kind: 'group'; id: string }
  | { kind: 'room-members'; roomId: string }
  /** Service keys (`serviceKey`), or every announcement room. */
  | { kind: 'announcement-rooms'; services: string[] | 'all' };

const KEYWORDS: Record<string, AudienceTerm['kind']> = {
  tous: 'everyone',
  toutes: 'everyone',
  everyone: 'everyone',
  all: 'everyone',
  utilisateurs: 'users',
  utilisateur: 'users',
  users: 'users',
  salons: 'rooms',
  salon: 'rooms',
  conversations: 'rooms',
  rooms: 'rooms',
  equipe: 'team',
  team: 'team',
  groupe: 'group',
  group: 'group',
  membres: 'room-members',
  members: 'room-members',
  annonces: 'announcement-rooms',
  'salons-annonce': 'announcement-rooms',
  'salons-d-annonce': 'announcement-rooms',
  diffusion: 'announcement-rooms',
};

const MAX_AUDIENCE_CHARS = 20_000;
const MATRIX_USER = /^@[^:\s]+:\S+$/;
const MATRIX_ROOM = /^![^:\s]+:\S+$/;

export function isMatrixUserId(id: string): boolean {
  return MATRIX_USER.test(id);
}

/** The key a service's announcement room is found by in audiences: case, accents, spaces and punctuation ignored. */
export function serviceKey(service: string): string {
  return foldText(service).replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
}

export function isMatrixRoomId(id: string): boolean {
  return MATRIX_ROOM.test(id);
}

/** Parses an audience; throws a refusal (AUDIENCE_MISSING, AUDIENCE_UNKNOWN and its kin) on anything else. */
export function parseAudience(text: string): AudienceTerm[] {
  const trimmed = text.trim();
  if (!trimmed) throw new PasserelleError('AUDIENCE_MISSING');
  if (trimmed.length > MAX_AUDIENCE_CHARS) throw new PasserelleError('AUDIENCE_TEXT_TOO_LONG', { max: MAX_AUDIENCE_CHARS });
  const terms: AudienceTerm[] = [];
  for (const token of trimmed.split(/[\s;+]+/).filter(Boolean)) {
    const colon = token.indexOf(':');
    const keyword = foldText(colon < 0 ? token : token.slice(0, colon));
    const kind = KEYWORDS[keyword];
    const value = colon < 0 ? '' : token.slice(colon + 1);
    const ids = [...new Set(value.split(',').map((id) => id.trim()).filter(Boolean))];
    if (!kind) throw unknown(token);
    if (kind === 'everyone') {
      if (value) throw unknown(token);
      terms.push({ kind });
      continue;
    }
    if (ids.length === 0) throw new PasserelleError('AUDIENCE_IDS_MISSING', { token, keyword });
    if (kind === 'announcement-rooms') {
      const services = ids.map(serviceKey);
      terms.push({ kind, services: services.some((service) => service === 'tous' || service === 'toutes') ? 'all' : services });
      continue;
    }
    if (kind === 'users' || kind === 'rooms') terms.push({ kind, ids });
    else if (ids.length > 1) throw new PasserelleError('AUDIENCE_ONE_ID', { keyword });
    else if (kind === 'room-members') {
      if (!isMatrixRoomId(ids[0]!)) throw new PasserelleError('AUDIENCE_ROOM_EXPECTED', { token });
      terms.push({ kind, roomId: ids[0]! });
    } else terms.push({ kind, id: ids[0]! });
  }
  return terms;
}

function unknown(token: string): PasserelleError {
  return new PasserelleError('AUDIENCE_UNKNOWN', { token });
}
