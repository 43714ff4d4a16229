/**
 * The delivery report as CSV (RFC 4180, comma-separated, UTF-8, CRLF): one line per recipient, in key
 * order, streamed page by page so that 17,000 recipients never sit in memory as one string.
 */
const CSV_COLUMNS = ['annonce', 'canal', 'type', 'destinataire', 'statut', 'libelle', 'tentatives', 'code', 'raison', 'message_id', 'mis_a_jour'];
const LABELS = {
    pending: 'en attente',
    sending: 'en cours',
    sent: 'envoyé',
    failed: 'échec',
    blocked: 'bloqué',
    cancelled: 'annulé',
};
function csvLine(values) {
    return `${values.map((value) => csvField(value === undefined ? '' : String(value))).join(',')}\r\n`;
}
export function csvRow(recipient) {
    return csvLine([
        recipient.announcementId,
        recipient.channel,
        recipient.kind === 'user' ? 'utilisateur' : 'salon',
        recipient.target,
        recipient.status,
        LABELS[recipient.status],
        recipient.attempts,
        recipient.errorCode,
        neutralise(recipient.reason ?? ''),
        recipient.messageId,
        recipient.updatedAt,
    ]);
}
export async function* reportCsv(recipients) {
    yield csvLine(CSV_COLUMNS);
    let batch = '';
    let count = 0;
    for await (const recipient of recipients) {
        batch += csvRow(recipient);
        if (++count % 500 === 0) {
            yield batch;
            batch = '';
        }
    }
    if (batch)
        yield batch;
}
function csvField(value) {
    return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}
/** Free text from remote services must not run as a spreadsheet formula. */
function neutralise(text) {
    return /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
}
