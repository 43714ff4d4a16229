import { join } from 'node:path';
import { PostgresCurationStore } from "../state/curation-store-postgres.js";
import { SqliteCurationStore } from "../state/curation-store-sqlite.js";
/** The curation store: PostgreSQL (the state store's database) when configured, else `curation.sqlite` in the data folder. */
export async function createCurationStore(config) {
    if (config.state.kind === 'postgres' && config.state.databaseUrl)
        return PostgresCurationStore.open({ connectionString: config.state.databaseUrl });
    return new SqliteCurationStore(join(config.dataDir, 'curation.sqlite'));
}
/**
 * What `passerelle ingest` tells the console's knowledge ledger: the version and last synchronisation of the
 * base's documents, and the files refused (with the catalogue's French reason).
 */
export async function recordIngestion(config, store, reports) {
    const ledger = await createCurationStore(config);
    try {
        const at = new Date().toISOString();
        for (const report of reports) {
            const documents = await store.listDocuments(report.kb);
            await ledger.recordSync(report.kb, documents.map((document) => ({ documentId: document.documentId, contentHash: document.contentHash })), at);
            await ledger.recordFailures(report.skipped.map((skipped) => ({ kb: report.kb, file: skipped.file, code: skipped.code, message: skipped.message, at })));
        }
    }
    finally {
        await ledger.close();
    }
}
