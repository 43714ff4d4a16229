/** What a synchronisation with an official source did, for curators (CLI output, JSON, the console, their rooms). */
export interface SyncReport {
  source: 'legi' | 'legifrance';
  kb: string;
  /** Archives (LEGI) or codes (Légifrance) processed, in order. */
  steps: Array<{ name: string; status: 'applied' | 'already-applied' | 'failed'; articles: number; error?: string }>;
  /** Archives downloaded in this run (`sync legi --url`). */
  downloaded?: string[];
  /** Daily increments missing between two that were applied (DILA publishes every day but Sunday). */
  missingDays: string[];
  added: number;
  updated: number;
  removed: number;
  unchanged: number;
  /** Article versions whose text or dates changed: "414 (VIGUEUR, LEGIARTI…)". The first 200. */
  changedArticles: string[];
  /** How many article versions changed in all. */
  changedCount: number;
  /**
   * Per code: article versions new to the base, changed (text, dates or state), ended (now closed: MODIFIE,
   * ABROGE…) and removed (a removal list). Absent in reports written before it existed.
   */
  codes?: CodeChanges[];
  /** Articles whose agents' wording was rewritten for their new text (chat model configured). */
  reenriched?: string[];
  /** Articles whose agents' wording still describes an older text (no model, or the model failed): to rewrite. */
  staleEnrichment?: string[];
  warnings: string[];
  /** False when a step failed: the next run starts again from it. */
  complete: boolean;
  /** The failure that stopped the run: its catalogue code, and whether a later run may get past it. */
  failure?: { code: string; retryable: boolean };
}

export interface CodeChanges {
  code: string;
  added: number;
  changed: number;
  ended: number;
  removed: number;
}

export function emptyReport(source: SyncReport['source'], kb: string): SyncReport {
  return { source, kb, steps: [], missingDays: [], added: 0, updated: 0, removed: 0, unchanged: 0, changedArticles: [], changedCount: 0, codes: [], warnings: [], complete: true };
}

/** The counts of `code` in the report, created on first use. */
export function codeChanges(report: SyncReport, code: string): CodeChanges {
  report.codes ??= [];
  let entry = report.codes.find((candidate) => candidate.code === code);
  if (!entry) {
    entry = { code, added: 0, changed: 0, ended: 0, removed: 0 };
    report.codes.push(entry);
  }
  return entry;
}

const plural = (count: number, one: string, many: string) => `${count} ${count > 1 ? many : one}`;

/** The report in French, one line per step then totals. */
export function formatSyncReport(report: SyncReport): string {
  const label = report.source === 'legi' ? 'Synchronisation LEGI (DILA)' : 'Synchronisation Légifrance (PISTE)';
  const lines = [`${label} de la base ${report.kb} :`];
  if (report.downloaded && report.downloaded.length > 0) lines.push(`  Archives téléchargées : ${report.downloaded.join(', ')}`);
  for (const step of report.steps) {
    const status = step.status === 'applied' ? `appliquée (${step.articles} article(s))` : step.status === 'already-applied' ? 'déjà appliquée' : `ÉCHEC — ${step.error ?? 'erreur inconnue'}`;
    lines.push(`  ${step.name} : ${status}`);
  }
  if (report.steps.length === 0) lines.push('  rien de nouveau à appliquer.');
  for (const day of report.missingDays) lines.push(`  ⚠ jour manquant : ${day} (aucune archive quotidienne ; des modifications peuvent manquer jusqu’à la prochaine archive complète)`);
  lines.push(`  Versions d’articles : ${report.added} ajoutée(s), ${report.updated} mise(s) à jour, ${report.removed} retirée(s), ${report.unchanged} inchangée(s).`);
  for (const code of report.codes ?? []) {
    lines.push(`  ${code.code} : ${plural(code.added, 'version nouvelle', 'versions nouvelles')}, ${plural(code.changed, 'modifiée', 'modifiées')}, ${plural(code.ended, 'close', 'closes')} (fin de vigueur), ${plural(code.removed, 'supprimée', 'supprimées')}.`);
  }
  if (report.changedArticles.length > 0) lines.push(`  Articles modifiés : ${report.changedArticles.slice(0, 30).join(', ')}${report.changedCount > 30 ? `, … (${report.changedCount} en tout)` : ''}`);
  if (report.reenriched && report.reenriched.length > 0) lines.push(`  Formulations des agents réécrites pour le nouveau texte : ${report.reenriched.slice(0, 30).join(', ')}${report.reenriched.length > 30 ? ', …' : ''}`);
  if (report.staleEnrichment && report.staleEnrichment.length > 0) {
    lines.push(`  ⚠ Formulations des agents périmées (elles décrivent l’ancien texte, à réécrire : passerelle enrich) : ${report.staleEnrichment.slice(0, 30).join(', ')}${report.staleEnrichment.length > 30 ? ', …' : ''}`);
  }
  for (const warning of report.warnings.slice(0, 20)) lines.push(`  ⚠ ${warning}`);
  if (!report.complete) lines.push('  La synchronisation s’est arrêtée à l’étape en échec ; relancez-la pour reprendre à partir de celle-ci.');
  return `${lines.join('\n')}\n`;
}

/** A scheduled run as curators receive it in their conversations (Markdown, French). */
export interface SyncRunSummary {
  schedule: string;
  status: 'success' | 'failed';
  attempt: number;
  retryAt?: string;
  finishedAt: string;
  reports: SyncReport[];
  errors: string[];
}

const parisDate = (iso: string) => new Date(iso).toLocaleString('fr-FR', { timeZone: 'Europe/Paris', dateStyle: 'long', timeStyle: 'short' });

export function formatSyncRun(run: SyncRunSummary): string {
  const outcome = run.status === 'success' ? 'terminée' : run.retryAt ? 'incomplète' : 'en échec';
  const lines = [`**Synchronisation « ${run.schedule} » ${outcome}** — ${parisDate(run.finishedAt)}${run.attempt > 1 ? ` (essai n° ${run.attempt})` : ''}`, ''];
  for (const report of run.reports) lines.push(formatSyncReport(report).trimEnd(), '');
  for (const error of run.errors) lines.push(`⚠ ${error}`);
  if (run.retryAt) lines.push(`Nouvel essai automatique le ${parisDate(run.retryAt)}.`);
  else if (run.status === 'failed') lines.push('Pas de nouvel essai automatique : corrigez la cause, la prochaine synchronisation programmée reprendra.');
  return lines.join('\n').trim();
}
