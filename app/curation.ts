import { join } from 'node:path';
import type { Config } from '../config/schema.ts';
import type { CurationStore } from '../state/curation-store.ts';
import { PostgresCurationStore } from '../state/curation-store-postgres.ts';
import { SqliteCurationStore } from '../state/curation-store-sqlite.ts';

/** The curation store: PostgreSQL (the state store's database) when configured, else `curation.sqlite` in the data folder. */
export async function createCurationStore(config: Readonly<Config>): Promise<CurationStore> {
  if (config.state.kind === 'postgres' && config.state.databaseUrl) return PostgresCurationStore.open({ connectionString: config.state.databaseUrl });
  return new SqliteCurationStore(join(config.dataDir, 'curation.sqlite'));
}
