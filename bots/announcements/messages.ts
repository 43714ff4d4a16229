import { AUDIENCE_SYNTAX } from '../errors.ts';
import type { AnnouncementRecord, RecipientCounts } from '../../state/announcement-store.ts';
import { serviceKey } from './audience.ts';

/** French texts of announcements: admin replies (chat, API, CLI) and report reasons (refusals are in the error catalogue, bots/errors.ts). */


export const CHAT_HELP = [
  'Annonces (administrateurs) :',
  '- `annonce <destinataires> : <message>` prépare une annonce et en montre l’aperçu ;',
  '- `annonce <destinataires> à:<date ISO> : <message>` la programme (ex. `à:2026-12-01T09:00+01:00`) ;',
  '- `annonce confirmer <id>` l’envoie (ou la programme) ; `annonce annuler <id>` l’abandonne ou arrête l’envoi ;',
  '- `annonce statut <id>` donne le rapport d’envoi ;',
  '- `annonce salons` liste les salons d’annonce Tchap ; `annonce salons synchroniser` les met à jour depuis la liste des membres.',
  AUDIENCE_SYNTAX,
].join('\n');

export const NO_ANNOUNCEMENT_ROOMS = 'Les salons d’annonce Tchap ne sont pas configurés (canal Tchap et liste des membres ANNOUNCE_ROOMS_FILE).';

/** `annonce salons`: each room, its members and its audience term. */
export function roomsList(rooms: ReadonlyArray<{ roomId: string; service: string; members: readonly string[] }>): string {
  if (rooms.length === 0) return 'Aucun salon d’annonce pour l’instant : `annonce salons synchroniser` les crée depuis la liste des membres.';
  const members = rooms.reduce((sum, room) => sum + room.members.length, 0);
  return [
    `**Salons d’annonce Tchap** : ${rooms.length} salon(s), ${members} membre(s). Destinataires : \`annonces:<service>\` ou \`annonces:tous\`.`,
    ...rooms.map((room) => `- ${room.service} (\`annonces:${serviceKey(room.service)}\`) : ${room.members.length} membre(s) — ${room.roomId}`),
  ].join('\n');
}

export const NOT_ADMIN = 'Les annonces sont réservées aux administrateurs de Passerelle. Votre demande a été consignée.';
export const DIRECT_CHAT_ONLY = 'Les annonces se préparent en conversation privée avec Passerelle, pas dans un canal ou un salon.';
export const MISSING_SEPARATOR = 'Écrivez les destinataires, puis « : », puis le message. Exemple : `annonce tous : Maintenance ce soir à 20 h.`';
export const ONE_SCHEDULE = 'Une seule date d’envoi (à:…) par annonce.';
export const MISSING_ID = 'Précisez l’identifiant de l’annonce, par exemple `annonce statut K7Q2ZPXM`.';

export const REASON_BLOCKED = 'Destinataire injoignable : bot bloqué, application désinstallée ou conversation quittée.';
export const REASON_CHANNEL_UNAVAILABLE = 'Canal momentanément indisponible.';
export const REASON_RATE_LIMITED = 'Limite de débit du canal atteinte.';
export const REASON_TRANSIENT = 'Erreur passagère du canal.';
export const REASON_NO_TEAMS_CONVERSATION = 'Aucune conversation Teams avec Passerelle pour cet utilisateur (application non installée).';
export const REASON_ANNOUNCEMENTS_REFUSED = 'Les annonces sont refusées dans cette conversation (paramètres choisis par ses modérateurs).';
export const REASON_APP_INSTALLED_NOW = 'Application Passerelle installée pour cet agent par l’annonce (Microsoft Graph).';
export const REASON_APP_INSTALLED_WAITING = 'Application installée pour cet agent, mais Teams n’a pas encore ouvert la conversation : relancez l’annonce pour lui dans quelques minutes.';
export const REASON_APP_ALREADY_NO_CONVERSATION = 'Application déjà installée pour cet agent, mais Teams n’a pas transmis la conversation à Passerelle : relancez l’annonce pour lui plus tard.';
export function reasonInstallFailed(reason: string): string {
  return `Installation de l’application impossible : ${reason}`;
}
export const REASON_NO_TEAMS_ROOM = 'Passerelle ne connaît pas cette conversation Teams (application absente de l’équipe ou de la conversation).';
export const REASON_NO_MATRIX_CONVERSATION = 'Aucune conversation directe Tchap avec cet utilisateur, et le canal Tchap ne peut pas en ouvrir.';
export const REASON_CANCELLED = 'Annonce annulée avant cet envoi.';
export const REASON_INTERRUPTED_RETRY = 'Envoi interrompu par un arrêt du service : renvoyé avec la même clé (le canal n’en garde qu’un exemplaire).';
export const REASON_INTERRUPTED =
  'Envoi interrompu par un arrêt du service : le message a peut-être été reçu ; il n’est pas renvoyé pour éviter un doublon.';

