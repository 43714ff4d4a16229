import { randomInt } from 'node:crypto';
import type { AnnouncementRecord, AnnouncementStore, NewRecipient, RecipientCounts, RecipientFilter, RecipientRecord } from '../../state/announcement-store.ts';
import { checkMarkdown, checkSchedule } from './announcement-input.ts';
import { parseAudience, type AudienceTerm } from './audience.ts';
import * as say from './messages.ts';
import { PasserelleError } from '../errors.ts';

/**
 * What admins can do with announcements, whatever the way in (chat, admin API, CLI through the API):
 * prepare (validate, resolve the audience, store a draft and its recipients: the preview), confirm (send
 * now, or schedule), submit (both at once: the API), cancel, report. Nothing is enqueued before
 * confirmation; every state change is a compare-and-set in the store, so two admins confirming or
 * cancelling at once cannot both win.
 */

export interface AnnouncementRequest {
  to: string;
  markdown: unknown;
  at?: unknown;
  createdBy: string;
  origin: AnnouncementRecord['origin'];
  notify?: AnnouncementRecord['notify'];
  /** Who signs it (shown under the "Annonce" header); default: the Passerelle team. */
  sender?: string;
}

export interface Prepared {
  announcement: AnnouncementRecord;
  perChannel: say.PreviewFigures['perChannel'];
  /** Recipients that will be sent to (not counting those already known unreachable). */
  reachable: number;
  /** How the audience will be reached, for the administrator (French): announcement rooms instead of direct chats. */
  notes: string[];
}

export interface AnnouncementReport {
  announcement: AnnouncementRecord;
  counts: RecipientCounts;
  /** First failures (failed and blocked), in key order. */
  failures: RecipientRecord[];
}

export interface AnnouncementServiceDeps {
  store: AnnouncementStore;
  resolver: { resolve(terms: readonly AudienceTerm[]): Promise<NewRecipient[]>; resolveAudience?(terms: readonly AudienceTerm[]): Promise<{ recipients: NewRecipient[]; notes: string[] }> };
  /** Starts enqueuing (in the background) the jobs of an announcement that has just moved to 'sending'. */
  fanout: { kick(announcementId: string): void };
  maxChars: number;
  /** A preview not confirmed within this delay must be prepared again. */
  draftTtlMs: number;
  now?: () => Date;
}

const ID_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';

export class AnnouncementService {
  private readonly now: () => Date;

  constructor(private readonly deps: AnnouncementServiceDeps) {
    this.now = deps.now ?? (() => new Date());
  }

  /** Validates and stores a draft with its recipients; nothing is sent. */
  async prepare(request: AnnouncementRequest): Promise<Prepared> {
    const now = this.now();
    const markdown = checkMarkdown(request.markdown, this.deps.maxChars);
    const scheduledAt = checkSchedule(request.at, now);
    const terms = parseAudience(request.to);
    const { recipients, notes } = this.deps.resolver.resolveAudience ? await this.deps.resolver.resolveAudience(terms) : { recipients: await this.deps.resolver.resolve(terms), notes: [] };
    const announcement: AnnouncementRecord = {
      id: '',
      audience: request.to.trim(),
      markdown,
      createdBy: request.createdBy,
      origin: request.origin,
      createdAt: now.toISOString(),
      ...(scheduledAt ? { scheduledAt } : {}),
      status: 'draft',
      ...(request.notify ? { notify: request.notify } : {}),
      ...(request.sender?.trim() ? { sender: request.sender.trim().slice(0, 200) } : {}),
    };
    const stored = await this.insert(announcement, recipients);
    const perChannel = perChannelOf(recipients);
    return { announcement: stored, perChannel, reachable: perChannel.reduce((sum, entry) => sum + entry.reachable, 0), notes };
  }

  /** How many recipients an audience has per channel, without storing anything (the console's live counts). */
  async count(to: string): Promise<Prepared['perChannel']> {
    const recipients = await this.deps.resolver.resolve(parseAudience(to));
    return perChannelOf(recipients);
  }

  /** The newest announcements first. */
  async list(limit: number): Promise<AnnouncementRecord[]> {
    return (await this.deps.store.listAnnouncements()).reverse().slice(0, limit);
  }

  /**
   * draft → scheduled (future date) or sending (jobs enqueued from now on, in the background). With
   * `deferStart`, the caller starts the sending itself (`start`) once it has said so: an admin who is also a
   * recipient is told "en cours d'envoi" before receiving it. (Should the process stop in between, the
   * fan-out picks the announcement up at its next start.)
   */
  async confirm(id: string, options: { deferStart?: boolean } = {}): Promise<AnnouncementRecord> {
    const { store } = this.deps;
    const announcement = await this.get(id);
    if (announcement.status !== 'draft') throw new PasserelleError('ANNOUNCEMENT_NOT_DRAFT', { id: announcement.id, status: say.STATUS_LABELS[announcement.status] });
    const now = this.now();
    if (Date.parse(announcement.createdAt) + this.deps.draftTtlMs < now.getTime()) throw new PasserelleError('DRAFT_EXPIRED');
    const later = announcement.scheduledAt !== undefined && Date.parse(announcement.scheduledAt) > now.getTime();
    if (!(await store.transition(announcement.id, ['draft'], later ? 'scheduled' : 'sending', now.toISOString()))) {
      const current = await this.get(id);
      throw new PasserelleError('ANNOUNCEMENT_NOT_DRAFT', { id: current.id, status: say.STATUS_LABELS[current.status] });
    }
    if (!later && !options.deferStart) this.deps.fanout.kick(announcement.id);
    return this.get(announcement.id);
  }

