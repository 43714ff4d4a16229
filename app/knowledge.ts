import { join } from 'node:path';
import type { Config } from '../config/schema.ts';
import { createKnowledge, type Knowledge } from '../knowledge/create-knowledge.ts';
import type { EnrichmentStore } from '../knowledge/enrichment/enrichment-store.ts';
import { PostgresEnrichmentStore } from '../state/enrichment-store-postgres.ts';
import { SqliteEnrichmentStore } from '../state/enrichment-store-sqlite.ts';

/**
 * The knowledge layer as every process uses it: `createKnowledge` plus the store of curators' and machine
 * enrichment entries — PostgreSQL (the state store's database) when configured, else SQLite in the data folder.
 */
export function openKnowledge(config: Readonly<Config>, log: (message: string) => void = () => {}): Promise<Knowledge> {
  return createKnowledge(config, log, config.retrieval.enrichment === 'off' ? {} : { enrichmentStore: createEnrichmentStore(config) });
}

export function createEnrichmentStore(config: Readonly<Config>): EnrichmentStore {
  return config.state.kind === 'postgres' && config.state.databaseUrl
    ? new PostgresEnrichmentStore({ connectionString: config.state.databaseUrl })
    : new SqliteEnrichmentStore(join(config.dataDir, 'enrichment.sqlite'));
}
