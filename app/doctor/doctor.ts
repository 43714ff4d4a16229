import type { Logger } from '../../bots/logger.ts';
import type { Config } from '../../config/schema.ts';
import { checksFor, type Check, type CheckOutcome } from './checks.ts';
import { describeFailure } from './describe-failure.ts';

/** One checked item with its outcome. */
export interface DiagnosisLine extends CheckOutcome {
  label: string;
}

export interface Diagnosis {
  lines: DiagnosisLine[];
  /** Failures (the exit code is 1 when there is one). */
  failures: number;
  warnings: number;
}

/**
 * `passerelle doctor`: runs every check the configuration calls for, each bounded by `timeoutMs` and
 * contained (one dependency down never hides the others), one after the other so the report reads in order.
 */
export async function diagnose(config: Readonly<Config>, logger: Logger, options: { timeoutMs: number; checks?: Check[] }): Promise<Diagnosis> {
  const lines: DiagnosisLine[] = [];
  for (const check of options.checks ?? checksFor(config)) {
    let outcome: CheckOutcome;
    try {
      outcome = await check.run(options.timeoutMs);
    } catch (error) {
      logger.debug('doctor check failed', { check: check.label, error });
      outcome = { status: 'failure', detail: describeFailure(error), fix: check.fixOnError };
    }
    lines.push({ label: check.label, ...outcome });
  }
  return {
    lines,
    failures: lines.filter((line) => line.status === 'failure').length,
    warnings: lines.filter((line) => line.status === 'warning').length,
  };
}

const MARKS: Record<CheckOutcome['status'], string> = { ok: '✓', warning: '!', failure: '✗', skipped: '–' };

/** The report an operator reads (French, one line per check, then what to fix). */
export function formatDiagnosis(diagnosis: Diagnosis): string {
  const out = ['Diagnostic de Passerelle', ''];
  for (const line of diagnosis.lines) {
    out.push(`${MARKS[line.status]} ${line.label} : ${line.detail}`);
    if (line.fix && line.status !== 'ok' && line.status !== 'skipped') out.push(`    → ${line.fix}`);
  }
  out.push('');
  if (diagnosis.failures > 0) out.push(`${diagnosis.failures} problème(s) à corriger${diagnosis.warnings ? `, ${diagnosis.warnings} avertissement(s)` : ''}.`);
  else if (diagnosis.warnings > 0) out.push(`Aucun problème bloquant ; ${diagnosis.warnings} avertissement(s).`);
  else out.push('Tout est en ordre.');
  return `${out.join('\n')}\n`;
}

/** The report when the configuration itself does not validate: nothing else can be checked. */
export function formatInvalidConfiguration(problems: string): string {
  return [
    'Diagnostic de Passerelle',
    '',
    `✗ Configuration : invalide — ${problems}`,
    '    → corrigez les variables d’environnement (ou le fichier PASSERELLE_CONFIG) indiquées, puis relancez « passerelle doctor »',
    '',
    '1 problème à corriger (les dépendances n’ont pas été vérifiées).',
    '',
  ].join('\n');
}
