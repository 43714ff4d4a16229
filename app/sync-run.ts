import type { Config } from '../config/schema.ts';
import type { Knowledge } from '../knowledge/create-knowledge.ts';
import { Enricher } from '../knowledge/enrichment/enricher.ts';
import type { ChatModel } from '../knowledge/ports/chat-model.ts';
import { LegiDownloader } from '../knowledge/sync/legi-download.ts';
import { LegiSync } from '../knowledge/sync/legi-sync.ts';
import { LegifranceSync } from '../knowledge/sync/legifrance-sync.ts';
import { StaleEnrichment, type SyncEnrichment } from '../knowledge/sync/sync-enrichment.ts';
import type { SyncReport } from '../knowledge/sync/sync-report.ts';

/** One synchronisation of one base, as `passerelle sync` and the scheduled job ask for it. */
export interface SyncRequest {
  source: 'legi' | 'legifrance';
  kb: string;
  /** legi: folder of archives (read; downloads go there too when `url` is given). */
  dir?: string;
  /** legi: DILA's directory to download the archives newer than the last applied from. */
  url?: string;
}

/**
 * Runs a synchronisation with everything wired: the archives downloaded when a URL is given (into `dir`, else
 * `<data>/sync/legi-archives`), and the agents' wording of changed articles kept in step (carried over flagged
 * stale, rewritten with the chat model when one is configured).
 */
export async function runSync(config: Readonly<Config>, knowledge: Knowledge, model: ChatModel | undefined, request: SyncRequest, signal?: AbortSignal): Promise<SyncReport> {
  knowledge.catalog.get(request.kb);
  const enrichment = syncEnrichment(config, knowledge, model, signal);
  if (request.source === 'legifrance') {
    return new LegifranceSync(knowledge.ingestion, knowledge.catalog, config.dataDir, config.legifrance, undefined, enrichment).run(request.kb);
  }
  const sync = new LegiSync(knowledge.ingestion, knowledge.catalog, config.dataDir, enrichment);
  if (request.url === undefined) return sync.run(request.kb, request.dir as string);
  const downloader = new LegiDownloader({ maxBytes: config.sync.maxArchiveBytes, timeoutMs: config.sync.downloadTimeoutMs });
  return sync.runFromUrl(request.kb, request.url, request.dir ?? LegiSync.downloadFolder(config.dataDir), downloader, signal);
}

function syncEnrichment(config: Readonly<Config>, knowledge: Knowledge, model: ChatModel | undefined, signal: AbortSignal | undefined): SyncEnrichment | undefined {
  const store = knowledge.enrichment?.store;
  if (!knowledge.enrichment || !store) return undefined;
  const enricher = new Enricher(knowledge.store, store, knowledge.enrichment.lookup, knowledge.encoder, knowledge.embedding, {
    embedderCeiling: config.embeddings.ceiling,
    timeoutMs: config.chatModel.timeoutMs,
  });
  return new StaleEnrichment({ store, lookup: knowledge.enrichment.lookup, enricher, model, ...(signal ? { signal } : {}) });
}
