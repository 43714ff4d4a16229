import { join } from 'node:path';
import type { Config } from '../config/schema.ts';
import type { IngestReport } from '../knowledge/ingestion/ingestion-service.ts';
import type { VectorStore } from '../knowledge/ports/vector-store.ts';
import type { CurationStore } from '../state/curation-store.ts';
import { PostgresCurationStore } from '../state/curation-store-postgres.ts';
import { SqliteCurationStore } from '../state/curation-store-sqlite.ts';

/** The curation store: PostgreSQL (the state store's database) when configured, else `curation.sqlite` in the data folder. */
export async function createCurationStore(config: Readonly<Config>): Promise<CurationStore> {
  if (config.state.kind === 'postgres' && config.state.databaseUrl) return PostgresCurationStore.open({ connectionString: config.state.databaseUrl });
  return new SqliteCurationStore(join(config.dataDir, 'curation.sqlite'));
}

/**
 * What `passerelle ingest` tells the console's knowledge ledger: the version and last synchronisation of the
 * base's documents, and the files refused (with the catalogue's French reason).
 */
export async function recordIngestion(config: Readonly<Config>, store: Pick<VectorStore, 'listDocuments'>, reports: readonly IngestReport[]): Promise<void> {
  const ledger = await createCurationStore(config);
  try {
    const at = new Date().toISOString();
    for (const report of reports) {
      const documents = await store.listDocuments(report.kb);
      await ledger.recordSync(report.kb, documents.map((document) => ({ documentId: document.documentId, contentHash: document.contentHash })), at);
      await ledger.recordFailures(report.skipped.map((skipped) => ({ kb: report.kb, file: skipped.file, code: skipped.code, message: skipped.message, at })));
    }
  } finally {
    await ledger.close();
  }
}
