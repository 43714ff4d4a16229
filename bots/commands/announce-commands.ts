import { foldText } from '../../knowledge/analysis/normalise.ts';
import { syncReportText, type AnnouncementRoomsControl } from '../announcements/announcement-rooms.ts';
import type { AnnouncementService } from '../announcements/announcement-service.ts';
import * as say from '../announcements/messages.ts';
import { httpRefusalOf, type PasserelleError } from '../errors.ts';
import type { Logger } from '../logger.ts';
import type { Turn } from '../pipeline.ts';
import { notice } from '../reply.ts';
import type { AuditLog } from '../../state/state-store.ts';
import type { AnnounceCommandHandler } from './dispatcher.ts';

/**
 * `annonce …` in chat, for admins only (SenderRights.isAdmin: config access.admins / adminGroups):
 *
 *   annonce <destinataires> [à:<date ISO>] : <message>   → stores a draft, replies with the preview
 *   annonce confirmer <id>                                → sends it (or schedules it)
 *   annonce annuler <id>                                  → abandons it, or stops what has not left yet
 *   annonce statut <id>                                   → counts and failures
 *   annonce salons [synchroniser]                         → the Tchap announcement rooms; kept from the list now
 *   annonce (aide)                                        → this help
 *
 * Anyone else is refused, and the attempt is written to the audit log (kind 'announce-refused').
 */

export type AnnounceCommand =
  | { type: 'help' }
  | { type: 'confirm' | 'cancel' | 'status'; id: string }
  | { type: 'rooms'; sync: boolean }
  | { type: 'prepare'; audience: string; at?: string; markdown: string }
  | { type: 'invalid'; message: string };

const SUBCOMMANDS: Record<string, 'confirm' | 'cancel' | 'status' | 'help'> = {
  confirmer: 'confirm',
  confirme: 'confirm',
  confirm: 'confirm',
  envoyer: 'confirm',
  annuler: 'cancel',
  annule: 'cancel',
  cancel: 'cancel',
  statut: 'status',
  status: 'status',
  etat: 'status',
  rapport: 'status',
  aide: 'help',
  help: 'help',
};

/** Reads the text after `annonce`. */
export function parseAnnounceCommand(text: string): AnnounceCommand {
  const trimmed = text.trim();
  if (!trimmed) return { type: 'help' };
  const [first = '', ...rest] = trimmed.split(/\s+/);
  const sub = SUBCOMMANDS[foldText(first)];
  if (sub === 'help') return { type: 'help' };
  if ((foldText(first) === 'salons' || foldText(first) === 'salon') && rest.length <= 1) {
    const verb = foldText(rest[0] ?? '');
    if (!verb) return { type: 'rooms', sync: false };
    if (['synchroniser', 'synchronise', 'sync', 'maj', 'mettre-a-jour'].includes(verb)) return { type: 'rooms', sync: true };
  }
  if (sub) {
    const id = rest[0] ?? '';
    return id ? { type: sub, id } : { type: 'invalid', message: say.MISSING_ID };
  }
  // The audience ends at the first ':' followed by a space or a line break (ids like @a:b or dates keep theirs).
  const split = /^([\s\S]*?)\s*:(?:[ \t]+|\r?\n|$)([\s\S]*)$/.exec(trimmed);
  if (!split) return { type: 'invalid', message: say.MISSING_SEPARATOR };
  const tokens = (split[1] ?? '').split(/\s+/).filter(Boolean);
  const schedule = tokens.filter((token) => /^(?:à|a|le|at):/i.test(token));
  const audience = tokens.filter((token) => !schedule.includes(token)).join(' ');
  if (schedule.length > 1) return { type: 'invalid', message: say.ONE_SCHEDULE };
  const at = schedule[0]?.slice(schedule[0].indexOf(':') + 1);
  return { type: 'prepare', audience, markdown: split[2] ?? '', ...(at ? { at } : {}) };
}

export class AnnounceCommands implements AnnounceCommandHandler {
  constructor(
    private readonly service: AnnouncementService,
    private readonly state: Pick<AuditLog, 'recordAudit'>,
    private readonly logger: Logger,
    private readonly rooms?: AnnouncementRoomsControl,
  ) {}

