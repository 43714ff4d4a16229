import { z } from 'zod';
import { numberKey } from './article-identity.ts';
import { isIsoDay } from './question-dates.ts';

/**
 * The concordance between two numberings of a code (a recodification, or articles moved to another code): a
 * many-to-many table old number ↔ new number with the date and the kind of change. Loaded per code from CSV
 * (`passerelle concordance import`), kept in the state store's database (SQLite by default, PostgreSQL in
 * production), read to answer "où est passé l'article 414 ?" and to find the new article(s) a question names
 * by its old number (and the reverse).
 *
 * Contract (test/contract/concordance-store.contract.ts, run on both stores): `replace` swaps every row of the given
 * codes of a base at once; `forward`/`backward` match numbers whatever their spelling ("L. 512-1" = "l512-1");
 * reads of an unknown base are empty.
 */

export const CONCORDANCE_KINDS = ['moved', 'split', 'merged', 'repealed'] as const;
export type ConcordanceKind = (typeof CONCORDANCE_KINDS)[number];

export const ConcordanceRowSchema = z.object({
  /** Code of the old number, e.g. "Code des douanes". */
  code: z.string().min(1).max(200),
  oldNumber: z.string().min(1).max(40),
  /** Code of the new number when it moved to another code; default: `code`. */
  newCode: z.string().min(1).max(200).optional(),
  /** Absent for a repealed article. */
  newNumber: z.string().min(1).max(40).optional(),
  /** ISO date the new numbering applies from; absent when unknown. */
  date: z.string().refine(isIsoDay, 'date AAAA-MM-JJ attendue').optional(),
  kind: z.enum(CONCORDANCE_KINDS),
  note: z.string().max(500).optional(),
});
export type ConcordanceRow = z.infer<typeof ConcordanceRowSchema>;

export interface ConcordanceStore {
  /** Replaces every row of these codes in the base by `rows` (one transaction). Returns the number stored. */
  replace(kb: string, codes: string[], rows: ConcordanceRow[]): Promise<number>;
  /** Rows whose old number is `number` (in `code` when given). */
  forward(kb: string, number: string, code?: string): Promise<ConcordanceRow[]>;
  /** Rows whose new number is `number` (in `code` — the new code — when given). */
  backward(kb: string, number: string, code?: string): Promise<ConcordanceRow[]>;
  /** Every row of a base, of one code when given. */
  list(kb: string, code?: string): Promise<ConcordanceRow[]>;
  close(): Promise<void>;
}

/** The key both stores index numbers by. */
export function concordanceKey(number: string): string {
  return numberKey(number);
}

