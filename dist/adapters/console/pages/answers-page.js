import { STATUS_LABELS } from "../../../bots/curation/standard-answer-service.js";
import { dateTime, html } from "../html.js";
import { csrfField, layout } from "./layout.js";
export function answersPage(context, answers, rules, names) {
    return layout(context, 'Réponses types', html `<p>Une réponse type est servie telle quelle, avant toute génération, aux questions de sa famille. Chaque version est rédigée par un curateur et publiée par un autre.</p>
<p><a class="button" href="/console/answers/new">Nouvelle réponse type</a></p>
${answers.length === 0
        ? html `<p class="empty">Aucune réponse type pour l’instant.</p>`
        : html `<div class="table-scroll"><table><caption>Réponses types (dernière version de chacune)</caption>
<thead><tr><th scope="col">Réponse</th><th scope="col">Base</th><th scope="col">Question</th><th scope="col">Version</th><th scope="col">Statut</th><th scope="col">Rédigée par</th><th scope="col">Le</th></tr></thead>
<tbody>${answers.map((answer) => html `<tr><th scope="row"><a href="/console/answers/${answer.answerId}">${answer.answerId}</a></th><td>${names.get(answer.kb) ?? answer.kb}</td><td>${answer.questions[0]}</td><td>${answer.version}</td>
<td><span class="badge ${answer.status}">${STATUS_LABELS[answer.status]}</span></td><td>${answer.author}</td><td>${dateTime(answer.createdAt)}</td></tr>`)}</tbody></table></div>`}
<h2>Passages mis en avant ou masqués</h2>
${rules.length === 0
        ? html `<p class="empty">Aucune règle.</p>`
        : html `<div class="table-scroll"><table><caption>Règles de passages par famille de questions</caption>
<thead><tr><th scope="col">Passage</th><th scope="col">Action</th><th scope="col">Famille de questions</th><th scope="col">Par</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead>
<tbody>${rules.map((rule) => html `<tr><th scope="row"><code>${rule.chunkId}</code> (${names.get(rule.kb) ?? rule.kb})</th><td>${rule.action === 'boost' ? 'mis en avant' : 'masqué'}</td><td>${rule.questions.join(' · ')}</td><td>${rule.author}</td>
<td><form method="post" action="/console/rules/${rule.id}/delete">${csrfField(context)}<button type="submit" class="secondary">Supprimer la règle</button></form></td></tr>`)}</tbody></table></div>`}`, { current: '/console/answers' });
}
export function answerFormPage(context, draft, bases, title = 'Nouvelle réponse type') {
    return layout(context, title, answerForm(context, draft, bases), { current: '/console/answers' });
}
function answerForm(context, draft, bases) {
    const action = draft.answerId ? `/console/answers/${draft.answerId}/versions` : '/console/answers';
    return html `<form method="post" action="${action}" class="stack" id="answer-form">${csrfField(context)}
<label for="kb">Base</label>
<select id="kb" name="kb" required>${bases.map((base) => html `<option value="${base.id}"${base.id === draft.kb ? html ` selected` : ''}>${base.name}</option>`)}</select>
<label for="questions">Famille de questions <span class="hint">(une formulation par ligne ; la réponse est servie aux questions proches de l’une d’elles)</span></label>
<textarea id="questions" name="questions" rows="4" required>${draft.questions.join('\n')}</textarea>
<label for="text">Réponse <span class="hint">(Markdown ; citez les sources par [1], [2]… dans l’ordre choisi ci-dessous)</span></label>
<textarea id="text" name="text" rows="8" required>${draft.text}</textarea>
<label for="sources">Sources <span class="hint">(identifiants de passages, un par ligne, dans l’ordre des renvois)</span></label>
<textarea id="sources" name="sources" rows="3" required>${draft.sourceIds.join('\n')}</textarea>
<button type="submit">Proposer cette version pour relecture</button>
</form>
<section aria-labelledby="search-title" class="card"><h2 id="search-title">Trouver un passage</h2>
<form id="passage-search" class="inline-form" data-search-url="/console/api/passages" role="search">
<label for="passage-query">Mots de la recherche</label> <input id="passage-query" name="q" type="search">
<button type="submit" class="secondary">Chercher dans la base choisie</button></form>
<div id="passage-results" aria-live="polite"></div></section>`;
}
export function answerPage(context, versions, names, bases) {
    const latest = versions[0];
    const me = context.user?.id.toLowerCase();
    return layout(context, `Réponse type ${latest.answerId}`, html `<p>Base : ${names.get(latest.kb) ?? latest.kb}.</p>
${versions.map((version) => html `<article class="card" aria-labelledby="v${version.version}">
<h2 id="v${version.version}">Version ${version.version} — <span class="badge ${version.status}">${STATUS_LABELS[version.status]}</span></h2>
<p class="meta">Rédigée par ${version.author} le ${dateTime(version.createdAt)}${version.reviewer ? ` ; ${version.status === 'rejected' ? 'refusée' : version.status === 'withdrawn' ? 'retirée' : 'publiée'} par ${version.reviewer} le ${dateTime(version.reviewedAt)}` : ''}${version.note ? ` — « ${version.note} »` : ''}</p>
<h3>Famille de questions</h3><ul>${version.questions.map((question) => html `<li>${question}</li>`)}</ul>
<h3>Réponse</h3><pre class="answer-text">${version.text}</pre>
<h3>Sources</h3><ol>${version.sourceIds.map((id) => html `<li><code>${id}</code></li>`)}</ol>
${version.status === 'proposed'
        ? me === version.author.toLowerCase()
            ? html `<p class="hint">Vous avez rédigé cette version : un autre curateur doit la relire et la publier.</p>`
            : html `<div class="actions"><form method="post" action="/console/answers/${version.answerId}/versions/${version.version}/publish">${csrfField(context)}<button type="submit">Publier la version ${version.version}</button></form>
<form method="post" action="/console/answers/${version.answerId}/versions/${version.version}/reject" class="inline-form">${csrfField(context)}
<label for="note-${version.version}">Motif du refus</label> <input id="note-${version.version}" name="note" type="text"> <button type="submit" class="secondary">Refuser</button></form></div>`
        : ''}
${version.status === 'published'
        ? html `<form method="post" action="/console/answers/${version.answerId}/withdraw">${csrfField(context)}<button type="submit" class="secondary">Retirer cette réponse (ne plus la servir)</button></form>`
        : ''}
</article>`)}
<h2>Proposer une nouvelle version</h2>
${answerForm(context, { answerId: latest.answerId, kb: latest.kb, questions: latest.questions, text: latest.text, sourceIds: latest.sourceIds }, bases)}`, { current: '/console/answers' });
}