  async handle(turn: Turn, text: string): Promise<void> {
    let afterReply: (() => void) | undefined;
    if (!turn.rights?.isAdmin) {
      await this.audit(turn, 'announce-refused');
      this.logger.warn('announcement refused: sender is not an admin', { channel: turn.message.channel });
      await turn.reply(notice(say.NOT_ADMIN));
      return;
    }
    if (!turn.message.isDirect) {
      // A preview in a team channel or a room would show the announcement to everyone there before it is sent.
      await turn.reply(notice(say.DIRECT_CHAT_ONLY));
      return;
    }
    const command = parseAnnounceCommand(text);
    try {
      await turn.reply(await this.run(turn, command, (then) => (afterReply = then)));
    } catch (error) {
      // A refused request (bad audience, unknown id…) is answered with the catalogue's text; anything else is a failure.
      const refusal = httpRefusalOf(error) ? (error as PasserelleError) : undefined;
      if (!refusal) throw error;
      await turn.reply(notice(refusal.userMessage));
    } finally {
      // A confirmed announcement starts once the admin was told (even if telling failed).
      afterReply?.();
    }
  }

  private async run(turn: Turn, command: AnnounceCommand, afterReply: (then: () => void) => void) {
    switch (command.type) {
      case 'help':
        return notice(say.CHAT_HELP);
      case 'invalid':
        return notice(`${command.message}\n\n${say.CHAT_HELP}`);
      case 'prepare': {
        const prepared = await this.service.prepare({
          to: command.audience,
          markdown: command.markdown,
          ...(command.at ? { at: command.at } : {}),
          createdBy: turn.rights!.userHash,
          origin: 'chat',
          notify: { channel: turn.message.channel, address: turn.message.conversation },
          sender: turn.message.sender.displayName ?? turn.message.sender.id,
        });
        const { id, markdown, scheduledAt, sender } = prepared.announcement;
        // The commands are in the text, once (as suggested actions too, Tchap would list them twice).
        return notice(say.preview({ id, markdown, perChannel: prepared.perChannel, notes: prepared.notes, ...(scheduledAt ? { scheduledAt } : {}), ...(sender ? { sender } : {}) }));
      }
      case 'confirm': {
        const announcement = await this.service.confirm(command.id, { deferStart: true });
        await this.audit(turn, 'announce-confirmed');
        if (announcement.status === 'sending') afterReply(() => this.service.start(announcement.id));
        const { counts } = await this.service.report(announcement.id, 0);
        return notice(say.confirmed(announcement, counts.total - counts.failed - counts.blocked), [`annonce statut ${announcement.id}`]);
      }
      case 'cancel': {
        const { announcement, cancelledRecipients, previousStatus } = await this.service.cancel(command.id);
        await this.audit(turn, 'announce-cancelled');
        const { counts } = await this.service.report(announcement.id, 0);
        return notice(say.cancelled(announcement.id, previousStatus, cancelledRecipients, counts.sent));
      }
      case 'rooms': {
        if (!this.rooms) return notice(say.NO_ANNOUNCEMENT_ROOMS);
        if (command.sync) {
          const report = await this.rooms.sync();
          await this.audit(turn, 'announce-rooms-synced');
          return notice(syncReportText(report));
        }
        return notice(say.roomsList(await this.rooms.list()));
      }
      case 'status': {
        const report = await this.service.report(command.id, 10);
        const shown = report.failures.map((recipient) => ({ target: recipient.target, ...(recipient.reason ? { reason: recipient.reason } : {}) }));
        return notice(say.statusReport(report.announcement, report.counts, shown, report.counts.failed + report.counts.blocked - shown.length));
      }
    }
  }

  private async audit(turn: Turn, kind: string): Promise<void> {
    await this.state
      .recordAudit({
        channel: turn.message.channel,
        userHash: turn.rights?.userHash ?? 'inconnu',
        kind,
        citedIds: [],
        inputTokens: 0,
        outputTokens: 0,
        energyWh: 0,
        latencyMs: 0,
        abstained: kind === 'announce-refused',
        at: new Date().toISOString(),
      })
      .catch((error: unknown) => this.logger.error('announcement audit failed', { kind, error }));
  }
}
