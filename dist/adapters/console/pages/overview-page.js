import { html, number, trusted } from "../html.js";
import { layout } from "./layout.js";
/** Figures for the period, then each chart (Chart.js, drawn by console.js) with its data as a table. */
const OUTCOMES = [
    { key: 'answered', label: 'Répondues' },
    { key: 'abstained', label: 'Sans réponse fiable' },
    { key: 'refused', label: 'Refusées (actes de procédure)' },
];
export function overviewPage(context, overview, names) {
    const { totals } = overview;
    const percent = (value) => (value === undefined ? '—' : `${number(value * 100, 0)} %`);
    const ms = (value) => (value === undefined ? '—' : value >= 1_000 ? `${number(value / 1_000, 1)} s` : `${number(value)} ms`);
    const channel = (id) => ({ teams: 'Teams', matrix: 'Tchap', local: 'Terminal' })[id] ?? id;
    const charts = [
        { id: 'outcomes', title: 'Questions par jour, selon leur issue', type: 'bar', stacked: true, series: OUTCOMES.map((outcome) => ({ label: outcome.label, data: overview.outcomes[outcome.key] })) },
        { id: 'bases', title: 'Questions par jour et par base', type: 'line', stacked: false, series: overview.byBase.map((base) => ({ label: names.get(base.id) ?? base.id, data: base.counts })) },
        { id: 'channels', title: 'Questions par jour et par canal', type: 'line', stacked: false, series: overview.byChannel.map((entry) => ({ label: channel(entry.id), data: entry.counts })) },
        { id: 'ratings', title: 'Avis des agents par jour', type: 'bar', stacked: false, series: [{ label: 'Avis « utile »', data: overview.ratings.up }, { label: 'Avis « pas utile »', data: overview.ratings.down }] },
    ];
    return layout(context, 'Vue d’ensemble', html `<form method="get" action="/console/overview" class="inline-form" aria-label="Période">
<div><label for="from">Du</label> <input type="date" id="from" name="from" value="${overview.period.from}" required></div>
<div><label for="to">au</label> <input type="date" id="to" name="to" value="${overview.period.to}" required></div>
<button type="submit">Afficher</button>
</form>
<section aria-labelledby="figures"><h2 id="figures">Chiffres de la période</h2>
<dl class="figures">
<div><dt>Questions</dt><dd>${number(totals.questions)}</dd></div>
<div><dt>Répondues</dt><dd>${number(totals.answered)} <small>(dont ${number(totals.standard)} par réponse type)</small></dd></div>
<div><dt>Sans réponse fiable</dt><dd>${number(totals.abstained)}</dd></div>
<div><dt>Refusées</dt><dd>${number(totals.refused)}</dd></div>
<div><dt>Avis positifs</dt><dd>${percent(totals.satisfaction)} <small>(${number(totals.up)} utiles, ${number(totals.down)} pas utiles)</small></dd></div>
<div><dt>Temps de réponse médian (p50)</dt><dd>${ms(totals.p50Ms)}</dd></div>
<div><dt>Temps de réponse p95</dt><dd>${ms(totals.p95Ms)}</dd></div>
<div><dt>Jetons du modèle (entrée / sortie)</dt><dd>${number(totals.inputTokens)} / ${number(totals.outputTokens)}</dd></div>
<div><dt>Énergie estimée</dt><dd>${number(totals.energyWh, 2)} Wh</dd></div>
</dl></section>
${charts.map((chart) => chartSection(chart, overview.days))}`, { current: '/console/overview' });
}
function chartSection(chart, days) {
    const data = JSON.stringify({ type: chart.type, stacked: chart.stacked, labels: days.map(shortDay), series: chart.series }).replace(/</g, '\\u003c');
    const total = chart.series.reduce((sum, entry) => sum + entry.data.reduce((a, b) => a + b, 0), 0);
    return html `<section class="chart" aria-labelledby="chart-${chart.id}-title">
<h2 id="chart-${chart.id}-title">${chart.title}</h2>
<div class="chart-frame"><canvas id="chart-${chart.id}" data-chart="chart-${chart.id}-data" role="img" aria-label="${chart.title} : ${total} au total sur la période ; détail dans le tableau qui suit."></canvas></div>
<script type="application/json" id="chart-${chart.id}-data">${trusted(data)}</script>
<details><summary>Données du graphique « ${chart.title} »</summary>
<div class="table-scroll"><table><caption>${chart.title}</caption>
<thead><tr><th scope="col">Jour</th>${chart.series.map((entry) => html `<th scope="col">${entry.label}</th>`)}</tr></thead>
<tbody>${days.map((day, index) => html `<tr><th scope="row">${shortDay(day)}</th>${chart.series.map((entry) => html `<td>${entry.data[index] ?? 0}</td>`)}</tr>`)}</tbody>
</table></div></details>
</section>`;
}
function shortDay(day) {
    const [year, month, date] = day.split('-');
    return `${date}/${month}/${year}`;
}
