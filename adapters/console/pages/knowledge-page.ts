import type { DocumentRow } from '../../../bots/console/knowledge-admin.ts';
import type { SyncRunRow } from '../../../bots/console/sync-runs.ts';
import type { EnrichmentEntry } from '../../../knowledge/enrichment/enrichment.ts';
import type { IngestionFailure } from '../../../state/curation-store.ts';
import { CLASSIFICATIONS } from '../../../knowledge/types.ts';
import { dateTime, html, type Html } from '../html.ts';
import { csrfField, layout, type PageContext } from './layout.ts';

export function basesPage(context: PageContext, bases: Array<{ id: string; name: string; ceiling: string; documents: number; chunks: number }>, runs: SyncRunRow[] = []): Html {
  return layout(
    context,
    'Bases de connaissances',
    html`<div class="table-scroll"><table><caption>Bases du catalogue</caption>
<thead><tr><th scope="col">Base</th><th scope="col">Documents</th><th scope="col">Passages</th><th scope="col">Plafond de classification</th></tr></thead>
<tbody>${bases.map((base) => html`<tr><th scope="row"><a href="/console/knowledge/${base.id}">${base.name}</a></th><td>${base.documents}</td><td>${base.chunks}</td><td>${base.ceiling}</td></tr>`)}</tbody>
</table></div>
<h2 id="sync-title">Synchronisations avec les sources officielles</h2>
${runs.length === 0
  ? html`<p class="empty">Aucune synchronisation programmée n’a encore eu lieu (sync.schedules dans la configuration ; <code>passerelle sync</code> à la main).</p>`
  : html`<ul class="sync-runs" aria-labelledby="sync-title">${runs.map(syncRunItem)}</ul>`}`,
    { current: '/console/knowledge' },
  );
}

function syncRunItem(run: SyncRunRow): Html {
  const list = (label: string, items: string[]) => (items.length === 0 ? '' : html`<p>${label} : ${items.join(', ')}</p>`);
  return html`<li class="card sync-run" data-status="${run.ok ? 'success' : 'failed'}"><h3>${run.schedule} — ${run.source} — ${dateTime(run.finishedAt)} : <strong>${run.outcome}</strong>${run.attempt > 1 ? ` (essai n° ${run.attempt})` : ''}</h3>
<p>Bases : ${run.bases.join(', ')}${run.retryAt ? html` — nouvel essai le ${dateTime(run.retryAt)}` : ''}</p>
${run.codes.length === 0
  ? html`<p>Aucune version d’article modifiée.</p>`
  : html`<div class="table-scroll"><table><caption>Versions d’articles par code</caption>
<thead><tr><th scope="col">Base</th><th scope="col">Code</th><th scope="col">Nouvelles</th><th scope="col">Modifiées</th><th scope="col">Closes (fin de vigueur)</th><th scope="col">Supprimées</th></tr></thead>
<tbody>${run.codes.map((code) => html`<tr><td>${code.kb}</td><th scope="row">${code.code}</th><td>${code.added}</td><td>${code.changed}</td><td>${code.ended}</td><td>${code.removed}</td></tr>`)}</tbody></table></div>`}
${list('Archives et codes', run.steps)}${list('Articles modifiés', run.changedArticles)}${list('Jours manquants', run.missingDays)}
${list('Formulations des agents réécrites', run.reenriched)}${list('Formulations des agents périmées, à réécrire', run.staleEnrichment)}
${run.problems.length === 0 ? '' : html`<ul class="problems">${run.problems.map((problem) => html`<li>⚠ ${problem}</li>`)}</ul>`}</li>`;
}

export interface BaseView {
  id: string;
  name: string;
  ceiling: string;
  total: number;
  page: number;
  size: number;
  filter: string;
  rows: DocumentRow[];
  failures: IngestionFailure[];
  drafts: EnrichmentEntry[];
  enrichment: boolean;
}

