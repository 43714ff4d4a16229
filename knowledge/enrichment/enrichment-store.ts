import type { EnrichmentEntry, EnrichmentOrigin } from './enrichment.ts';
import type { EnrichmentEntries } from './enrichment-lookup.ts';

/**
 * Where entries written after shipping live — machine drafts from `passerelle enrich`, curators' edits and
 * approvals — one per (base, document). SQLite in the data folder by default, PostgreSQL (the state store's
 * database) in production so that every replica and worker sees the same entries.
 *
 * Contract (test/contract/enrichment-store.contract.ts, run on both): `put` replaces the entry of the same
 * (kb, id); `list` returns a base's entries by id, filtered by status and origin; `remove` says whether there
 * was one; reads of an unknown base are empty.
 */
export interface EnrichmentStore extends EnrichmentEntries {
  get(kb: string, documentId: string): Promise<EnrichmentEntry | undefined>;
  put(kb: string, entry: EnrichmentEntry): Promise<void>;
  list(kb: string, filter?: { status?: EnrichmentEntry['status']; origin?: EnrichmentOrigin }): Promise<EnrichmentEntry[]>;
  remove(kb: string, documentId: string): Promise<boolean>;
  close(): Promise<void>;
}
