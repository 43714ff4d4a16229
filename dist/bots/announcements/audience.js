import { foldText } from "../../knowledge/analysis/normalise.js";
import { PasserelleError } from "../errors.js";
const KEYWORDS = {
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
};
const MAX_AUDIENCE_CHARS = 20_000;
const MATRIX_USER = /^@[^:\s]+:\S+$/;
const MATRIX_ROOM = /^![^:\s]+:\S+$/;
export function isMatrixUserId(id) {
    return MATRIX_USER.test(id);
}
export function isMatrixRoomId(id) {
    return MATRIX_ROOM.test(id);
}
/** Parses an audience; throws a refusal (AUDIENCE_MISSING, AUDIENCE_UNKNOWN and its kin) on anything else. */
export function parseAudience(text) {
    const trimmed = text.trim();
    if (!trimmed)
        throw new PasserelleError('AUDIENCE_MISSING');
    if (trimmed.length > MAX_AUDIENCE_CHARS)
        throw new PasserelleError('AUDIENCE_TEXT_TOO_LONG', { max: MAX_AUDIENCE_CHARS });
    const terms = [];
    for (const token of trimmed.split(/[\s;+]+/).filter(Boolean)) {
        const colon = token.indexOf(':');
        const keyword = foldText(colon < 0 ? token : token.slice(0, colon));
        const kind = KEYWORDS[keyword];
        const value = colon < 0 ? '' : token.slice(colon + 1);
        const ids = [...new Set(value.split(',').map((id) => id.trim()).filter(Boolean))];
        if (!kind)
            throw unknown(token);
        if (kind === 'everyone') {
            if (value)
                throw unknown(token);
            terms.push({ kind });
            continue;
        }
        if (ids.length === 0)
            throw new PasserelleError('AUDIENCE_IDS_MISSING', { token, keyword });
        if (kind === 'users' || kind === 'rooms')
            terms.push({ kind, ids });
        else if (ids.length > 1)
            throw new PasserelleError('AUDIENCE_ONE_ID', { keyword });
        else if (kind === 'room-members') {
            if (!isMatrixRoomId(ids[0]))
                throw new PasserelleError('AUDIENCE_ROOM_EXPECTED', { token });
            terms.push({ kind, roomId: ids[0] });
        }
        else
            terms.push({ kind, id: ids[0] });
    }
    return terms;
}
function unknown(token) {
    return new PasserelleError('AUDIENCE_UNKNOWN', { token });
}
