import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { DocumentEnrichment } from '../types.ts';

/**
 * Agent-language enrichment: for one document (a code article above all), the ways agents ask about it —
 * a plain subject, typical questions and everyday or service terms — written from the document's text alone,
 * never from evaluation questions. Entries are keyed by document id and by a hash of the text they were written
 * from: when the text changes, the entry no longer applies until it is rewritten (`passerelle enrich`).
 */

export const ENRICHMENT_ORIGINS = ['team', 'curator', 'model'] as const;
export type EnrichmentOrigin = (typeof ENRICHMENT_ORIGINS)[number];

export const EnrichmentEntrySchema = z.object({
  /** Document id (for code articles, the corpus id: "CD-414", "CGFP-L612-1"). */
  id: z.string().min(1).max(200),
  /** `textHash()` of the document text the entry was written from. */
  text_sha256: z.string().regex(/^[0-9a-f]{16}$/),
  subject: z.string().trim().min(1).max(200),
  questions: z.array(z.string().trim().min(1).max(300)).min(1).max(6),
  terms: z.array(z.string().trim().min(1).max(80)).max(16),
  origin: z.enum(ENRICHMENT_ORIGINS),
  status: z.enum(['approved', 'draft']),
  /** The chat model that wrote a machine entry. */
  model: z.string().max(200).optional(),
  /** ISO timestamp of the last change. */
  updated_at: z.string().optional(),
  /**
   * Written for an earlier text of the article and carried over when a sync changed it: still indexed (better
   * than nothing) but to be rewritten — `passerelle enrich` (or the sync, with a chat model) rewrites it.
   */
  stale: z.boolean().optional(),
});
export type EnrichmentEntry = z.infer<typeof EnrichmentEntrySchema>;

/** The fields a writer (team member, curator or model) provides. */
export const EnrichmentDraftSchema = EnrichmentEntrySchema.pick({ subject: true, questions: true, terms: true });
export type EnrichmentDraft = z.infer<typeof EnrichmentDraftSchema>;

/** 16 hex digits of the SHA-256 of the text with its white space collapsed: what an entry is tied to. */
export function textHash(text: string): string {
  return createHash('sha256').update(text.replace(/\s+/g, ' ').trim()).digest('hex').slice(0, 16);
}

/** The indexed form: subject, questions and terms, one per line. */
export function toDocumentEnrichment(entry: EnrichmentEntry): DocumentEnrichment {
  return { text: [entry.subject, ...entry.questions, entry.terms.join(' ; ')].join('\n'), origin: entry.origin, status: entry.status };
}

/** Where ingestion finds the entry that applies to a document, if any. */
export interface EnrichmentSource {
  /** The entry written for this document and this very text, by order of authority; undefined when none applies. */
  lookup(kb: string, documentId: string, hash: string): Promise<EnrichmentEntry | undefined>;
}

/** Authority when several entries apply: a curator's word over the team's shipped data over a machine's. */
const AUTHORITY: Record<EnrichmentOrigin, number> = { curator: 3, team: 2, model: 1 };

/** The applicable entry among candidates: matching hash, approved unless drafts are indexed, highest authority. */
export function chooseEntry(candidates: Array<EnrichmentEntry | undefined>, hash: string, indexDrafts: boolean): EnrichmentEntry | undefined {
  let best: EnrichmentEntry | undefined;
  for (const entry of candidates) {
    if (!entry || entry.text_sha256 !== hash) continue;
    if (entry.status === 'draft' && !indexDrafts) continue;
    if (!best || AUTHORITY[entry.origin] > AUTHORITY[best.origin]) best = entry;
  }
  return best;
}
