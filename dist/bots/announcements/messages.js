import { AUDIENCE_SYNTAX } from "../errors.js";
/** French texts of announcements: admin replies (chat, API, CLI) and report reasons (refusals are in the error catalogue, bots/errors.ts). */
export const CHAT_HELP = [
    'Annonces (administrateurs) :',
    '- `annonce <destinataires> : <message>` prépare une annonce et en montre l’aperçu ;',
    '- `annonce <destinataires> à:<date ISO> : <message>` la programme (ex. `à:2026-12-01T09:00+01:00`) ;',
    '- `annonce confirmer <id>` l’envoie (ou la programme) ; `annonce annuler <id>` l’abandonne ou arrête l’envoi ;',
    '- `annonce statut <id>` donne le rapport d’envoi.',
    AUDIENCE_SYNTAX,
].join('\n');
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
export const REASON_NO_TEAMS_ROOM = 'Passerelle ne connaît pas cette conversation Teams (application absente de l’équipe ou de la conversation).';
export const REASON_NO_MATRIX_CONVERSATION = 'Aucune conversation directe Tchap avec cet utilisateur, et le canal Tchap ne peut pas en ouvrir.';
export const REASON_CANCELLED = 'Annonce annulée avant cet envoi.';
export const REASON_INTERRUPTED_RETRY = 'Envoi interrompu par un arrêt du service : renvoyé avec la même clé (le canal n’en garde qu’un exemplaire).';
export const REASON_INTERRUPTED = 'Envoi interrompu par un arrêt du service : le message a peut-être été reçu ; il n’est pas renvoyé pour éviter un doublon.';
export function channelError(detail) {
    return `Le canal a refusé l’envoi (${detail}).`;
}
export function giveUp(attempts, last) {
    return `Échec après ${attempts} tentative(s) : ${last}`;
}
export function channelName(channel) {
    return channel === 'matrix' ? 'Tchap' : channel === 'teams' ? 'Teams' : channel;
}
export const STATUS_LABELS = {
    draft: 'en attente de confirmation',
    scheduled: 'programmée',
    sending: 'en cours d’envoi',
    completed: 'terminée',
    cancelled: 'annulée',
};
export function formatDate(iso) {
    return new Date(iso).toLocaleString('fr-FR', { timeZone: 'Europe/Paris', dateStyle: 'full', timeStyle: 'short' });
}
export function preview(figures) {
    const total = figures.perChannel.reduce((sum, entry) => sum + entry.reachable, 0);
    const lines = figures.perChannel.map((entry) => `- ${channelName(entry.channel)} : ${entry.reachable} destinataire(s)${entry.unreachable ? ` (+ ${entry.unreachable} injoignable(s), voir le rapport)` : ''}`);
    return [
        `**Aperçu de l’annonce ${figures.id}** — ${total} destinataire(s)${figures.scheduledAt ? `, envoi programmé le ${formatDate(figures.scheduledAt)}` : ''} :`,
        ...lines,
        '',
        '---',
        figures.markdown,
        '---',
        '',
        `Pour ${figures.scheduledAt ? 'la programmer' : 'l’envoyer'} : \`annonce confirmer ${figures.id}\` — pour l’abandonner : \`annonce annuler ${figures.id}\`.`,
    ].join('\n');
}
export function confirmed(announcement, total) {
    if (announcement.status === 'scheduled' && announcement.scheduledAt) {
        return `Annonce ${announcement.id} programmée pour le ${formatDate(announcement.scheduledAt)} (${total} destinataire(s)). \`annonce annuler ${announcement.id}\` l’annule d’ici là.`;
    }
    return `Annonce ${announcement.id} en cours d’envoi à ${total} destinataire(s). Suivi : \`annonce statut ${announcement.id}\`.`;
}
export function cancelled(id, stopped) {
    return stopped > 0 ? `Annonce ${id} annulée : ${stopped} envoi(s) non effectué(s).` : `Annonce ${id} annulée.`;
}
export function countsLine(counts) {
    const parts = [`${counts.sent} envoyé(s)`, `${counts.failed} en échec`, `${counts.blocked} bloqué(s)`, `${counts.pending + counts.sending} en attente`];
    if (counts.cancelled)
        parts.push(`${counts.cancelled} annulé(s)`);
    return `${parts.join(', ')} — sur ${counts.total}`;
}
export function statusReport(announcement, counts, failures, more) {
    const lines = [
        `**Annonce ${announcement.id}** : ${STATUS_LABELS[announcement.status]}${announcement.scheduledAt && announcement.status === 'scheduled' ? ` (le ${formatDate(announcement.scheduledAt)})` : ''}.`,
        countsLine(counts),
    ];
    if (failures.length > 0) {
        lines.push('', 'Échecs :', ...failures.map((failure) => `- ${failure.target} : ${failure.reason ?? 'raison inconnue'}`));
        if (more > 0)
            lines.push(`- … et ${more} autre(s) (rapport complet : API ou \`passerelle announce --status ${announcement.id} --csv rapport.csv\`).`);
    }
    return lines.join('\n');
}
export function finished(announcement, counts) {
    return `Annonce ${announcement.id} terminée : ${countsLine(counts)}. Détail : \`annonce statut ${announcement.id}\`.`;
}
