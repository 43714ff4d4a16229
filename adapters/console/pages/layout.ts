import { html, type Html } from '../html.ts';
import { allowed, ROLE_LABELS, type Area } from '../roles.ts';
import type { ConsoleUser } from '../sessions.ts';

/** The page frame: language, title, skip link, navigation by role, one h1, the CSRF token for scripts. */

export interface PageContext {
  user?: ConsoleUser;
  csrf?: string;
  /** The area of the page, marked as current in the navigation. */
  area?: Area;
  /** A confirmation to show at the top (role=status). */
  notice?: string;
}

const NAVIGATION: Array<{ area: Area; href: string; label: string }> = [
  { area: 'overview', href: '/console/overview', label: 'Vue d’ensemble' },
  { area: 'curation', href: '/console/curation', label: 'File de curation' },
  { area: 'curation', href: '/console/answers', label: 'Réponses types' },
  { area: 'announcements', href: '/console/announcements', label: 'Annonces' },
  { area: 'rooms', href: '/console/rooms', label: 'Salons' },
  { area: 'knowledge', href: '/console/knowledge', label: 'Bases de connaissances' },
  { area: 'audit', href: '/console/audit', label: 'Journal' },
];

export function layout(context: PageContext, title: string, body: Html, options: { current?: string } = {}): Html {
  const { user } = context;
  const links = user ? NAVIGATION.filter((entry) => allowed(user.role, entry.area)) : [];
  return html`<html lang="fr">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
${context.csrf ? html`<meta name="csrf-token" content="${context.csrf}">` : ''}
<title>${title} — Console Passerelle</title>
<link rel="stylesheet" href="/console/assets/console.css">
<script src="/console/assets/chart.umd.min.js" defer></script>
<script src="/console/assets/console.js" defer></script>
</head>
<body>
<a class="skip-link" href="#contenu">Aller au contenu</a>
<header class="site-header">
  <p class="brand"><a href="/console">Passerelle <span>— console d’administration</span></a></p>
  ${user
    ? html`<div class="who"><span>${user.name} (${ROLE_LABELS[user.role]})</span>
      <form method="post" action="/console/logout"><input type="hidden" name="csrf" value="${context.csrf ?? ''}"><button type="submit" class="link-button">Se déconnecter</button></form></div>`
    : ''}
</header>
${links.length > 0
  ? html`<nav aria-label="Navigation principale"><ul class="nav">${links.map(
      (entry) => html`<li><a href="${entry.href}"${entry.href === (options.current ?? '') ? html` aria-current="page"` : ''}>${entry.label}</a></li>`,
    )}</ul></nav>`
  : ''}
<main id="contenu" tabindex="-1">
<h1>${title}</h1>
${context.notice ? html`<p class="notice" role="status">${context.notice}</p>` : ''}
${body}
</main>
<footer class="site-footer"><p>Passerelle — assistant documentaire des agents des douanes. Données personnelles masquées dans la console.</p></footer>
</body>
</html>`;
}

/** A form's hidden CSRF field. */
export function csrfField(context: PageContext): Html {
  return html`<input type="hidden" name="csrf" value="${context.csrf ?? ''}">`;
}

export function errorPage(context: PageContext, status: number, message: string, back?: string): Html {
  const title = status === 404 ? 'Page introuvable' : status === 403 ? 'Accès refusé' : status === 401 ? 'Connexion requise' : 'Action impossible';
  return layout(
    context,
    title,
    html`<div class="error" role="alert"><p>${message}</p></div>
<p>${back ? html`<a href="${back}">Revenir à la page précédente</a>` : html`<a href="/console">Revenir à l’accueil de la console</a>`}</p>`,
  );
}