export function basePage(context: PageContext, view: BaseView): Html {
  const pages = Math.max(1, Math.ceil(view.total / view.size));
  const link = (page: number) => `/console/knowledge/${view.id}?${new URLSearchParams({ page: String(page + 1), ...(view.filter ? { q: view.filter } : {}) })}`;
  return layout(
    context,
    `Base « ${view.name} »`,
    html`<section aria-labelledby="upload-title" class="card"><h2 id="upload-title">Verser des fichiers</h2>
<p>PDF, DOCX, HTML, Markdown, texte ou JSONL : mêmes lecteurs et mêmes contrôles que <code>passerelle ingest</code> (plafond de la base : ${view.ceiling}).</p>
<form method="post" action="/console/knowledge/${view.id}/upload" enctype="multipart/form-data" class="stack">${csrfField(context)}
<label for="files">Fichiers</label><input id="files" name="files" type="file" multiple required>
<label for="classification">Classification des documents qui n’en portent pas</label>
<select id="classification" name="classification">${CLASSIFICATIONS.filter((label) => label !== 'interdit-ia').map((label) => html`<option value="${label}"${label === 'interne' ? html` selected` : ''}>${label}</option>`)}</select>
<button type="submit">Verser dans la base</button></form></section>
<h2>Documents</h2>
<form method="get" action="/console/knowledge/${view.id}" class="inline-form" role="search"><label for="filter">Filtrer par identifiant ou source</label> <input id="filter" name="q" type="search" value="${view.filter}"> <button type="submit" class="secondary">Filtrer</button></form>
<p>${view.total} document(s) — page ${view.page + 1} sur ${pages}.</p>
<div class="table-scroll"><table><caption>Documents de la base (version et dernière synchronisation : ingestions faites par la console ou « passerelle ingest »)</caption>
<thead><tr><th scope="col">Document</th><th scope="col">Classification</th><th scope="col">Source</th><th scope="col">Version</th><th scope="col">Dernière synchronisation</th><th scope="col">Passages</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead>
<tbody>${view.rows.map(
      (row) => html`<tr><th scope="row">${row.title}<br><code>${row.documentId}</code></th><td>${row.classification ?? '—'}</td><td>${row.source}</td><td>${row.version ? row.version.version : '—'}</td><td>${row.version ? dateTime(row.version.syncedAt) : '—'}</td><td>${row.chunks}</td>
<td class="actions"><form method="post" action="/console/knowledge/${view.id}/documents/${encodeURIComponent(row.documentId)}/reingest">${csrfField(context)}<button type="submit" class="secondary" aria-label="Réindexer ${row.documentId}">Réindexer</button></form>
<form method="post" action="/console/knowledge/${view.id}/documents/${encodeURIComponent(row.documentId)}/remove">${csrfField(context)}<button type="submit" class="secondary" aria-label="Retirer ${row.documentId}">Retirer</button></form></td></tr>`,
    )}</tbody></table></div>
<nav aria-label="Pages de documents" class="pager">${view.page > 0 ? html`<a href="${link(view.page - 1)}">Page précédente</a>` : ''} ${view.page + 1 < pages ? html`<a href="${link(view.page + 1)}">Page suivante</a>` : ''}</nav>
<h2>Échecs d’ingestion récents</h2>
${view.failures.length === 0
  ? html`<p class="empty">Aucun échec récent.</p>`
  : html`<ul>${view.failures.map((failure) => html`<li><strong>${failure.file}</strong> (${dateTime(failure.at)}) : ${failure.message}</li>`)}</ul>`}
<h2>Enrichissement à relire</h2>
${!view.enrichment
  ? html`<p class="empty">L’enrichissement est désactivé (PASSERELLE_ENRICHMENT=off).</p>`
  : view.drafts.length === 0
    ? html`<p class="empty">Aucune formulation écrite par le modèle n’attend de relecture.</p>`
    : html`<ul class="drafts">${view.drafts.map(
        (entry) => html`<li class="card"><h3>${entry.id} — ${entry.subject}</h3>
<p>Questions : ${entry.questions.join(' · ')}</p><p>Termes : ${entry.terms.join(', ')}</p>
<div class="actions"><form method="post" action="/console/knowledge/${view.id}/enrichment/${encodeURIComponent(entry.id)}/approve">${csrfField(context)}<button type="submit" aria-label="Approuver l’enrichissement de ${entry.id}">Approuver</button></form>
<form method="post" action="/console/knowledge/${view.id}/enrichment/${encodeURIComponent(entry.id)}/reject">${csrfField(context)}<button type="submit" class="secondary" aria-label="Rejeter l’enrichissement de ${entry.id}">Rejeter</button></form></div></li>`,
      )}</ul>`}`,
    { current: '/console/knowledge' },
  );
}