  /** Starts sending an announcement confirmed with `deferStart`. */
  start(id: string): void {
    this.deps.fanout.kick(id);
  }

  /** prepare + confirm: the admin API and the CLI, where the request itself is the confirmation. */
  async submit(request: AnnouncementRequest): Promise<Prepared> {
    const prepared = await this.prepare(request);
    return { ...prepared, announcement: await this.confirm(prepared.announcement.id) };
  }

  /**
   * Cancels a draft or a scheduled announcement; on one being sent, stops what has not left yet (messages
   * already sent stay sent). Returns the announcement and how many recipients were spared.
   */
  async cancel(id: string): Promise<{ announcement: AnnouncementRecord; cancelledRecipients: number; previousStatus: AnnouncementRecord['status'] }> {
    const { store } = this.deps;
    const announcement = await this.get(id);
    const at = this.now().toISOString();
    if (!(await store.transition(announcement.id, ['draft', 'scheduled', 'sending'], 'cancelled', at))) {
      const current = await this.get(id);
      throw new PasserelleError('ANNOUNCEMENT_NOT_CANCELLABLE', { id: current.id, status: say.STATUS_LABELS[current.status] });
    }
    const cancelledRecipients = await store.cancelPending(announcement.id, at, say.REASON_CANCELLED);
    return { announcement: await this.get(announcement.id), cancelledRecipients, previousStatus: announcement.status };
  }

  async report(id: string, failureLimit = 20): Promise<AnnouncementReport> {
    const announcement = await this.get(id);
    const [counts, failures] = await Promise.all([
      this.deps.store.countRecipients(announcement.id),
      this.deps.store.listRecipients(announcement.id, { statuses: ['failed', 'blocked'], limit: failureLimit }),
    ]);
    return { announcement, counts, failures };
  }

  /** One page of recipients, in key order (admin API). */
  async recipientsPage(id: string, filter: RecipientFilter): Promise<RecipientRecord[]> {
    const announcement = await this.get(id);
    return this.deps.store.listRecipients(announcement.id, filter);
  }

  /** Every recipient, in key order, page by page (CSV export). */
  async *recipients(id: string, pageSize = 1_000): AsyncGenerator<RecipientRecord> {
    const announcement = await this.get(id);
    for (let after: string | undefined; ; ) {
      const page = await this.deps.store.listRecipients(announcement.id, { limit: pageSize, ...(after ? { afterKey: after } : {}) });
      yield* page;
      if (page.length < pageSize) return;
      after = page.at(-1)?.key;
    }
  }

  /** The announcement, ids being case-insensitive; refuses an unknown one. */
  async get(id: string): Promise<AnnouncementRecord> {
    const normalised = id.trim().toUpperCase();
    const announcement = /^[A-Z0-9]{1,32}$/.test(normalised) ? await this.deps.store.getAnnouncement(normalised) : undefined;
    if (!announcement) throw new PasserelleError('ANNOUNCEMENT_NOT_FOUND', { id: id.trim().slice(0, 40) });
    return announcement;
  }

  private async insert(announcement: AnnouncementRecord, recipients: NewRecipient[]): Promise<AnnouncementRecord> {
    for (let attempt = 1; ; attempt++) {
      const record = { ...announcement, id: newId() };
      try {
        await this.deps.store.createAnnouncement(record, recipients);
        return record;
      } catch (error) {
        // Ids are random (40 bits): a collision is retried; any other failure is the store's.
        if (attempt >= 3 || !(await this.deps.store.getAnnouncement(record.id))) throw error;
      }
    }
  }
}

function perChannelOf(recipients: readonly NewRecipient[]): Prepared['perChannel'] {
  return (['teams', 'matrix'] as const)
    .map((channel) => {
      const mine = recipients.filter((recipient) => recipient.channel === channel);
      const pending = mine.filter((recipient) => recipient.status === 'pending');
      const rooms = pending.filter((recipient) => recipient.members !== undefined);
      const members = rooms.reduce((sum, recipient) => sum + (recipient.members ?? 0), 0);
      return { channel, reachable: pending.length, unreachable: mine.length - pending.length, ...(rooms.length ? { rooms: rooms.length, members } : {}) };
    })
    .filter((entry) => entry.reachable + entry.unreachable > 0);
}

function newId(): string {
  return Array.from({ length: 8 }, () => ID_ALPHABET[randomInt(ID_ALPHABET.length)]).join('');
}
