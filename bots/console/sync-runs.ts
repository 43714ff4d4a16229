import type { SyncReport } from '../../knowledge/sync/sync-report.ts';
import type { SyncRunLog } from '../../state/state-store.ts';

/** A run of a scheduled synchronisation as the console shows it, in French. */
export interface SyncRunRow {
  id: string;
  schedule: string;
  /** « LEGI (DILA) » or « Légifrance (PISTE) ». */
  source: string;
  bases: string[];
  startedAt: string;
  finishedAt: string;
  /** « réussie », « incomplète (nouvel essai prévu) », « en échec ». */
  outcome: string;
  ok: boolean;
  attempt: number;
  retryAt?: string;
  /** Per base and code: versions new, changed, closed, removed. */
  codes: Array<{ kb: string; code: string; added: number; changed: number; ended: number; removed: number }>;
  /** Archives downloaded or applied, codes read. */
  steps: string[];
  changedArticles: string[];
  missingDays: string[];
  /** Failed steps and bases, warnings. */
  problems: string[];
  staleEnrichment: string[];
  reenriched: string[];
}

/** The latest runs of the scheduled synchronisations, read from the state store, for the console's knowledge page. */
export class SyncRunsView {
  constructor(private readonly log: Pick<SyncRunLog, 'listSyncRuns'>) {}

  async latest(limit = 20): Promise<SyncRunRow[]> {
    return (await this.log.listSyncRuns(limit)).map((run) => {
      const reports = run.reports as SyncReport[];
      const failedSteps = reports.flatMap((report) => report.steps.filter((step) => step.status === 'failed').map((step) => `${report.kb} — ${step.name} : ${step.error ?? 'échec'}`));
      return {
        id: run.id,
        schedule: run.schedule,
        source: run.source === 'legi' ? 'LEGI (DILA)' : 'Légifrance (PISTE)',
        bases: run.bases,
        startedAt: run.startedAt,
        finishedAt: run.finishedAt,
        outcome: run.status === 'success' ? 'réussie' : run.retryAt ? 'incomplète (nouvel essai prévu)' : 'en échec',
        ok: run.status === 'success',
        attempt: run.attempt,
        ...(run.retryAt ? { retryAt: run.retryAt } : {}),
        codes: reports.flatMap((report) => (report.codes ?? []).map((code) => ({ kb: report.kb, ...code }))),
        steps: reports.flatMap((report) => [...(report.downloaded ?? []).map((name) => `${name} (téléchargée)`), ...report.steps.filter((step) => step.status === 'applied').map((step) => `${step.name} (${step.articles} article(s))`)]),
        changedArticles: reports.flatMap((report) => report.changedArticles).slice(0, 50),
        missingDays: [...new Set(reports.flatMap((report) => report.missingDays))],
        problems: [...run.errors, ...failedSteps, ...reports.flatMap((report) => report.warnings.slice(0, 10))],
        staleEnrichment: reports.flatMap((report) => report.staleEnrichment ?? []),
        reenriched: reports.flatMap((report) => report.reenriched ?? []),
      };
    });
  }
}
