import { join } from 'node:path';
import { createKnowledge } from "../knowledge/create-knowledge.js";
import { PostgresEnrichmentStore } from "../state/enrichment-store-postgres.js";
import { SqliteEnrichmentStore } from "../state/enrichment-store-sqlite.js";
/**
 * The knowledge layer as every process uses it: `createKnowledge` plus the store of curators' and machine
 * enrichment entries — PostgreSQL (the state store's database) when configured, else SQLite in the data folder.
 */
export function openKnowledge(config, log = () => { }) {
    return createKnowledge(config, log, config.retrieval.enrichment === 'off' ? {} : { enrichmentStore: createEnrichmentStore(config) });
}
export function createEnrichmentStore(config) {
    return config.state.kind === 'postgres' && config.state.databaseUrl
        ? new PostgresEnrichmentStore({ connectionString: config.state.databaseUrl })
        : new SqliteEnrichmentStore(join(config.dataDir, 'enrichment.sqlite'));
}
