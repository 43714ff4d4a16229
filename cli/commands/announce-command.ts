import { open } from 'node:fs/promises';
import { AdminApiError, AdminClient, type AnnouncementStatus } from '../../adapters/admin-http/admin-client.ts';
import { PasserelleError } from '../../bots/errors.ts';
import { cancelled as cancelledText, channelName, countsLine, formatDate } from '../../bots/announcements/messages.ts';
import type { CliContext } from '../cli-context.ts';
import { parseCommandArgs, UsageError, type Command } from './command.ts';

/**
 * `passerelle announce`: admin announcements from a terminal, through the admin API of the running bot
 * process (`passerelle serve`, which owns the channels). Token: PASSERELLE_ADMIN_TOKEN; address:
 * http://127.0.0.1:<PASSERELLE_ADMIN_PORT>, or --url.
 *
 *   announce --to <destinataires> --file message.md [--at <date ISO>] [--preview]
 *   announce --status <id> [--csv rapport.csv]
 *   announce --cancel <id>
 */
export const announceCommand: Command = {
  async run(args, context) {
    const { values } = parseCommandArgs(args, {
      to: { type: 'string' },
      file: { type: 'string' },
      at: { type: 'string' },
      preview: { type: 'boolean', default: false },
      status: { type: 'string' },
      csv: { type: 'string' },
      cancel: { type: 'string' },
      url: { type: 'string' },
    });
    const modes = [values.to !== undefined || values.file !== undefined, values.status !== undefined, values.cancel !== undefined].filter(Boolean).length;
    if (modes !== 1) throw new UsageError('announce : choisissez --to/--file (envoyer), --status <id> (rapport) ou --cancel <id> (annuler).');
    if (values.csv !== undefined && values.status === undefined) throw new UsageError('--csv va avec --status <id>.');
    const { config } = context;
    const token = config.announcements.adminToken;
    if (!token) throw new PasserelleError('CONFIG_INVALID', { problems: 'PASSERELLE_ADMIN_TOKEN est requis pour joindre l’API d’administration du bot' });
    const client = new AdminClient(values.url ?? `http://127.0.0.1:${config.announcements.adminPort}`, token);
    try {
      if (values.status !== undefined) return await status(client, values.status, values.csv, context);
      if (values.cancel !== undefined) {
        const cancelled = await client.cancel(values.cancel);
        context.out(`${cancelledText(cancelled.id, cancelled.previousStatus, cancelled.cancelledRecipients, cancelled.sent)}\n`);
        return 0;
      }
      if (!values.to || !values.file) throw new UsageError('announce : --to <destinataires> et --file <message.md> sont requis.');
      const markdown = await readMessage(values.file, config.announcements.maxChars);
      const created = await client.create({ to: values.to, markdown, ...(values.at ? { at: values.at } : {}), ...(values.preview ? { preview: true } : {}) });
      const channels = created.recipients.perChannel.map((entry) => `${channelName(entry.channel)} ${entry.reachable}${entry.unreachable ? ` (+${entry.unreachable} injoignable(s))` : ''}`).join(', ');
      context.out(`Annonce ${created.id} : ${created.statusLabel}${created.scheduledAt ? ` le ${formatDate(created.scheduledAt)}` : ''} — ${created.recipients.reachable} destinataire(s) (${channels}).\n`);
      context.out(`Suivi : passerelle announce --status ${created.id}\n`);
      return 0;
    } catch (error) {
      if (!(error instanceof AdminApiError)) throw error;
      context.err(`${error.userMessage}\n`);
      return 1;
    }
  },
};

async function status(client: AdminClient, id: string, csv: string | undefined, context: CliContext): Promise<number> {
  const report: AnnouncementStatus = await client.status(id, '?statut=failed,blocked&limit=20');
  context.out(`Annonce ${report.id} : ${report.statusLabel}${report.scheduledAt && report.status === 'scheduled' ? ` (le ${formatDate(report.scheduledAt)})` : ''} — destinataires « ${report.audience} ».\n`);
  context.out(`${countsLine(report.counts)}\n`);
  if (report.recipients.length > 0) {
    context.out('Échecs :\n');
    for (const recipient of report.recipients) context.out(`- ${channelName(recipient.channel)} ${recipient.target} : ${recipient.reason ?? recipient.status}\n`);
    const more = report.counts.failed + report.counts.blocked - report.recipients.length;
    if (more > 0) context.out(`- … et ${more} autre(s)${csv ? '' : ' (--csv fichier.csv pour le rapport complet)'}\n`);
  }
  if (csv) {
    await client.csv(report.id, csv);
    context.out(`Rapport CSV écrit dans ${csv} (${report.counts.total} destinataire(s)).\n`);
  }
  return 0;
}

/** Reads the message file, refusing one far too large before sending it (the service checks the exact limit). */
async function readMessage(path: string, maxChars: number): Promise<string> {
  let file;
  try {
    file = await open(path, 'r');
  } catch (error) {
    throw new PasserelleError('FILE_UNREADABLE', { file: path, reason: (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'fichier introuvable' : 'lecture impossible' }, { cause: error });
  }
  try {
    const { size } = await file.stat();
    const maxBytes = maxChars * 4;
    if (size > maxBytes) throw new PasserelleError('FILE_TOO_LARGE', { file: path, size, max: maxBytes });
    return await file.readFile('utf8');
  } finally {
    await file.close();
  }
}
