import { STATUS_LABELS, channelName } from "../../../bots/announcements/messages.js";
import { dateTime, html, trusted } from "../html.js";
import { csrfField, layout } from "./layout.js";
export const RECIPIENT_LABELS = {
    pending: 'en attente', sending: 'en cours', sent: 'envoyé', failed: 'en échec', blocked: 'bloqué', cancelled: 'annulé',
};
export function announcementsPage(context, announcements, draft, choices) {
    return layout(context, 'Annonces', html `<section aria-labelledby="new-title" class="card"><h2 id="new-title">Nouvelle annonce</h2>
<form method="post" action="/console/announcements" class="stack" id="announcement-form">${csrfField(context)}
<label for="audience">Destinataires <span class="hint">(« tous », « utilisateurs:&lt;id&gt;,&lt;id&gt; », « salons:&lt;id&gt; », « equipe:&lt;id équipe Teams&gt; », « groupe:&lt;id groupe Entra&gt; », « membres:&lt;!salon:serveur&gt; », combinables)</span></label>
<input id="audience" name="to" type="text" value="${draft.to}" data-count-url="/console/api/audience" aria-describedby="audience-counts">
${choices.length > 0
        ? html `<label for="choices">Ou choisissez des conversations connues <span class="hint">(les 200 plus récentes ; Ctrl + clic ou Maj + flèches pour en choisir plusieurs ; elles s’ajoutent aux destinataires ci-dessus)</span></label>
<select id="choices" name="choices" multiple size="6" aria-describedby="audience-counts">${choices.map((choice) => html `<option value="${choice.term}">${choice.label}</option>`)}</select>`
        : ''}
<p id="audience-counts" class="counts" aria-live="polite">Les destinataires seront comptés pendant la saisie.</p>
<label for="markdown">Message <span class="hint">(Markdown)</span></label>
<textarea id="markdown" name="markdown" rows="8" required data-preview-url="/console/api/preview">${draft.markdown}</textarea>
<div class="previews" aria-live="polite">
<section aria-labelledby="preview-teams-title"><h3 id="preview-teams-title">Aperçu Teams</h3><div id="preview-teams" class="preview teams"></div></section>
<section aria-labelledby="preview-tchap-title"><h3 id="preview-tchap-title">Aperçu Tchap</h3><div id="preview-tchap" class="preview tchap"></div></section>
</div>
<label for="at">Programmer l’envoi <span class="hint">(facultatif, heure de Paris)</span></label>
<input id="at" name="at" type="datetime-local" value="${draft.at}">
<button type="submit">Préparer l’annonce (rien n’est envoyé avant confirmation)</button>
</form></section>
<h2>Annonces récentes</h2>
${announcements.length === 0
        ? html `<p class="empty">Aucune annonce.</p>`
        : html `<div class="table-scroll"><table><caption>Annonces, les plus récentes d’abord</caption>
<thead><tr><th scope="col">Annonce</th><th scope="col">Destinataires</th><th scope="col">Statut</th><th scope="col">Créée le</th><th scope="col">Par</th></tr></thead>
<tbody>${announcements.map((announcement) => html `<tr><th scope="row"><a href="/console/announcements/${announcement.id}">${announcement.id}</a></th><td>${announcement.audience}</td><td>${STATUS_LABELS[announcement.status]}</td><td>${dateTime(announcement.createdAt)}</td><td>${announcement.createdBy}</td></tr>`)}</tbody></table></div>`}`, { current: '/console/announcements' });
}
export function announcementPage(context, announcement, counts, recipients, previews) {
    const live = announcement.status === 'sending' || announcement.status === 'scheduled';
    return layout(context, `Annonce ${announcement.id}`, html `<p id="report-status" class="status" aria-live="polite" data-report-url="${live ? `/console/api/announcements/${announcement.id}` : ''}">Statut : <strong>${STATUS_LABELS[announcement.status]}</strong>${announcement.scheduledAt ? ` — envoi programmé le ${dateTime(announcement.scheduledAt)}` : ''}.</p>
<dl class="figures" id="report-counts">${countFigures(counts)}</dl>
<p>Destinataires : <code>${announcement.audience}</code> — créée le ${dateTime(announcement.createdAt)} par ${announcement.createdBy}.</p>
<div class="actions">
${announcement.status === 'draft' ? html `<form method="post" action="/console/announcements/${announcement.id}/confirm">${csrfField(context)}<button type="submit">${announcement.scheduledAt ? 'Confirmer la programmation' : 'Confirmer et envoyer'} à ${counts.pending} destinataire(s)</button></form>` : ''}
${['draft', 'scheduled', 'sending'].includes(announcement.status) ? html `<form method="post" action="/console/announcements/${announcement.id}/cancel">${csrfField(context)}<button type="submit" class="secondary">Annuler l’annonce</button></form>` : ''}
<a class="button secondary" href="/console/announcements/${announcement.id}/report.csv" download>Exporter le rapport (CSV)</a>
</div>
<div class="previews">
<section aria-labelledby="p-teams"><h2 id="p-teams">Aperçu Teams</h2><div class="preview teams">${trusted(previews.teams)}</div></section>
<section aria-labelledby="p-tchap"><h2 id="p-tchap">Aperçu Tchap</h2><div class="preview tchap">${trusted(previews.tchap)}</div></section>
</div>
<h2>Rapport par destinataire</h2>
<div class="table-scroll"><table id="report-table"><caption>Destinataires (200 premiers ; le rapport CSV les contient tous)</caption>
<thead><tr><th scope="col">Destinataire</th><th scope="col">Canal</th><th scope="col">Statut</th><th scope="col">Détail</th></tr></thead>
<tbody>${recipientRows(recipients)}</tbody></table></div>`, { current: '/console/announcements' });
}
export function countFigures(counts) {
    return html `<div><dt>Envoyés</dt><dd data-count="sent">${counts.sent}</dd></div><div><dt>En attente</dt><dd data-count="waiting">${counts.pending + counts.sending}</dd></div>
<div><dt>En échec</dt><dd data-count="failed">${counts.failed}</dd></div><div><dt>Bloqués</dt><dd data-count="blocked">${counts.blocked}</dd></div><div><dt>Annulés</dt><dd data-count="cancelled">${counts.cancelled}</dd></div><div><dt>Total</dt><dd data-count="total">${counts.total}</dd></div>`;
}
export function recipientRows(recipients) {
    return html `${recipients.map((recipient) => html `<tr><th scope="row">${recipient.target}</th><td>${channelName(recipient.channel)}</td><td>${RECIPIENT_LABELS[recipient.status]}</td><td>${recipient.reason ?? ''}</td></tr>`)}`;
}
