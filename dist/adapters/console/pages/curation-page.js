import { dateTime, html } from "../html.js";
import { csrfField, layout } from "./layout.js";
const REASONS = {
    'low-confidence': 'confiance insuffisante',
    'no-passage': 'aucun passage trouvé',
    'no-valid-citation': 'citations invalides',
};
const CHANNELS = { teams: 'Teams', matrix: 'Tchap', local: 'terminal' };
export function curationPage(context, groups, names, includeHandled) {
    const count = groups.reduce((sum, group) => sum + group.items.length, 0);
    return layout(context, 'File de curation', html `<p>Questions restées sans réponse fiable et réponses jugées « pas utiles » par les agents, regroupées par famille de questions.
Les données personnelles sont remplacées par des marqueurs ([PERSONNE_1], [TELEPHONE_1]…).</p>
<p>${count} question(s) en ${groups.length} groupe(s). ${includeHandled ? html `<a href="/console/curation">Masquer les questions traitées</a>` : html `<a href="/console/curation?tous=1">Afficher aussi les questions traitées</a>`}</p>
${groups.length === 0 ? html `<p class="empty">Rien à traiter pour le moment.</p>` : ''}
${groups.map((group, index) => groupSection(context, group, index, names))}`, { current: '/console/curation' });
}
function groupSection(context, group, index, names) {
    const first = group.items[0];
    const questions = [...new Set(group.items.map((item) => item.question).filter(Boolean))];
    const draft = new URLSearchParams();
    if (group.kb)
        draft.set('kb', group.kb);
    for (const question of questions.slice(0, 10))
        draft.append('q', question);
    for (const passage of group.passages.slice(0, 5))
        draft.append('s', passage.id);
    const headingId = `groupe-${index}`;
    return html `<article class="card" aria-labelledby="${headingId}">
<h2 id="${headingId}">${first?.question || '(question vide)'}</h2>
<p class="meta">${group.items.length} question(s) · base ${group.kb ? names.get(group.kb) ?? group.kb : 'inconnue'} · dernière le ${dateTime(group.latest)}</p>
<ul class="items">${group.items.map((item) => html `<li><span class="badge ${item.kind}">${item.kind === 'unanswered' ? 'sans réponse' : '👎 pas utile'}</span>${item.handled ? html ` <span class="badge handled">traitée</span>` : ''}
« ${item.question} » <span class="meta">— ${dateTime(item.at)}, ${CHANNELS[item.channel] ?? item.channel}${item.reason ? `, ${REASONS[item.reason] ?? item.reason}` : ''}</span>
${item.comment ? html `<br><span class="comment">Commentaire de l’agent : « ${item.comment} »</span>` : ''}</li>`)}</ul>
${group.passages.length > 0
        ? html `<h3>Passages trouvés ou cités</h3><ul class="passages">${group.passages.map((passage) => html `<li><strong>${passage.title}</strong> <code>${passage.id}</code><br><span class="extract">${passage.extract}</span>
<form method="post" action="/console/rules" class="inline-form">${csrfField(context)}
<input type="hidden" name="kb" value="${passage.kb}"><input type="hidden" name="chunkId" value="${passage.id}">
${questions.slice(0, 10).map((question) => html `<input type="hidden" name="questions" value="${question}">`)}
<label for="rule-${index}-${passage.id}">Pour cette famille de questions</label>
<select id="rule-${index}-${passage.id}" name="action"><option value="boost">mettre ce passage en avant</option><option value="hide">masquer ce passage</option></select>
<button type="submit" class="secondary">Appliquer<span class="visually-hidden"> au passage ${passage.id}</span></button></form></li>`)}</ul>`
        : ''}
<div class="actions">
<a class="button" href="/console/answers/new?${draft.toString()}" aria-describedby="${headingId}">Rédiger une réponse type</a>
<form method="post" action="/console/curation/handled">${csrfField(context)}
${group.items.map((item) => html `<input type="hidden" name="keys" value="${item.key}">`)}
<button type="submit" class="secondary" aria-describedby="${headingId}">Marquer comme traité</button></form>
</div>
</article>`;
}
