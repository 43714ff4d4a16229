import type { ConversationAddress } from '../bots/message.ts';
import type { ChannelName } from './../bots/message.ts';

/**
 * The announcement store port: admin announcements and, for each one, its recipients with their delivery
 * status. It is the source of truth of the fan-out (bots/announcements): a recipient row is the durable
 * record of "one message to one person or room", and its status moves only forward, each move a single
 * compare-and-set statement:
 *
 *   pending ──claim──▶ sending ──finish──▶ sent | failed | blocked
 *      ▲                  │
 *      └──finish(pending)─┘   (a transient failure: tried again later)
 *   pending ──cancelPending──▶ cancelled
 *
 * Two implementations share one contract suite (test/contract/announcement-store.contract.ts): SQLite
 * (embedded default, the state file of the data directory) and PostgreSQL (production).
 */

/** draft: previewed, waiting for confirmation; scheduled: confirmed, waiting for `scheduledAt`. */
export type AnnouncementStatus = 'draft' | 'scheduled' | 'sending' | 'completed' | 'cancelled';
export type RecipientStatus = 'pending' | 'sending' | 'sent' | 'failed' | 'blocked' | 'cancelled';
export type AnnouncementChannel = Exclude<ChannelName, 'local'>;

export interface AnnouncementRecord {
  /** Short, typable id (8 characters, upper case): `annonce confirmer K7Q2ZPXM`. */
  id: string;
  /** The audience as the admin wrote it (`tous`, `equipe:…`). */
  audience: string;
  markdown: string;
  /** Pseudonymised admin (chat) or `api`. */
  createdBy: string;
  origin: 'chat' | 'api' | 'cli';
  createdAt: string;
  /** Sending starts at this time (ISO); absent: as soon as confirmed. */
  scheduledAt?: string;
  status: AnnouncementStatus;
  confirmedAt?: string;
  /** When the fan-out started. */
  startedAt?: string;
  /** When it completed or was cancelled. */
  finishedAt?: string;
  /** Conversation told when sending is over (announcements made in chat). */
  notify?: { channel: ChannelName; address: ConversationAddress };
  /** Who signs it, shown under the "Annonce" header (the admin's display name in chat; `from` of the API). */
  sender?: string;
}

export interface RecipientRecord {
  announcementId: string;
  /** Unique within the announcement: `teams:user:<id>`, `matrix:room:<id>`… */
  key: string;
  channel: AnnouncementChannel;
  kind: 'user' | 'room';
  /** The user or room id, for reports. */
  target: string;
  /** Where to send, when known at creation (Matrix users may be resolved at send time). */
  address?: ConversationAddress;
  /** Teams tenant, for the per-tenant rate limit. */
  tenant?: string;
  /** An announcement room (Tchap): its members when the audience was resolved, reached by one send. */
  members?: number;
  status: RecipientStatus;
  /** Sends started (claims). */
  attempts: number;
  /** Machine-readable cause of the last failure ('blocked', 'no-conversation', 'interrupted'…). */
  errorCode?: string;
  /** French explanation of the last failure, for the report. */
  reason?: string;
  /** Channel id of the message once sent. */
  messageId?: string;
  /** Consumer instance that claimed the row (a row left in 'sending' by another instance was interrupted). */
  claimedBy?: string;
  updatedAt: string;
}

/** A recipient as created: pending, or already final (e.g. failed: no conversation with the bot). */
export type NewRecipient = Omit<RecipientRecord, 'attempts' | 'claimedBy' | 'messageId' | 'updatedAt' | 'announcementId'>;

export interface RecipientCounts {
  /** Announcement rooms sent to, and their members (reached by one message per room). */
  roomsSent: number;
  membersReached: number;
  total: number;
  pending: number;
  sending: number;
  sent: number;
  failed: number;
  blocked: number;
  cancelled: number;
}

/** How a send ended; `pending` puts the recipient back in line (transient failure). */
export type RecipientOutcome =
  | { status: 'sent'; messageId: string }
  | { status: 'failed' | 'blocked' | 'pending'; errorCode: string; reason: string };

export interface AnnouncementFilter {
  statuses?: readonly AnnouncementStatus[];
  /** Only announcements whose scheduledAt is at or before this time (ISO). */
  scheduledBefore?: string;
  limit?: number;
}

export interface RecipientFilter {
  statuses?: readonly RecipientStatus[];
  /** Keyset pagination: only keys after this one (recipients come in key order). */
  afterKey?: string;
  limit?: number;
}

export interface AnnouncementStore {
  /** Stores an announcement and all its recipients atomically. Rejects when the id exists. */
  createAnnouncement(announcement: AnnouncementRecord, recipients: readonly NewRecipient[]): Promise<void>;
  getAnnouncement(id: string): Promise<AnnouncementRecord | undefined>;
  /**
   * Moves the announcement to `to` if its status is one of `from` (compare-and-set); false otherwise.
   * Sets confirmedAt (first move to scheduled/sending), startedAt (to sending), finishedAt (to
   * completed/cancelled) to `at`.
   */
  transition(id: string, from: readonly AnnouncementStatus[], to: AnnouncementStatus, at: string): Promise<boolean>;
  /** Oldest first. */
  listAnnouncements(filter?: AnnouncementFilter): Promise<AnnouncementRecord[]>;

  getRecipient(announcementId: string, key: string): Promise<RecipientRecord | undefined>;
  /** In key order. */
  listRecipients(announcementId: string, filter?: RecipientFilter): Promise<RecipientRecord[]>;
  countRecipients(announcementId: string): Promise<RecipientCounts>;
  /** Whether some recipient is still pending or sending. */
  hasUnfinished(announcementId: string): Promise<boolean>;
  /**
   * pending → sending, attempts + 1, claimedBy = owner: the one statement that lets a send start. Returns
   * the claimed row, or undefined when the recipient was not pending (already claimed, finished, cancelled).
   */
  claimRecipient(announcementId: string, key: string, owner: string, at: string): Promise<RecipientRecord | undefined>;
  /**
   * sending → the outcome's status (only from 'sending', and only if claimed by `owner` when given).
   * False when the row was not in that state (someone else resolved it).
   */
  finishRecipient(announcementId: string, key: string, outcome: RecipientOutcome, at: string, owner?: string): Promise<boolean>;
  /** pending → cancelled for every pending recipient, with `reason` for the report; returns how many. */
  cancelPending(announcementId: string, at: string, reason: string): Promise<number>;

  close(): Promise<void>;
}

const COUNTED: ReadonlyArray<Exclude<keyof RecipientCounts, 'total' | 'roomsSent' | 'membersReached'>> = ['pending', 'sending', 'sent', 'failed', 'blocked', 'cancelled'];

/** Counts by status from rows (status, n, announcement rooms among them, their members), every status present. */
export function countsOf(rows: Iterable<Record<string, unknown>>): RecipientCounts {
  const counts: RecipientCounts = { total: 0, pending: 0, sending: 0, sent: 0, failed: 0, blocked: 0, cancelled: 0, roomsSent: 0, membersReached: 0 };
  for (const row of rows) {
    const n = Number(row.n);
    const known = COUNTED.find((name) => name === String(row.status));
    if (known) counts[known] += n;
    if (known === 'sent') {
      counts.roomsSent += Number(row.rooms ?? 0);
      counts.membersReached += Number(row.members ?? 0);
    }
    counts.total += n;
  }
  return counts;
}
