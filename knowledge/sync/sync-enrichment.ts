import type { EnrichmentLookup } from '../enrichment/enrichment-lookup.ts';
import type { EnrichmentStore } from '../enrichment/enrichment-store.ts';
import { textHash } from '../enrichment/enrichment.ts';
import type { Enricher } from '../enrichment/enricher.ts';
import type { ChatModel } from '../ports/chat-model.ts';
import type { TextChange } from './code-mirror.ts';
import type { SyncReport } from './sync-report.ts';

/** What a sync calls once the versions whose text changed are in the base. */
export interface SyncEnrichment {
  refresh(kb: string, changes: readonly TextChange[], report: SyncReport): Promise<void>;
}

/**
 * Keeps the agents' wording of synced articles in step with their text. Entries are tied to the text they were
 * written for (`text_sha256`), so a changed article would silently lose its wording — or, worse, a carried-over
 * copy would keep describing the old text unnoticed. For each article whose text changed and whose earlier text
 * had an entry (the same version re-published, else the article's previous version):
 * - the old entry is carried over to the new text **flagged stale** (still indexed: its terms mostly still hold),
 *   and the article is listed in the report's `staleEnrichment`;
 * - with a chat model, the entry is rewritten at once for the changed articles only (the enrichment path of
 *   `passerelle enrich`: a machine draft for curators to approve), and the article moves to `reenriched`.
 * Articles without any earlier entry are left alone (nothing describes their old text).
 */
export class StaleEnrichment implements SyncEnrichment {
  constructor(
    private readonly dependencies: {
      store: EnrichmentStore;
      lookup: Pick<EnrichmentLookup, 'lookup' | 'latest'>;
      enricher: Pick<Enricher, 'documents' | 'run' | 'reindex'>;
      model?: ChatModel | undefined;
      signal?: AbortSignal;
      now?: () => Date;
    },
  ) {}

  async refresh(kb: string, changes: readonly TextChange[], report: SyncReport): Promise<void> {
    if (changes.length === 0) return;
    const { store, lookup, enricher, model } = this.dependencies;
    const wanted = new Map(changes.map((change) => [change.documentId, change]));
    const documents = (await enricher.documents(kb)).filter((document) => wanted.has(document.documentId));
    const stale: TextChange[] = [];
    for (const document of documents) {
      const change = wanted.get(document.documentId) as TextChange;
      const hash = textHash(document.text);
      const current = await lookup.lookup(kb, document.documentId, hash);
      if (current && !current.stale) continue;
      const earlier = current ?? (await lookup.latest(kb, document.documentId)) ?? (await lookup.latest(kb, change.previousId));
      if (!earlier) continue;
      if (!current) {
        await store.put(kb, { ...earlier, id: document.documentId, text_sha256: hash, stale: true, updated_at: (this.dependencies.now?.() ?? new Date()).toISOString() });
      }
      stale.push(change);
    }
    if (stale.length === 0) return;
    const ids = stale.map((change) => change.documentId);
    if (model) {
      await enricher.run(kb, model, { documentIds: ids, ...(this.dependencies.signal ? { signal: this.dependencies.signal } : {}) });
    }
    // The carried-over entries (and any left stale by a failed model call) are indexed with the new text.
    await enricher.reindex(kb, ids);
    for (const change of stale) {
      const entry = await store.get(kb, change.documentId);
      if (entry && !entry.stale) (report.reenriched ??= []).push(change.label);
      else (report.staleEnrichment ??= []).push(change.label);
    }
  }
}
