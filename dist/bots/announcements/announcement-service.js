import { randomInt } from 'node:crypto';
import { checkMarkdown, checkSchedule } from "./announcement-input.js";
import { parseAudience } from "./audience.js";
import * as say from "./messages.js";
import { PasserelleError } from "../errors.js";
const ID_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
export class AnnouncementService {
    deps;
    now;
    constructor(deps) {
        this.deps = deps;
        this.now = deps.now ?? (() => new Date());
    }
    /** Validates and stores a draft with its recipients; nothing is sent. */
    async prepare(request) {
        const now = this.now();
        const markdown = checkMarkdown(request.markdown, this.deps.maxChars);
        const scheduledAt = checkSchedule(request.at, now);
        const recipients = await this.deps.resolver.resolve(parseAudience(request.to));
        const announcement = {
            id: '',
            audience: request.to.trim(),
            markdown,
            createdBy: request.createdBy,
            origin: request.origin,
            createdAt: now.toISOString(),
            ...(scheduledAt ? { scheduledAt } : {}),
            status: 'draft',
            ...(request.notify ? { notify: request.notify } : {}),
        };
        const stored = await this.insert(announcement, recipients);
        const perChannel = perChannelOf(recipients);
        return { announcement: stored, perChannel, reachable: perChannel.reduce((sum, entry) => sum + entry.reachable, 0) };
    }
    /** How many recipients an audience has per channel, without storing anything (the console's live counts). */
    async count(to) {
        const recipients = await this.deps.resolver.resolve(parseAudience(to));
        return perChannelOf(recipients);
    }
    /** The newest announcements first. */
    async list(limit) {
        return (await this.deps.store.listAnnouncements()).reverse().slice(0, limit);
    }
    /** draft → scheduled (future date) or sending (jobs enqueued from now on, in the background). */
    async confirm(id) {
        const { store } = this.deps;
        const announcement = await this.get(id);
        if (announcement.status !== 'draft')
            throw new PasserelleError('ANNOUNCEMENT_NOT_DRAFT', { id: announcement.id, status: say.STATUS_LABELS[announcement.status] });
        const now = this.now();
        if (Date.parse(announcement.createdAt) + this.deps.draftTtlMs < now.getTime())
            throw new PasserelleError('DRAFT_EXPIRED');
        const later = announcement.scheduledAt !== undefined && Date.parse(announcement.scheduledAt) > now.getTime();
        if (!(await store.transition(announcement.id, ['draft'], later ? 'scheduled' : 'sending', now.toISOString()))) {
            const current = await this.get(id);
            throw new PasserelleError('ANNOUNCEMENT_NOT_DRAFT', { id: current.id, status: say.STATUS_LABELS[current.status] });
        }
        if (!later)
            this.deps.fanout.kick(announcement.id);
        return this.get(announcement.id);
    }
    /** prepare + confirm: the admin API and the CLI, where the request itself is the confirmation. */
    async submit(request) {
        const prepared = await this.prepare(request);
        return { ...prepared, announcement: await this.confirm(prepared.announcement.id) };
    }
    /**
     * Cancels a draft or a scheduled announcement; on one being sent, stops what has not left yet (messages
     * already sent stay sent). Returns the announcement and how many recipients were spared.
     */
    async cancel(id) {
        const { store } = this.deps;
        const announcement = await this.get(id);
        const at = this.now().toISOString();
        if (!(await store.transition(announcement.id, ['draft', 'scheduled', 'sending'], 'cancelled', at))) {
            const current = await this.get(id);
            throw new PasserelleError('ANNOUNCEMENT_NOT_CANCELLABLE', { id: current.id, status: say.STATUS_LABELS[current.status] });
        }
        const cancelledRecipients = await store.cancelPending(announcement.id, at, say.REASON_CANCELLED);
        return { announcement: await this.get(announcement.id), cancelledRecipients };
    }
    async report(id, failureLimit = 20) {
        const announcement = await this.get(id);
        const [counts, failures] = await Promise.all([
            this.deps.store.countRecipients(announcement.id),
            this.deps.store.listRecipients(announcement.id, { statuses: ['failed', 'blocked'], limit: failureLimit }),
        ]);
        return { announcement, counts, failures };
    }
    /** One page of recipients, in key order (admin API). */
    async recipientsPage(id, filter) {
        const announcement = await this.get(id);
        return this.deps.store.listRecipients(announcement.id, filter);
    }
    /** Every recipient, in key order, page by page (CSV export). */
    async *recipients(id, pageSize = 1_000) {
        const announcement = await this.get(id);
        for (let after;;) {
            const page = await this.deps.store.listRecipients(announcement.id, { limit: pageSize, ...(after ? { afterKey: after } : {}) });
            yield* page;
            if (page.length < pageSize)
                return;
            after = page.at(-1)?.key;
        }
    }
    /** The announcement, ids being case-insensitive; refuses an unknown one. */
    async get(id) {
        const normalised = id.trim().toUpperCase();
        const announcement = /^[A-Z0-9]{1,32}$/.test(normalised) ? await this.deps.store.getAnnouncement(normalised) : undefined;
        if (!announcement)
            throw new PasserelleError('ANNOUNCEMENT_NOT_FOUND', { id: id.trim().slice(0, 40) });
        return announcement;
    }
    async insert(announcement, recipients) {
        for (let attempt = 1;; attempt++) {
            const record = { ...announcement, id: newId() };
            try {
                await this.deps.store.createAnnouncement(record, recipients);
                return record;
            }
            catch (error) {
                // Ids are random (40 bits): a collision is retried; any other failure is the store's.
                if (attempt >= 3 || !(await this.deps.store.getAnnouncement(record.id)))
                    throw error;
            }
        }
    }
}
function perChannelOf(recipients) {
    return ['teams', 'matrix']
        .map((channel) => {
        const mine = recipients.filter((recipient) => recipient.channel === channel);
        const reachable = mine.filter((recipient) => recipient.status === 'pending').length;
        return { channel, reachable, unreachable: mine.length - reachable };
    })
        .filter((entry) => entry.reachable + entry.unreachable > 0);
}
function newId() {
    return Array.from({ length: 8 }, () => ID_ALPHABET[randomInt(ID_ALPHABET.length)]).join('');
}