export function channelError(detail: string): string {
  return `Le canal a refusé l’envoi (${detail}).`;
}

export function giveUp(attempts: number, last: string): string {
  return `Échec après ${attempts} tentative(s) : ${last}`;
}

export function channelName(channel: string): string {
  return channel === 'matrix' ? 'Tchap' : channel === 'teams' ? 'Teams' : channel;
}

export const STATUS_LABELS: Record<AnnouncementRecord['status'], string> = {
  draft: 'en attente de confirmation',
  scheduled: 'programmée',
  sending: 'en cours d’envoi',
  completed: 'terminée',
  cancelled: 'annulée',
};

export function formatDate(iso: string): string {
  return new Date(iso).toLocaleString('fr-FR', { timeZone: 'Europe/Paris', dateStyle: 'full', timeStyle: 'short' });
}

/** Who signs an announcement when nobody is named (API and CLI without `from`). */
export const DEFAULT_SENDER = 'l’équipe Passerelle';

/** The announcement exactly as every recipient receives it: the "Annonce" header with its sender, then the text. */
export function announcementText(announcement: { markdown: string; sender?: string }): string {
  return `**📢 Annonce** — de la part de ${announcement.sender?.trim() || DEFAULT_SENDER}\n\n${announcement.markdown}`;
}

/** An announcement room as a recipient, in the report. */
export function roomRecipient(service: string, members: number): string {
  return `salon d’annonce « ${service} » (${members} membre(s))`;
}

/** The administrator is told that a large Tchap audience goes through the announcement rooms. */
export function roomsInstead(figures: { audience: number; above: number; rooms: number; members: number; direct: number }): string {
  return `Tchap : ${figures.audience} agents, plus que le seuil de ${figures.above} (ANNOUNCE_ROOMS_ABOVE) — l’annonce sera publiée dans ${figures.rooms} salon(s) d’annonce (${figures.members} membres) au lieu d’un message direct par agent${figures.direct ? ` ; ${figures.direct} agent(s) hors de ces salons la recevront en message direct` : ''}.`;
}

export function noRoomCovers(audience: number, above: number): string {
  return `Tchap : ${audience} agents, plus que le seuil de ${above} (ANNOUNCE_ROOMS_ABOVE), mais aucun salon d’annonce ne correspond à cette audience : envoi en messages directs, un par agent (environ ${Math.ceil(audience / 3_600)} h au rythme de Tchap).`;
}

export function roomsUnavailable(audience: number, above: number): string {
  return `Tchap : ${audience} agents, plus que le seuil de ${above} (ANNOUNCE_ROOMS_ABOVE), mais les salons d’annonce ne sont pas disponibles : envoi en messages directs, un par agent.`;
}

export interface PreviewFigures {
  id: string;
  markdown: string;
  sender?: string;
  scheduledAt?: string;
  perChannel: Array<{ channel: string; reachable: number; unreachable: number; rooms?: number; members?: number }>;
  /** How the audience will be reached (announcement rooms instead of direct chats). */
  notes?: readonly string[];
}

/**
 * The preview: the figures, then the message exactly as it will be received (header and sender included),
 * between two rules with blank lines around them (a rule right under a paragraph would turn that paragraph
 * into a heading), then the two commands — once.
 */
