// `satisfies` makes the compiler reject a spec that misses or invents a field of the ports' types.
export const REFERENCE = { key: 'text', channel: 'text', reference: 'json', userId: 'text?', tenant: 'text?', isDirect: 'bool', active: 'bool', inactiveReason: 'text?', updatedAt: 'time' };
export const TURN = { role: 'text', text: 'text', kb: 'text?', citedIds: 'json?', at: 'time' };
export const ANSWER = { messageId: 'text', channel: 'text', conversationKey: 'text', question: 'text', answer: 'text', kb: 'text?', citedIds: 'json', at: 'time' };
export const FEEDBACK = { channel: 'text', messageId: 'text', userHash: 'text', rating: 'num', comment: 'text?', question: 'text?', answer: 'text?', citedIds: 'json', kb: 'text?', at: 'time' };
export const UNANSWERED = { channel: 'text', userHash: 'text', question: 'text', kb: 'text?', reason: 'text', nearestIds: 'json', at: 'time' };
export const AUDIT = { channel: 'text', userHash: 'text', kind: 'text', kb: 'text?', citedIds: 'json', model: 'text?', inputTokens: 'num', outputTokens: 'num', energyWh: 'num', latencyMs: 'num', abstained: 'bool', at: 'time' };
export const ANNOUNCEMENT = {
    id: 'text', audience: 'text', markdown: 'text', createdBy: 'text', origin: 'text', createdAt: 'time', scheduledAt: 'time?', status: 'text',
    confirmedAt: 'time?', startedAt: 'time?', finishedAt: 'time?', notify: 'json?',
};
export const RECIPIENT = {
    announcementId: 'text', key: 'text', channel: 'text', kind: 'text', target: 'text', address: 'json?', tenant: 'text?', status: 'text', attempts: 'num',
    errorCode: 'text?', reason: 'text?', messageId: 'text?', claimedBy: 'text?', updatedAt: 'time',
};
export const SQLITE = {
    placeholder: () => '?',
    encodeTime: (iso) => toMillis(iso),
    decodeTime: (value) => new Date(Number(value)).toISOString(),
    encodeBool: (value) => (value ? 1 : 0),
    decodeBool: (value) => Number(value) === 1,
    decodeJson: (value) => JSON.parse(String(value)),
};
/** pg parses jsonb, booleans and float8 itself; timestamptz comes back as a Date. */
export const POSTGRES = {
    placeholder: (index) => `$${index}`,
    encodeTime: (iso) => new Date(toMillis(iso)).toISOString(),
    decodeTime: (value) => (value instanceof Date ? value : new Date(String(value))).toISOString(),
    encodeBool: (value) => value,
    decodeBool: (value) => value === true,
    decodeJson: (value) => value,
};
export function column(field) {
    return field.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);
}
/** `INSERT` of `extra` columns then the spec's columns, in `encode` order; an upsert when `conflict` is given. */
export function insertSql(dialect, table, spec, extra = [], conflict) {
    const columns = [...extra, ...Object.keys(spec).map(column)];
    const insert = `INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns.map((_, i) => dialect.placeholder(i + 1)).join(', ')})`;
    if (!conflict)
        return insert;
    const updates = columns.filter((name) => !conflict.includes(name)).map((name) => `${name} = excluded.${name}`);
    return `${insert} ON CONFLICT (${conflict.join(', ')}) DO UPDATE SET ${updates.join(', ')}`;
}
/** Parameters for `insertSql`, in the spec's order. */
export function encode(dialect, spec, record) {
    return Object.entries(spec).map(([field, kind]) => {
        const value = record[field];
        if (value === undefined && kind.endsWith('?'))
            return null;
        switch (kind) {
            case 'json':
            case 'json?':
                return JSON.stringify(value ?? null);
            case 'bool':
                return dialect.encodeBool(Boolean(value));
            case 'time':
            case 'time?':
                return dialect.encodeTime(String(value));
            case 'num':
                return Number(value);
            default:
                return (value == null ? null : String(value));
        }
    });
}
/** Inverse of `encode`; a NULL optional column leaves the property absent. */
export function decode(dialect, spec, row) {
    const record = {};
    for (const [field, kind] of Object.entries(spec)) {
        const value = row[column(field)];
        if (value == null && kind.endsWith('?'))
            continue;
        if (kind === 'json' || kind === 'json?')
            record[field] = dialect.decodeJson(value);
        else if (kind === 'bool')
            record[field] = dialect.decodeBool(value);
        else if (kind === 'time' || kind === 'time?')
            record[field] = dialect.decodeTime(value);
        else if (kind === 'num')
            record[field] = Number(value);
        else
            record[field] = String(value);
    }
    return record;
}
/** Epoch milliseconds of an ISO timestamp; throws on an unparsable one rather than storing garbage. */
export function toMillis(iso) {
    const ms = Date.parse(iso);
    if (Number.isNaN(ms))
        throw new RangeError(`Invalid ISO timestamp: ${JSON.stringify(iso)}`);
    return ms;
}
/** A row limit: a non-negative integer, or `none` (SQLite -1, PostgreSQL NULL) when there is no limit. */
export function sqlLimit(limit, none) {
    return limit === undefined || !Number.isFinite(limit) ? none : Math.max(0, Math.floor(limit));
}
