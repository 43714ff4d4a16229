import { chooseEntry, type EnrichmentEntry, type EnrichmentSource } from './enrichment.ts';
import type { ShippedEnrichment } from './shipped-enrichment.ts';

/** Entries written after shipping (curators' edits, machine drafts), per base. */
export interface EnrichmentEntries {
  get(kb: string, documentId: string): Promise<EnrichmentEntry | undefined>;
}

/**
 * The entry that applies to a document: the curators' and machine entries of the base, then the shipped team
 * data; only entries written for the document's current text; the most authoritative one.
 */
export class EnrichmentLookup implements EnrichmentSource {
  constructor(
    private readonly shipped: ShippedEnrichment | undefined,
    private readonly written: EnrichmentEntries | undefined,
    private readonly indexDrafts: boolean,
  ) {}

  /** The entry kept for a document whatever text it was written for (a curators' or machine entry first). */
  async latest(kb: string, documentId: string): Promise<EnrichmentEntry | undefined> {
    return (await this.written?.get(kb, documentId)) ?? this.shipped?.get(documentId);
  }

  async lookup(kb: string, documentId: string, hash: string): Promise<EnrichmentEntry | undefined> {
    const written = await this.written?.get(kb, documentId);
    return chooseEntry([written, this.shipped?.get(documentId)], hash, this.indexDrafts);
  }
}
