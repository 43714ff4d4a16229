import type { AnnouncementRoomRow } from '../../../bots/console/announcement-rooms-admin.ts';
import type { RoomSettingsRecord } from '../../../state/state-store.ts';
import { dateTime, html, type Html } from '../html.ts';
import { csrfField, layout, type PageContext } from './layout.ts';

/**
 * « Salons » (administrators): the settings of each room or channel (`paramètres`), editable, and the Tchap
 * announcement rooms with their members, kept from the membership list on demand.
 */

export interface RoomsView {
  settings: RoomSettingsRecord[];
  bases: Array<{ id: string; name: string }>;
  /** Known conversations, to give settings to one that has none yet. */
  conversations: Array<{ key: string; label: string }>;
  /** Undefined: announcement rooms not available (no Tchap channel or no membership list). */
  announcementRooms?: AnnouncementRoomRow[];
}

export function roomsPage(context: PageContext, view: RoomsView): Html {
  return layout(
    context,
    'Salons',
    html`<p>Ce que les modérateurs d’un salon ou d’un canal choisissent avec la commande <code>paramètres</code> : bases consultées, réponse aux seules mentions, annonces acceptées, avis IA. Les changements faits ici sont appliqués au message suivant et inscrits au journal.</p>
<h2>Paramètres des salons</h2>
${view.settings.length === 0
  ? html`<p class="empty">Aucun salon n’a de paramètres propres : les valeurs par défaut s’appliquent partout.</p>`
  : view.settings.map((record, index) => settingsForm(context, view.bases, record, `salon-${index}`))}
<section aria-labelledby="new-settings-title" class="card"><h2 id="new-settings-title">Paramétrer une autre conversation</h2>
${settingsForm(context, view.bases, undefined, 'nouveau', view.conversations)}
</section>
<h2>Salons d’annonce Tchap</h2>
${view.announcementRooms === undefined
  ? html`<p class="empty">Non disponibles : canal Tchap non démarré ou aucune liste de membres (ANNOUNCE_ROOMS_FILE).</p>`
  : html`${view.announcementRooms.length === 0
      ? html`<p class="empty">Aucun salon d’annonce pour l’instant.</p>`
      : html`<div class="table-scroll"><table><caption>Salons d’annonce (un message par salon ; les membres lisent, seul le bot publie)</caption>
<thead><tr><th scope="col">Service</th><th scope="col">Destinataires</th><th scope="col">Membres</th><th scope="col">Salon</th></tr></thead>
<tbody>${view.announcementRooms.map((room) => html`<tr><th scope="row">${room.service}</th><td><code>${room.term}</code></td><td>${room.members}</td><td>${room.roomId}</td></tr>`)}</tbody></table></div>`}
<form method="post" action="/console/rooms/announcement-rooms/sync">${csrfField(context)}<button type="submit">Mettre à jour depuis la liste des membres</button></form>`}`,
    { current: '/console/rooms' },
  );
}

function settingsForm(context: PageContext, bases: RoomsView['bases'], record: RoomSettingsRecord | undefined, id: string, conversations: RoomsView['conversations'] = []): Html {
  const settings = record?.settings ?? {};
  const chosen = new Set(settings.bases ?? []);
  const yesNo = (name: string, label: string, value: boolean) => html`<label for="${id}-${name}">${label}</label>
<select id="${id}-${name}" name="${name}"><option value="oui"${value ? html` selected` : ''}>oui</option><option value="non"${value ? '' : html` selected`}>non</option></select>`;
  return html`<form method="post" action="/console/rooms/settings" class="stack card" aria-labelledby="${id}-title">${csrfField(context)}
${record
  ? html`<h3 id="${id}-title">${record.roomKey}</h3><input type="hidden" name="roomKey" value="${record.roomKey}">
<p class="hint">Dernier changement le ${dateTime(record.updatedAt)} (${record.updatedBy.startsWith('console') ? 'console' : 'modérateur du salon'}).</p>`
  : html`<h3 id="${id}-title" class="visually-hidden">Nouvelle conversation</h3><label for="${id}-key">Conversation <span class="hint">(clé, par exemple matrix:!salon:serveur)</span></label>
<input id="${id}-key" name="roomKey" type="text" required list="${id}-known"><datalist id="${id}-known">${conversations.map((conversation) => html`<option value="${conversation.key}">${conversation.label}</option>`)}</datalist>`}
<fieldset><legend>Bases consultées <span class="hint">(aucune cochée : toutes celles de l’agent)</span></legend>
${bases.map((kb) => html`<label class="check"><input type="checkbox" name="bases" value="${kb.id}"${chosen.has(kb.id) ? html` checked` : ''}> ${kb.name}</label>`)}
</fieldset>
${yesNo('mention', 'Répondre seulement quand le bot est mentionné', settings.mentionOnly ?? true)}
${yesNo('annonces', 'Annonces acceptées', settings.announcements ?? true)}
<label for="${id}-avis">Avis IA <span class="hint">(vide : le texte par défaut)</span></label>
<textarea id="${id}-avis" name="avis" rows="2" maxlength="1000">${settings.aiNotice ?? ''}</textarea>
<button type="submit">Enregistrer${record ? html` les paramètres de ${record.roomKey}` : ''}</button>
</form>`;
}
