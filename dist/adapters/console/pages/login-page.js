import { html } from "../html.js";
import { layout } from "./layout.js";
export function loginPage(options) {
    return layout({}, 'Connexion', html `${options.error ? html `<div class="error" role="alert"><p>${options.error}</p></div>` : ''}
${options.providers.length > 0
        ? html `<section aria-labelledby="sso"><h2 id="sso">Avec votre compte professionnel</h2>
<ul class="providers">${options.providers.map((provider) => html `<li><a class="button" href="/console/login/${provider.id}">Se connecter avec ${provider.label}</a></li>`)}</ul></section>`
        : ''}
${options.tokenEnabled
        ? html `<section aria-labelledby="local"><h2 id="local">Connexion locale (jeton d’administration)</h2>
<p>Réservée à l’exploitation, sur le poste du serveur : le jeton est celui de <code>PASSERELLE_ADMIN_TOKEN</code>.</p>
<form method="post" action="/console/login" class="stack">
<input type="hidden" name="csrf" value="${options.loginCsrf}">
${options.next ? html `<input type="hidden" name="next" value="${options.next}">` : ''}
<label for="token">Jeton d’administration</label>
<input id="token" name="token" type="password" autocomplete="current-password" required>
<button type="submit">Se connecter</button>
</form></section>`
        : ''}
${!options.tokenEnabled && options.providers.length === 0 ? html `<p>Aucun mode de connexion n’est configuré (PASSERELLE_ADMIN_TOKEN, ProConnect ou Entra ID).</p>` : ''}`);
}