export function preview(figures: PreviewFigures): string {
  const total = figures.perChannel.reduce((sum, entry) => sum + entry.reachable, 0);
  const lines = figures.perChannel.map(
    (entry) =>
      `- ${channelName(entry.channel)} : ${entry.reachable} destinataire(s)${entry.rooms ? `, dont ${entry.rooms} salon(s) d’annonce (${entry.members ?? 0} membres, un message par salon)` : ''}${entry.unreachable ? ` (+ ${entry.unreachable} injoignable(s), voir le rapport)` : ''}`,
  );
  if (figures.notes?.length) lines.push(...figures.notes.map((note) => `- ${note}`));
  return [
    `**Aperçu de l’annonce ${figures.id}** — ${total} destinataire(s)${figures.scheduledAt ? `, envoi programmé le ${formatDate(figures.scheduledAt)}` : ''} :`,
    ...lines,
    '',
    'Message tel qu’il sera reçu :',
    '',
    '---',
    '',
    announcementText(figures),
    '',
    '---',
    '',
    `Pour ${figures.scheduledAt ? 'la programmer' : 'l’envoyer'} : \`annonce confirmer ${figures.id}\` — pour l’abandonner : \`annonce annuler ${figures.id}\`.`,
  ].join('\n');
}

export function confirmed(announcement: AnnouncementRecord, total: number): string {
  if (announcement.status === 'scheduled' && announcement.scheduledAt) {
    return `Annonce ${announcement.id} programmée pour le ${formatDate(announcement.scheduledAt)} (${total} destinataire(s)). \`annonce annuler ${announcement.id}\` l’annule d’ici là.`;
  }
  return `Annonce ${announcement.id} en cours d’envoi à ${total} destinataire(s). Suivi : \`annonce statut ${announcement.id}\`.`;
}

/**
 * What a cancellation did, by the status it cancelled: a draft or a scheduled announcement was sent to
 * nobody; one being sent stops for those it had not reached yet.
 */
export function cancelled(id: string, previous: AnnouncementRecord['status'], stopped: number, alreadySent: number): string {
  if (previous === 'draft') return `Annonce ${id} abandonnée : elle n’a été envoyée à personne.`;
  if (previous === 'scheduled') return `Annonce ${id} annulée : l’envoi programmé n’aura pas lieu, personne ne l’a reçue.`;
  return `Envoi de l’annonce ${id} arrêté : ${alreadySent} destinataire(s) l’avaient déjà reçue ; ${stopped} ne la recevront pas.`;
}

export function countsLine(counts: RecipientCounts): string {
  const parts = [`${counts.sent} envoyé(s)`, `${counts.failed} en échec`, `${counts.blocked} bloqué(s)`, `${counts.pending + counts.sending} en attente`];
  if (counts.cancelled) parts.push(`${counts.cancelled} annulé(s)`);
  const rooms = counts.roomsSent ? ` ; ${counts.roomsSent} salon(s) d’annonce atteint(s), ${counts.membersReached} membre(s)` : '';
  return `${parts.join(', ')} — sur ${counts.total}${rooms}`;
}

export function statusReport(announcement: AnnouncementRecord, counts: RecipientCounts, failures: Array<{ target: string; reason?: string }>, more: number): string {
  const lines = [
    `**Annonce ${announcement.id}** : ${STATUS_LABELS[announcement.status]}${announcement.scheduledAt && announcement.status === 'scheduled' ? ` (le ${formatDate(announcement.scheduledAt)})` : ''}.`,
    countsLine(counts),
  ];
  if (failures.length > 0) {
    lines.push('', 'Échecs :', ...failures.map((failure) => `- ${failure.target} : ${failure.reason ?? 'raison inconnue'}`));
    if (more > 0) lines.push(`- … et ${more} autre(s) (rapport complet : API ou \`passerelle announce --status ${announcement.id} --csv rapport.csv\`).`);
  }
  return lines.join('\n');
}

export function finished(announcement: AnnouncementRecord, counts: RecipientCounts): string {
  return `Annonce ${announcement.id} terminée : ${countsLine(counts)}. Détail : \`annonce statut ${announcement.id}\`.`;
}

