import { join } from 'node:path';
import type { Config } from '../config/schema.ts';
import { createKnowledge, type Knowledge } from '../knowledge/create-knowledge.ts';
import type { EnrichmentStore } from '../knowledge/enrichment/enrichment-store.ts';
import { PostgresEnrichmentStore } from '../state/enrichment-store-postgres.ts';
import { SqliteEnrichmentStore } from '../state/enrichment-store-sqlite.ts';
import type { ConcordanceStore } from '../knowledge/versions/concordance.ts';
import { PostgresConcordanceStore } from '../state/concordance-store-postgres.ts';
import { SqliteConcordanceStore } from '../state/concordance-store-sqlite.ts';

/**
 * The knowledge layer as every process uses it: `createKnowledge` plus the store of curators' and machine
 * enrichment entries — PostgreSQL (the state store's database) when configured, else SQLite in the data folder.
 */
export function openKnowledge(config: Readonly<Config>, log: (message: string) => void = () => {}): Promise<Knowledge> {
  return createKnowledge(config, log, {
    ...(config.retrieval.enrichment === 'off' ? {} : { enrichmentStore: createEnrichmentStore(config) }),
    concordanceStore: createConcordanceStore(config),
  });
}

/** The concordance tables between numberings: next to the enrichment entries (PostgreSQL when configured, else SQLite). */
export function createConcordanceStore(config: Readonly<Config>): ConcordanceStore {
  return config.state.kind === 'postgres' && config.state.databaseUrl
    ? new PostgresConcordanceStore({ connectionString: config.state.databaseUrl })
    : new SqliteConcordanceStore(join(config.dataDir, 'concordance.sqlite'));
}

export function createEnrichmentStore(config: Readonly<Config>): EnrichmentStore {
  return config.state.kind === 'postgres' && config.state.databaseUrl
    ? new PostgresEnrichmentStore({ connectionString: config.state.databaseUrl })
    : new SqliteEnrichmentStore(join(config.dataDir, 'enrichment.sqlite'));
}
