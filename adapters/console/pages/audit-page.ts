import type { JournalEntry, JournalFilter } from '../../../state/curation-store.ts';
import { dateTime, html, type Html } from '../html.ts';
import { layout, type PageContext } from './layout.ts';

export const ACTION_LABELS: Record<string, string> = {
  'sign-in': 'connexion',
  'sign-in-refused': 'connexion refusée',
  'sign-out': 'déconnexion',
  'announcement-prepare': 'annonce préparée',
  'announcement-confirm': 'annonce confirmée',
  'announcement-cancel': 'annonce annulée',
  'room-settings-update': 'paramètres de salon modifiés',
  'announcement-rooms-sync': 'salons d’annonce mis à jour',
  'standard-answer-propose': 'réponse type proposée',
  'standard-answer-publish': 'réponse type publiée',
  'standard-answer-reject': 'réponse type refusée',
  'standard-answer-withdraw': 'réponse type retirée',
  'passage-rule-add': 'règle de passage ajoutée',
  'passage-rule-remove': 'règle de passage supprimée',
  'queue-handled': 'questions marquées traitées',
  'knowledge-upload': 'fichiers versés',
  'knowledge-remove': 'document retiré',
  'knowledge-reingest': 'document réindexé',
  'enrichment-approve': 'enrichissement approuvé',
  'enrichment-reject': 'enrichissement rejeté',
};

export function auditPage(context: PageContext, entries: JournalEntry[], filter: { from: string; to: string; actor: string; action: string }, query: string): Html {
  return layout(
    context,
    'Journal des actions',
    html`<form method="get" action="/console/audit" class="inline-form" aria-label="Filtrer le journal">
<div><label for="from">Du</label> <input type="date" id="from" name="from" value="${filter.from}"></div>
<div><label for="to">au</label> <input type="date" id="to" name="to" value="${filter.to}"></div>
<div><label for="actor">Qui</label> <input type="text" id="actor" name="actor" value="${filter.actor}"></div>
<div><label for="action">Action</label> <select id="action" name="action"><option value="">toutes</option>${Object.entries(ACTION_LABELS).map(([value, label]) => html`<option value="${value}"${value === filter.action ? html` selected` : ''}>${label}</option>`)}</select></div>
<button type="submit">Filtrer</button>
</form>
<p><a class="button secondary" href="/console/audit.csv${query ? `?${query}` : ''}" download>Exporter (CSV)</a></p>
${entries.length === 0
  ? html`<p class="empty">Aucune action pour ces critères.</p>`
  : html`<div class="table-scroll"><table><caption>Actions, les plus récentes d’abord (${entries.length})</caption>
<thead><tr><th scope="col">Quand</th><th scope="col">Qui</th><th scope="col">Rôle</th><th scope="col">Action</th><th scope="col">Objet</th><th scope="col">Détail</th></tr></thead>
<tbody>${entries.map((entry) => html`<tr><th scope="row">${dateTime(entry.at)}</th><td>${entry.actor}</td><td>${entry.role}</td><td>${ACTION_LABELS[entry.action] ?? entry.action}</td><td>${entry.target ?? ''}</td><td>${entry.details ?? ''}</td></tr>`)}</tbody>
</table></div>`}`,
    { current: '/console/audit' },
  );
}

export function journalFilter(from: string, to: string, actor: string, action: string, limit: number): JournalFilter {
  return {
    limit,
    ...(from ? { from: `${from}T00:00:00.000Z` } : {}),
    ...(to ? { to: `${to}T23:59:59.999Z` } : {}),
    ...(actor ? { actor } : {}),
    ...(action ? { action } : {}),
  };
}
