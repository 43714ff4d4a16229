import type { AnnouncementRecord, RecipientRecord } from './announcement-store.ts';
import type { StoredReference } from '../bots/message.ts';
import type { AnswerRecord, AuditRecord, ConversationTurn, FeedbackRecord, RateSlot, RoomSettingsRecord, SyncRunRecord, UnansweredRecord } from './state-store.ts';

/**
 * How the records of the state and announcement ports are stored, written once for both databases: each
 * record type has a spec (field → kind), columns are the fields in snake_case, and a dialect says how a
 * kind travels (SQLite: epoch milliseconds, 0/1, JSON text; PostgreSQL: timestamptz, boolean, jsonb).
 * `?` kinds are optional fields: a NULL column is an absent property, never `undefined`.
 */

export type Kind = 'text' | 'text?' | 'json' | 'json?' | 'num' | 'num?' | 'bool' | 'time' | 'time?';
export type Spec<T> = { [K in keyof Required<T>]: Kind };

// `satisfies` makes the compiler reject a spec that misses or invents a field of the ports' types.
export const REFERENCE = { key: 'text', channel: 'text', reference: 'json', userId: 'text?', tenant: 'text?', isDirect: 'bool', active: 'bool', inactiveReason: 'text?', updatedAt: 'time' } satisfies Spec<StoredReference>;
export const TURN = { role: 'text', text: 'text', kb: 'text?', citedIds: 'json?', at: 'time' } satisfies Spec<ConversationTurn>;
export const ANSWER = { messageId: 'text', channel: 'text', conversationKey: 'text', question: 'text', answer: 'text', kb: 'text?', citedIds: 'json', at: 'time' } satisfies Spec<AnswerRecord>;
export const FEEDBACK = { channel: 'text', messageId: 'text', userHash: 'text', rating: 'num', comment: 'text?', reason: 'text?', question: 'text?', answer: 'text?', citedIds: 'json', kb: 'text?', at: 'time' } satisfies Spec<FeedbackRecord>;
export const UNANSWERED = { channel: 'text', userHash: 'text', question: 'text', kb: 'text?', reason: 'text', nearestIds: 'json', at: 'time' } satisfies Spec<UnansweredRecord>;
export const AUDIT = { channel: 'text', userHash: 'text', kind: 'text', kb: 'text?', citedIds: 'json', model: 'text?', inputTokens: 'num', outputTokens: 'num', energyWh: 'num', latencyMs: 'num', abstained: 'bool', at: 'time' } satisfies Spec<AuditRecord>;
export const RATE_SLOT = { id: 'text', userKey: 'text', at: 'time', message: 'json?' } satisfies Spec<RateSlot>;
export const ROOM_SETTINGS = { roomKey: 'text', channel: 'text', settings: 'json', updatedBy: 'text', updatedAt: 'time' } satisfies Spec<RoomSettingsRecord>;
export const SYNC_RUN = {
  id: 'text', schedule: 'text', source: 'text', bases: 'json', status: 'text', attempt: 'num', retryAt: 'time?', startedAt: 'time', finishedAt: 'time', reports: 'json', errors: 'json',
} satisfies Spec<SyncRunRecord>;
export const ANNOUNCEMENT = {
  id: 'text', audience: 'text', markdown: 'text', createdBy: 'text', origin: 'text', createdAt: 'time', scheduledAt: 'time?', status: 'text',
  confirmedAt: 'time?', startedAt: 'time?', finishedAt: 'time?', notify: 'json?', sender: 'text?',
} satisfies Spec<AnnouncementRecord>;
export const RECIPIENT = {
  announcementId: 'text', key: 'text', channel: 'text', kind: 'text', target: 'text', address: 'json?', tenant: 'text?', status: 'text', attempts: 'num',
  errorCode: 'text?', reason: 'text?', messageId: 'text?', claimedBy: 'text?', updatedAt: 'time', members: 'num?',
} satisfies Spec<RecipientRecord>;

/** A parameter value; `P` is what the database's driver accepts. */
type Scalar = string | number | boolean | null;

