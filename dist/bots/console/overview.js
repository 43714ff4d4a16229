import { LATENCY_BOUNDS_MS } from "../../state/state-store.js";
import { PasserelleError } from "../errors.js";
const MAX_DAYS = 366;
const DAY = /^\d{4}-\d{2}-\d{2}$/;
/** The period from form values (default: the last 30 days up to today); FORM_INVALID when unreadable. */
export function parsePeriod(from, to, today = new Date()) {
    const end = to || today.toISOString().slice(0, 10);
    const start = from || new Date(Date.parse(`${end}T00:00:00Z`) - 29 * 86_400_000).toISOString().slice(0, 10);
    for (const value of [start, end]) {
        if (!DAY.test(value) || Number.isNaN(Date.parse(`${value}T00:00:00Z`)))
            throw new PasserelleError('FORM_INVALID', { problem: `date « ${value.slice(0, 20)} » illisible (attendu AAAA-MM-JJ)` });
    }
    const days = (Date.parse(`${end}T00:00:00Z`) - Date.parse(`${start}T00:00:00Z`)) / 86_400_000 + 1;
    if (days < 1)
        throw new PasserelleError('FORM_INVALID', { problem: 'la date de début est après la date de fin' });
    if (days > MAX_DAYS)
        throw new PasserelleError('FORM_INVALID', { problem: `la période dépasse ${MAX_DAYS} jours` });
    return { from: start, to: end };
}
export async function overviewOf(statistics, period) {
    const figures = await statistics.activity(`${period.from}T00:00:00.000Z`, new Date(Date.parse(`${period.to}T00:00:00Z`) + 86_400_000).toISOString());
    return summarise(figures, period);
}
export function summarise(figures, period) {
    const days = [];
    for (let time = Date.parse(`${period.from}T00:00:00Z`); time <= Date.parse(`${period.to}T00:00:00Z`); time += 86_400_000)
        days.push(new Date(time).toISOString().slice(0, 10));
    const index = new Map(days.map((day, position) => [day, position]));
    const zeros = () => new Array(days.length).fill(0);
    const outcomes = { answered: zeros(), abstained: zeros(), refused: zeros() };
    const bases = new Map();
    const channels = new Map();
    const totals = { questions: 0, answered: 0, standard: 0, abstained: 0, refused: 0, up: 0, down: 0, inputTokens: 0, outputTokens: 0, energyWh: 0 };
    for (const row of figures.answers) {
        const position = index.get(row.day);
        if (position === undefined)
            continue;
        const outcome = row.kind === 'abstention' ? 'abstained' : row.kind === 'refusal' ? 'refused' : 'answered';
        outcomes[outcome][position] += row.count;
        totals[outcome] += row.count;
        if (row.kind === 'standard')
            totals.standard += row.count;
        totals.questions += row.count;
        totals.inputTokens += row.inputTokens;
        totals.outputTokens += row.outputTokens;
        totals.energyWh += row.energyWh;
        const base = row.kb || '(aucune)';
        (bases.get(base) ?? bases.set(base, zeros()).get(base))[position] += row.count;
        (channels.get(row.channel) ?? channels.set(row.channel, zeros()).get(row.channel))[position] += row.count;
    }
    const ratings = { up: zeros(), down: zeros() };
    for (const row of figures.ratings) {
        const position = index.get(row.day);
        if (position === undefined)
            continue;
        if (row.rating > 0) {
            ratings.up[position] += row.count;
            totals.up += row.count;
        }
        else {
            ratings.down[position] += row.count;
            totals.down += row.count;
        }
    }
    if (totals.up + totals.down > 0)
        totals.satisfaction = totals.up / (totals.up + totals.down);
    const p50 = percentile(figures.latency, 0.5);
    const p95 = percentile(figures.latency, 0.95);
    if (p50 !== undefined)
        totals.p50Ms = p50;
    if (p95 !== undefined)
        totals.p95Ms = p95;
    totals.energyWh = Math.round(totals.energyWh * 1_000) / 1_000;
    const series = (map) => [...map].sort(([a], [b]) => a.localeCompare(b)).map(([id, counts]) => ({ id, counts }));
    return { period, days, totals, outcomes, byBase: series(bases), byChannel: series(channels), ratings };
}
/**
 * The q-quantile of a histogram over LATENCY_BOUNDS_MS, interpolated linearly inside its bucket (the last,
 * open bucket answers its lower bound: "more than 60 s"). Undefined when the histogram is empty.
 */
export function percentile(histogram, q) {
    const total = histogram.reduce((sum, n) => sum + n, 0);
    if (total === 0)
        return undefined;
    const rank = q * total;
    let seen = 0;
    for (let bucket = 0; bucket < histogram.length; bucket++) {
        const count = histogram[bucket] ?? 0;
        if (count > 0 && seen + count >= rank) {
            const lower = bucket === 0 ? 0 : LATENCY_BOUNDS_MS[bucket - 1];
            const upper = LATENCY_BOUNDS_MS[bucket];
            if (upper === undefined)
                return lower;
            return Math.round(lower + ((rank - seen) / count) * (upper - lower));
        }
        seen += count;
    }
    return LATENCY_BOUNDS_MS.at(-1);
}
