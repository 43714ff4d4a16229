/** What a synchronisation with an official source did, for curators (CLI output, JSON, the console when it exists). */
export interface SyncReport {
  source: 'legi' | 'legifrance';
  kb: string;
  /** Archives (LEGI) or codes (Légifrance) processed, in order. */
  steps: Array<{ name: string; status: 'applied' | 'already-applied' | 'failed'; articles: number; error?: string }>;
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
  warnings: string[];
  /** False when a step failed: the next run starts again from it. */
  complete: boolean;
}

export function emptyReport(source: SyncReport['source'], kb: string): SyncReport {
  return { source, kb, steps: [], missingDays: [], added: 0, updated: 0, removed: 0, unchanged: 0, changedArticles: [], changedCount: 0, warnings: [], complete: true };
}

/** The report in French, one line per step then totals. */
export function formatSyncReport(report: SyncReport): string {
  const label = report.source === 'legi' ? 'Synchronisation LEGI (DILA)' : 'Synchronisation Légifrance (PISTE)';
  const lines = [`${label} de la base ${report.kb} :`];
  for (const step of report.steps) {
    const status = step.status === 'applied' ? `appliquée (${step.articles} article(s))` : step.status === 'already-applied' ? 'déjà appliquée' : `ÉCHEC — ${step.error ?? 'erreur inconnue'}`;
    lines.push(`  ${step.name} : ${status}`);
  }
  if (report.steps.length === 0) lines.push('  rien de nouveau à appliquer.');
  for (const day of report.missingDays) lines.push(`  ⚠ jour manquant : ${day} (aucune archive quotidienne ; des modifications peuvent manquer jusqu’à la prochaine archive complète)`);
  lines.push(`  Versions d’articles : ${report.added} ajoutée(s), ${report.updated} mise(s) à jour, ${report.removed} retirée(s), ${report.unchanged} inchangée(s).`);
  if (report.changedArticles.length > 0) lines.push(`  Articles modifiés : ${report.changedArticles.slice(0, 30).join(', ')}${report.changedCount > 30 ? `, … (${report.changedCount} en tout)` : ''}`);
  for (const warning of report.warnings.slice(0, 20)) lines.push(`  ⚠ ${warning}`);
  if (!report.complete) lines.push('  La synchronisation s’est arrêtée à l’étape en échec ; relancez-la pour reprendre à partir de celle-ci.');
  return `${lines.join('\n')}\n`;
}