/** How one database stores the kinds that need converting; text and numbers travel as they are. */
export interface Dialect<P extends Scalar = Scalar> {
  /** Placeholder of the `index`-th parameter (1-based): `?` or `$1`. */
  placeholder(index: number): string;
  encodeTime(iso: string): P;
  decodeTime(value: unknown): string;
  encodeBool(value: boolean): P;
  decodeBool(value: unknown): boolean;
  /** JSON goes as text to both (PostgreSQL types the parameter jsonb from the column). */
  decodeJson(value: unknown): unknown;
}

export const SQLITE: Dialect<string | number | null> = {
  placeholder: () => '?',
  encodeTime: (iso) => toMillis(iso),
  decodeTime: (value) => new Date(Number(value)).toISOString(),
  encodeBool: (value) => (value ? 1 : 0),
  decodeBool: (value) => Number(value) === 1,
  decodeJson: (value) => JSON.parse(String(value)),
};

/** pg parses jsonb, booleans and float8 itself; timestamptz comes back as a Date. */
export const POSTGRES: Dialect<string | number | boolean | null> = {
  placeholder: (index) => `$${index}`,
  encodeTime: (iso) => new Date(toMillis(iso)).toISOString(),
  decodeTime: (value) => (value instanceof Date ? value : new Date(String(value))).toISOString(),
  encodeBool: (value) => value,
  decodeBool: (value) => value === true,
  decodeJson: (value) => value,
};

export function column(field: string): string {
  return field.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);
}

/** `INSERT` of `extra` columns then the spec's columns, in `encode` order; an upsert when `conflict` is given. */
export function insertSql(dialect: Pick<Dialect, 'placeholder'>, table: string, spec: Record<string, Kind>, extra: string[] = [], conflict?: string[]): string {
  const columns = [...extra, ...Object.keys(spec).map(column)];
  const insert = `INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns.map((_, i) => dialect.placeholder(i + 1)).join(', ')})`;
  if (!conflict) return insert;
  const updates = columns.filter((name) => !conflict.includes(name)).map((name) => `${name} = excluded.${name}`);
  return `${insert} ON CONFLICT (${conflict.join(', ')}) DO UPDATE SET ${updates.join(', ')}`;
}

/** Parameters for `insertSql`, in the spec's order. */
export function encode<T extends object, P extends Scalar>(dialect: Dialect<P>, spec: Spec<T>, record: T): P[] {
  return Object.entries(spec).map(([field, kind]) => {
    const value = (record as Record<string, unknown>)[field];
    if (value === undefined && (kind as Kind).endsWith('?')) return null as P;
    switch (kind as Kind) {
      case 'json':
      case 'json?':
        return JSON.stringify(value ?? null) as P;
      case 'bool':
        return dialect.encodeBool(Boolean(value));
      case 'time':
      case 'time?':
        return dialect.encodeTime(String(value));
      case 'num':
      case 'num?':
        return Number(value) as P;
      default:
        return (value == null ? null : String(value)) as P;
    }
  });
}

/** Inverse of `encode`; a NULL optional column leaves the property absent. */
export function decode<T>(dialect: Pick<Dialect, 'decodeTime' | 'decodeBool' | 'decodeJson'>, spec: Record<string, Kind>, row: Record<string, unknown>): T {
  const record: Record<string, unknown> = {};
  for (const [field, kind] of Object.entries(spec)) {
    const value = row[column(field)];
    if (value == null && kind.endsWith('?')) continue;
    if (kind === 'json' || kind === 'json?') record[field] = dialect.decodeJson(value);
    else if (kind === 'bool') record[field] = dialect.decodeBool(value);
    else if (kind === 'time' || kind === 'time?') record[field] = dialect.decodeTime(value);
    else if (kind === 'num' || kind === 'num?') record[field] = Number(value);
    else record[field] = String(value);
  }
  return record as T;
}

/** Epoch milliseconds of an ISO timestamp; throws on an unparsable one rather than storing garbage. */
export function toMillis(iso: string): number {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) throw new RangeError(`Invalid ISO timestamp: ${JSON.stringify(iso)}`);
  return ms;
}

/** A row limit: a non-negative integer, or `none` (SQLite -1, PostgreSQL NULL) when there is no limit. */
export function sqlLimit<N>(limit: number | undefined, none: N): number | N {
  return limit === undefined || !Number.isFinite(limit) ? none : Math.max(0, Math.floor(limit));
}
